"""The wheel carries the templates and the grammar, and works installed without -e."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

import pytest

from .goldens import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    (path,) = out.glob("modelgen-*.whl")
    return path


def test_wheel_contains_templates_and_grammar(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in ("functional", "sequential", "sequential_list", "subclass", "_module"):
        assert f"modelgen/templates/{template}.py.j2" in names
    assert "modelgen/grammar.lark" in names
    for page in ("page.md.j2", "page.html.j2", "_parts.md.j2"):
        assert f"modelgen/templates/compare/{page}" in names


def test_installed_wheel_generates_from_any_directory(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    spec = elsewhere / "mnist_mlp.mg"
    spec.write_text((EXAMPLES / "mnist_mlp.mg").read_text())
    result = subprocess.run(
        [str(env_dir / "bin" / "modelgen"), "new", "mnist_mlp.mg", "--style", "all", "-o", "out"],
        cwd=elsewhere, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for style in ("sequential", "sequential_list", "functional", "subclass"):
        name = f"mnist_mlp_{style}.py"
        assert (elsewhere / "out" / name).read_text() == (EXAMPLES / name).read_text()
    page = subprocess.run(
        [str(env_dir / "bin" / "modelgen"), "compare", "mnist_mlp.mg", "--format", "md"],
        cwd=elsewhere, capture_output=True, text=True,
    )  # fmt: skip
    assert page.returncode == 0, page.stderr  # the compare templates ship in the wheel
    assert "## functional: the functional API" in page.stdout
