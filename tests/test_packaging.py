"""The wheel carries the templates and the grammar, and works installed without -e: from
a directory outside the repository, `modelgen new`, `compare`, `init --no-input` and
`check` run from a fresh virtual environment."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile

import pytest

from modelgen.styles import STYLES

from .goldens import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """`python -m build`, as a release would: sdist first, then the wheel built from it."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (path,) = out.glob("modelgen-*.whl")
    return path


def test_wheel_contains_templates_and_grammar(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    frames = ["_module.py.j2", "_main.py.j2"]  # the module every style extends, and its end
    for template in [style.template for style in STYLES.values()] + frames:
        assert f"modelgen/templates/{template}" in names
    assert "modelgen/grammar.lark" in names
    for page in ("page.md.j2", "page.html.j2", "_parts.md.j2"):
        assert f"modelgen/templates/compare/{page}" in names
    templates = ROOT / "templates"
    on_disk = {
        f"modelgen/templates/{path.relative_to(templates).as_posix()}"
        for pattern in ("*.j2", "compare/*")
        for path in templates.glob(pattern)
        if path.is_file()
    }
    assert sorted(on_disk - names) == []  # and any template added later


def test_wheel_contains_every_file_of_the_project_template_and_the_presets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    template = ROOT / "templates" / "project"
    on_disk = {
        f"modelgen/templates/project/{path.relative_to(template).as_posix()}"
        for path in template.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert any(name.endswith("/hooks/pre_gen_project.py") for name in on_disk)
    assert any(name.endswith("/.gitignore") for name in on_disk)  # dotfiles too
    assert sorted(on_disk - names) == []
    for preset in ("mlp", "cnn", "two_towers"):
        assert f"modelgen/presets/{preset}.mg" in names


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
    spec.write_text((EXAMPLES / "mnist_mlp" / "mnist_mlp.mg").read_text())
    result = subprocess.run(
        [str(env_dir / "bin" / "modelgen"), "new", "mnist_mlp.mg", "--style", "all", "-o", "out"],
        cwd=elsewhere, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for style in STYLES.values():
        name = style.file_name("mnist_mlp")
        assert (elsewhere / "out" / name).read_text() == (EXAMPLES / "mnist_mlp" / name).read_text()
    page = subprocess.run(
        [str(env_dir / "bin" / "modelgen"), "compare", "mnist_mlp.mg", "--format", "md"],
        cwd=elsewhere, capture_output=True, text=True,
    )  # fmt: skip
    assert page.returncode == 0, page.stderr  # the compare templates ship in the wheel
    assert "## functional: the functional API" in page.stdout

    # modelgen init from the wheel: the template's hooks run in this venv's Python.
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(f"replay_dir: {tmp_path / 'replay'}\ncookiecutters_dir: {tmp_path / 'cc'}\n")
    project = subprocess.run(
        [str(env_dir / "bin" / "modelgen"), "init", "proj", "--preset", "two_towers",
         "--style", "subclass", "--no-input"],
        cwd=elsewhere, capture_output=True, text=True,
        env={**os.environ, "COOKIECUTTER_CONFIG": str(config)},
    )  # fmt: skip
    assert project.returncode == 0, project.stderr
    golden = (EXAMPLES / "two_towers" / "two_towers_subclass.py").read_text()
    model = (elsewhere / "proj" / "model.py").read_text()
    assert model == golden.replace("from two_towers.mg.", "from model.mg.")
    assert (elsewhere / "proj" / ".gitignore").is_file()

    # modelgen check from the wheel builds the models in Keras. TensorFlow is not
    # installed in the venv (half a gigabyte): a .pth file appends this Python's
    # site-packages to the venv's path, after the venv's own, so the venv's modelgen
    # (the wheel's) still comes first, and no .pth file of this Python is run.
    import sysconfig

    (site,) = (env_dir / "lib").glob("python3*/site-packages")
    (site / "zz_base_site_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.run(
        [str(python), "-c", "import modelgen, keras; print(modelgen.__file__)"],
        capture_output=True, text=True, cwd=elsewhere,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(env_dir)), where.stdout
    checked = subprocess.run(
        [str(env_dir / "bin" / "modelgen"), "check", "mnist_mlp.mg"],
        cwd=elsewhere, capture_output=True, text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"result: all {len(STYLES)} styles build the same model" in checked.stdout
