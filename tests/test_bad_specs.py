"""Every bad spec under tests/bad/ fails as a user sees it: exit 2, the snapshot's message
on stderr, no traceback, and nothing written. See tests/bad_specs.py for the layout;
`python -m tests.regen` rewrites the snapshots.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from modelgen.errors import MAX_REPORTED, visible
from modelgen.generate import generate, load

from .bad_specs import (
    BAD,
    MULTI,
    ROOT,
    declared_errors,
    multi_specs,
    run_new,
    single_specs,
    snapshot_path,
    style_of,
)

SINGLE = single_specs()
MANY = multi_specs()
_HEAD = re.compile(r"(?P<file>\S+):(?P<line>\d+):(?P<column>\d+): error: .+")
_CONTEXT = re.compile(r"  in block '\w+' used at \d+:\d+(?: \(use \d+ of \d+\))?")


def short_name(spec: Path) -> str:
    return spec.stem.split("_", 1)[1]


def heads(stderr: str) -> list[re.Match]:
    return [m for m in map(_HEAD.fullmatch, stderr.splitlines()) if m]


def fails_as_its_snapshot_says(spec: Path, folder: Path) -> str:
    """Run `modelgen new` on `spec` into an empty `folder`; its stderr, once checked."""
    target = folder / "out.py"
    result = run_new(spec, target)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert result.stderr == snapshot_path(spec).read_text(encoding="utf-8")
    assert not target.exists()
    assert list(folder.iterdir()) == []  # no temporary file left behind either
    return result.stderr


def test_the_corpus_is_large_and_every_spec_has_a_snapshot() -> None:
    assert len(SINGLE) >= 60 and len(MANY) >= 3
    assert len({short_name(s) for s in SINGLE}) == len(SINGLE)
    snapshots = {*BAD.glob("*.expected"), *MULTI.glob("*.expected")}
    assert snapshots == {snapshot_path(s) for s in SINGLE + MANY}


@pytest.mark.parametrize("spec", SINGLE, ids=lambda spec: spec.stem)
def test_a_bad_spec_gets_its_one_positioned_error(spec: Path, tmp_path: Path) -> None:
    lines = fails_as_its_snapshot_says(spec, tmp_path).splitlines()
    (head,) = heads("\n".join(lines))  # one mistake, one error
    assert lines[0] == head.group(0)
    assert head.group("file") == spec.relative_to(ROOT).as_posix()
    line, column = int(head.group("line")), int(head.group("column"))
    source = spec.read_text(encoding="utf-8").split("\n")[line - 1].expandtabs(1)
    assert lines[1] == f"{line:>5} | {visible(source)}"  # a control character shows as \x1b
    caret = re.fullmatch(r"      \| ( *)\^+", lines[2])
    assert caret and len(caret.group(1)) == len(visible(source[: column - 1])), (
        "the caret is under the column, as the line is shown"
    )
    # A problem in a block's body says which use it comes from, a line per block.
    assert all(_CONTEXT.fullmatch(line) for line in lines[3:-1]), lines[3:-1]
    assert len(lines) >= 4 and lines[-1].startswith("  hint: "), "every error says what to do"


@pytest.mark.parametrize(
    "spec", [s for s in SINGLE if style_of(s) != "functional"], ids=lambda spec: spec.stem
)
def test_a_style_refusal_is_a_model_the_functional_style_writes(spec: Path) -> None:
    graph = load(spec.read_text(encoding="utf-8"), spec.name)
    assert "keras.Model(" in generate(graph, "functional")


@pytest.mark.parametrize("spec", MANY, ids=lambda spec: spec.stem)
def test_every_error_is_reported_in_one_run_in_source_order(spec: Path, tmp_path: Path) -> None:
    stderr = fails_as_its_snapshot_says(spec, tmp_path)
    positions = [(int(h.group("line")), int(h.group("column"))) for h in heads(stderr)]
    declared = declared_errors(spec)
    assert len(positions) == min(declared, MAX_REPORTED)
    assert positions == sorted(positions)
    hints = [line for line in stderr.splitlines() if line.startswith("  hint: ")]
    assert len(hints) == len(positions), "every error says what to do"
    if declared > MAX_REPORTED:
        assert stderr.splitlines()[-1] == f"... and {declared - MAX_REPORTED} more errors"
