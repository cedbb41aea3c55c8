"""The corpus of bad specs, `tests/bad/`, and the snapshots of what modelgen says about them.

* `NN_short_name.mg` holds exactly one mistake. A first line `# style: STYLE` names
  the style to ask for (a spec the functional style takes but a Sequential style
  refuses); otherwise the style is functional.
* `multi/NN_short_name.mg` holds many, and says how many on its first line
  (`# errors: N`): every one must be reported in one run, in source order, up to
  `modelgen.errors.MAX_REPORTED`.
* `NN_short_name.expected` beside each is the exact stderr of
  `modelgen new tests/bad/NN_short_name.mg --style STYLE -o OUT`, run from the
  repository root. `python -m tests.regen` rewrites them: review the diff, since a
  message that gets worse shows up there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad"
MULTI = BAD / "multi"

_STYLE = re.compile(r"# style: (\S+)")
_ERRORS = re.compile(r"# errors: (\d+)")


def single_specs() -> list[Path]:
    return sorted(BAD.glob("*.mg"))


def multi_specs() -> list[Path]:
    return sorted(MULTI.glob("*.mg"))


def style_of(spec: Path) -> str:
    found = _STYLE.match(spec.read_text(encoding="utf-8"))
    return found.group(1) if found else "functional"


def declared_errors(spec: Path) -> int:
    """How many errors a `multi/` spec says it holds."""
    found = _ERRORS.match(spec.read_text(encoding="utf-8"))
    assert found, f"{spec} must start with '# errors: N'"
    return int(found.group(1))


def snapshot_path(spec: Path) -> Path:
    return spec.with_suffix(".expected")


def modelgen_command() -> str:
    """The console script installed beside this interpreter, as users run it."""
    beside = Path(sys.executable).parent / "modelgen"
    command = str(beside) if beside.exists() else shutil.which("modelgen")
    assert command, "the modelgen console script is not installed"
    return command


def run_new(spec: Path, output: Path) -> subprocess.CompletedProcess:
    """`modelgen new SPEC --style STYLE -o OUTPUT`, from the repository root, as a user runs it."""
    return subprocess.run(
        [modelgen_command(), "new", spec.relative_to(ROOT).as_posix(), "--style", style_of(spec)]
        + ["-o", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )


def expected_snapshots() -> dict[Path, str]:
    """What each snapshot should hold: the stderr modelgen gives today."""
    snapshots = {}
    with tempfile.TemporaryDirectory() as folder:
        for spec in single_specs() + multi_specs():
            snapshots[snapshot_path(spec)] = run_new(spec, Path(folder) / "out.py").stderr
    return snapshots


def write_snapshots() -> list[Path]:
    """Rewrite the stale snapshots and drop those of deleted specs; the paths changed (from the root)."""
    changed = []
    for path, text in expected_snapshots().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path.relative_to(ROOT))
    for path in [*BAD.glob("*.expected"), *MULTI.glob("*.expected")]:
        if not path.with_suffix(".mg").exists():
            path.unlink()
            changed.append(path.relative_to(ROOT))
    return changed
