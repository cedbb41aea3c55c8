"""The CI slice of the fuzzing campaign (tests/fuzz.py): malformed specs get modelgen's
own errors, never a crash. `python -m tests.fuzz --examples 20000` runs the long one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelgen.styles import STYLES

from .fuzz import check, check_cli, fuzz_inputs


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=fuzz_inputs())
def test_the_library_raises_only_modelgen_errors(text: str) -> None:
    assert check(text) in ("valid", "error")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=fuzz_inputs(), style=st.sampled_from(list(STYLES)))
def test_the_command_exits_0_or_2_without_a_traceback(text: str, style: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_cli(text, Path(folder), style)
