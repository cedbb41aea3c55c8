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
def test_the_library_answers_with_code_or_a_positioned_refusal(text: str) -> None:
    outcome = check(text)  # anything but a SpecError escapes, and fails the test
    if outcome.refusal is not None:  # not a model: every error at its place, with a hint
        error = outcome.refusal
        assert error.diagnostics and all(d.hint for d in error.diagnostics), error.format()
        span = error.diagnostics[0].span
        assert error.format().startswith(f"fuzz.mg:{span.line}:{span.column}: error: ")
        assert not outcome.codes and not outcome.refused
        return
    # a model: each style generates it or refuses it with one positioned error, and the
    # two styles that express any graph always generate it
    assert sorted([*outcome.codes, *outcome.refused]) == sorted(STYLES)
    assert {"functional", "subclass"} <= set(outcome.codes), outcome.refused
    for style, code in outcome.codes.items():
        assert "def build_model(" in code, style
        compile(code, f"{style}.py", "exec")  # a SyntaxError fails the test
    for style, error in outcome.refused.items():
        (refusal,) = error.diagnostics
        assert refusal.message.startswith(f"the {style} style cannot express this model: ")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=fuzz_inputs(), style=st.sampled_from(list(STYLES)))
def test_the_command_exits_0_or_2_without_a_traceback(text: str, style: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_cli(text, Path(folder), style)
