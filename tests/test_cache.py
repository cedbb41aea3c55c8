"""The private cache folder (lark's tables, Jinja's compiled templates): used only when
it is this user's and nobody else can write to it, and never changes the output."""

from __future__ import annotations

import os
import subprocess
import sys

from modelgen.cache import private_folder

from .goldens import EXAMPLES


def test_the_folder_is_made_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MODELGEN_NO_CACHE", raising=False)
    folder = private_folder("jinja")
    assert folder == tmp_path / "modelgen" / "jinja"
    for path in (folder, folder.parent):
        assert path.stat().st_mode & 0o777 == 0o700


def test_a_folder_others_can_write_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MODELGEN_NO_CACHE", raising=False)
    (tmp_path / "modelgen").mkdir(mode=0o700)
    os.chmod(tmp_path / "modelgen", 0o777)
    assert private_folder() is None
    assert private_folder("jinja") is None


def test_no_cache_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("MODELGEN_NO_CACHE", "1")
    assert private_folder() is None
    assert not (tmp_path / "modelgen").exists()


def test_cached_and_uncached_runs_write_the_same_code(tmp_path):
    """A cold run fills the cache, a second reads it, a third has none: one output."""
    spec = EXAMPLES / "two_towers.mg"
    code = "import sys; from modelgen.cli import main; main()"
    outputs = []
    for extra in ({}, {}, {"MODELGEN_NO_CACHE": "1"}):
        env = {k: v for k, v in os.environ.items() if k != "MODELGEN_NO_CACHE"}
        env.update(XDG_CACHE_HOME=str(tmp_path), **extra)
        result = subprocess.run(
            [sys.executable, "-c", code, "new", str(spec), "--style", "subclass"],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        outputs.append(result.stdout)
    assert (
        outputs[0] == outputs[1] == outputs[2] == (EXAMPLES / "two_towers_subclass.py").read_text()
    )
    cached = {p.parent.name for p in (tmp_path / "modelgen").rglob("*") if p.is_file()}
    assert cached == {"modelgen", "jinja" + __import__("jinja2").__version__}
