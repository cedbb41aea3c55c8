"""model.py is what modelgen generates from model.mg: edit the spec, then regenerate."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = [
    "modelgen", "new", "model.mg",
    "--style", "{{ cookiecutter.style }}", "--imports", "{{ cookiecutter.imports }}",
]  # fmt: skip


def test_model_py_is_what_model_mg_generates():
    result = subprocess.run(
        [sys.executable, "-m", *REGENERATE, "-o", "-"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "model.py").read_text(encoding="utf-8"), (
        "model.py is not what model.mg generates; regenerate it: "
        + " ".join(REGENERATE)
        + " -o model.py --force"
    )
