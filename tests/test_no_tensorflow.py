"""Generating code never imports TensorFlow or Keras: it works with both made unimportable."""

from __future__ import annotations

import subprocess
import sys

from .goldens import EXAMPLES, example_specs

BLOCK_AND_RUN = """
import sys

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("tensorflow", "keras"):
            raise ImportError(f"blocked import of {name}")
        return None

sys.meta_path.insert(0, Blocker())
from modelgen.cli import main
sys.argv = ["modelgen", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
assert not loaded, loaded
"""


def test_new_all_styles_without_tensorflow(tmp_path):
    for spec in example_specs():
        out = tmp_path / spec.stem
        result = subprocess.run(
            [sys.executable, "-c", BLOCK_AND_RUN, "new", str(spec), "--style", "all", "-o", str(out)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        for path in out.iterdir():
            assert path.read_text() == (spec.parent / path.name).read_text()


def test_check_without_tensorflow_says_how_to_install_it():
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_AND_RUN.replace("assert exit.code in (0, None), exit.code", "print('exit', exit.code)"),
         "check", str(EXAMPLES / "mnist_mlp" / "mnist_mlp.mg")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert "exit 2" in result.stdout
    assert "pip install 'modelgen[verify]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_plot_and_compare_without_tensorflow(tmp_path):
    spec = str(EXAMPLES / "two_towers" / "two_towers.mg")
    for command, output in [
        ("plot", "model.svg"),
        ("plot", "model.png"),
        ("plot", "model.dot"),
        ("compare", "page.md"),
        ("compare", "page.html"),
        ("compare", "page.ipynb"),
    ]:
        target = tmp_path / output
        formats = ["--format", target.suffix[1:]] if command == "compare" else []
        result = subprocess.run(
            [sys.executable, "-c", BLOCK_AND_RUN, command, spec, *formats, "-o", str(target)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert target.stat().st_size > 1000, output
