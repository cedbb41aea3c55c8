"""The private cache folder (lark's tables, Jinja's compiled templates, black's output):
used only when it is this user's and nobody else can write to it, and never changes
the output."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from modelgen import formatting
from modelgen.cache import private_folder
from modelgen.formatting import format_code, run_black

from .goldens import EXAMPLES


def test_the_folder_is_made_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MODELGEN_NO_CACHE", raising=False)
    with private_folder("jinja") as folder:
        assert os.path.samestat(
            os.fstat(folder.descriptor), os.stat(tmp_path / "modelgen" / "jinja")
        )
    for path in (tmp_path / "modelgen" / "jinja", tmp_path / "modelgen"):
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
    spec = EXAMPLES / "two_towers" / "two_towers.mg"
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
        outputs[0]
        == outputs[1]
        == outputs[2]
        == (EXAMPLES / "two_towers" / "two_towers_subclass.py").read_text()
    )
    cached = {p.parent.name for p in (tmp_path / "modelgen").rglob("*") if p.is_file()}
    assert cached == {"modelgen", "jinja" + __import__("jinja2").__version__, "black"}


# ------------------------------------------------------------------ black's output

RENDERED = "x = [1,\n  2]\ndef f( a ):\n  return a\n"
GENERATE = """
import sys
from modelgen.cli import main
sys.argv = ["modelgen", *sys.argv[1:]]
try:
    main()
finally:
    print("black imported" if "black" in sys.modules else "no black", file=sys.stderr)
"""


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MODELGEN_NO_CACHE", raising=False)
    return tmp_path / "modelgen" / "black"


def test_a_repeat_run_is_formatted_without_importing_black(tmp_path):
    spec = EXAMPLES / "mnist_mlp" / "mnist_mlp.mg"
    env = {k: v for k, v in os.environ.items() if k != "MODELGEN_NO_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    runs = [
        subprocess.run(
            [sys.executable, "-c", GENERATE, "new", str(spec), "--style", "functional"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    assert [r.stderr.splitlines()[-1] for r in runs] == ["black imported", "no black"]
    assert (
        runs[0].stdout
        == runs[1].stdout
        == (EXAMPLES / "mnist_mlp" / "mnist_mlp_functional.py").read_text()
    )


def test_the_cache_gives_what_black_gives(cache_home):
    first, second = format_code(RENDERED), format_code(RENDERED)
    assert first == second == run_black(RENDERED)
    assert len(list(cache_home.iterdir())) == 1


def test_an_entry_that_is_not_whole_is_not_used(cache_home):
    format_code(RENDERED)
    (entry,) = cache_home.iterdir()
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text[:-5], encoding="utf-8")  # cut short
    assert format_code(RENDERED) == run_black(RENDERED)
    entry.write_text(text.replace("return a", "import os"), encoding="utf-8")  # changed
    assert format_code(RENDERED) == run_black(RENDERED)


def test_another_black_is_another_key(cache_home, monkeypatch):
    format_code(RENDERED)
    monkeypatch.setattr(formatting, "_black_identity", lambda: "black 99.0, elsewhere")
    format_code(RENDERED)
    assert len(list(cache_home.iterdir())) == 2


def test_without_black_installed_nothing_is_cached(cache_home, monkeypatch):
    monkeypatch.setattr(formatting, "_black_identity", lambda: None)
    assert format_code(RENDERED) == run_black(RENDERED)
    assert not cache_home.exists() or list(cache_home.iterdir()) == []


def test_large_output_is_not_cached(cache_home, monkeypatch):
    monkeypatch.setattr(formatting, "MAX_CACHED_CHARS", len(RENDERED) - 1)
    format_code(RENDERED)
    assert not cache_home.exists() or list(cache_home.iterdir()) == []


def test_the_cache_keeps_the_most_recently_used(cache_home, monkeypatch):
    monkeypatch.setattr(formatting, "MAX_ENTRIES", 8)
    monkeypatch.setattr(formatting, "_PRUNED_TO", 6)
    sources = [f"x = {n}\n" for n in range(9)]
    for n, source in enumerate(sources[:8]):
        format_code(source)
        os.utime(cache_home / formatting._key(source), (1_000 + n, 1_000 + n))
    assert format_code(sources[0]) == sources[0]  # read: now the most recently used
    format_code(sources[8])  # the ninth entry: the three least recently used go
    kept = {path.name for path in cache_home.iterdir()}
    assert kept == {formatting._key(sources[n]) for n in (0, 4, 5, 6, 7, 8)}
