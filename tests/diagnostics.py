"""Helpers for tests that expect a spec to fail."""

from __future__ import annotations

import pytest

from modelgen.errors import Diagnostic, SpecError
from modelgen.generate import load
from modelgen.parser import parse


def parse_error(source: str, filename: str = "<expr>") -> SpecError:
    with pytest.raises(SpecError) as info:
        parse(source, filename)
    return info.value


def load_error(source: str, filename: str = "<expr>") -> SpecError:
    with pytest.raises(SpecError) as info:
        load(source, filename)
    return info.value


def only(error: SpecError) -> Diagnostic:
    assert len(error.diagnostics) == 1, error.format()
    return error.diagnostics[0]


def position(diagnostic: Diagnostic) -> tuple[int, int]:
    return diagnostic.span.line, diagnostic.span.column
