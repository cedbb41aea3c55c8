"""Every catalogue layer, proven against Keras: the static summary is what Keras reports.

The cases live in tests/catalogue_cases/, one module per catalogue family.
"""

from __future__ import annotations

import pytest

from modelgen import catalogue
from modelgen.errors import SpecError
from modelgen.generate import load

from .catalogue_cases import ACCEPTED, REFUSED
from .summaries import built_summary, static_summary


@pytest.mark.parametrize("family,spec", ACCEPTED, ids=[f"{f}:{s}" for f, s in ACCEPTED])
def test_static_summary_is_what_keras_reports(family, spec, verify):
    assert static_summary(spec) == built_summary(spec, verify)


@pytest.mark.parametrize("family,spec", REFUSED, ids=[f"{f}:{s}" for f, s in REFUSED])
def test_what_keras_refuses_is_refused_at_a_position(family, spec, verify):
    with pytest.raises(SpecError) as refused:
        load(spec, "case.mg")
    diagnostic = refused.value.diagnostics[0]
    assert diagnostic.span.line == 1 and diagnostic.span.column > 1
    assert refused.value.format().startswith("case.mg:1:")
    # and Keras, given the same layers, refuses too
    from modelgen.parser import parse
    from modelgen.render import render
    from modelgen.styles import STYLES
    from modelgen.validate import validate

    graph = validate(parse(spec, "case.mg"))
    code = render(graph, STYLES["functional"])
    with pytest.raises(Exception):  # noqa: B017 - Keras raises ValueError, TypeError, ...
        verify.build(code, "functional")


def test_every_catalogue_entry_has_a_keras_backed_case():
    covered = set()
    for _, spec in ACCEPTED:
        for node in load(spec, "case.mg").nodes:
            covered.add(node.entry.keyword)
            if node.wrapped is not None:
                covered.add(node.wrapped.entry.keyword)
    assert {e.keyword for e in catalogue.ENTRIES} - covered == set()
