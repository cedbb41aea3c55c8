"""The private cache against another user, and where it lives.

lark's saved parser is a pickle, Jinja's compiled templates are code it runs, black's
output becomes the generated code: a planted entry must never be read. Each attack
plants entries that would act if read (an unpickled payload or executed bytecode
appends to a marker file; black's entry adds a `PLANTED` line to the output), then
runs `modelgen new` in a fresh process. Another user is simulated with `os.chown` as
root, and by disguising the files' owner in the child process otherwise.

Then the cache's location (the XDG base-directory rules, no home or tree made where
none exists) and a cache that cannot be written (read-only, full): never an error.
"""

from __future__ import annotations

import ctypes
import errno
import io
import json
import marshal
import os
import pickle
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from modelgen import cache, formatting, parser, templating

from .goldens import EXAMPLES

SPEC = EXAMPLES / "mnist_mlp" / "mnist_mlp.mg"
GOLDEN = EXAMPLES / "mnist_mlp" / "mnist_mlp_functional.py"
JINJA = f"jinja{jinja2.__version__}"
OTHER_UID = 54321  # "another user"

# `modelgen new`, after the setup a test asks for in $CACHE_TEST: files disguised as
# another user's (without root), a cache folder swapped right after it was checked.
SCRIPT = r"""
import json, os, sys
setup = json.loads(os.environ.pop("CACHE_TEST", "{}"))
if setup.get("foreign"):
    foreign = {tuple(identity) for identity in setup["foreign"]}
    real_fstat, real_stat = os.fstat, os.stat
    def disguise(result):
        if (result.st_dev, result.st_ino) not in foreign:
            return result
        fields = list(result[:10])
        fields[4] = setup["other_uid"]
        return os.stat_result(fields)
    os.fstat = lambda fd: disguise(real_fstat(fd))
    os.stat = lambda *args, **kwargs: disguise(real_stat(*args, **kwargs))
if setup.get("swap"):
    import modelgen.formatting, modelgen.parser, modelgen.templating
    swap = setup["swap"]
    def swapping(check):
        def checked_then_swapped(*parts):
            folder = check(*parts)
            if not os.path.lexists(swap["mine"]):  # once: after the first check
                os.rename(swap["folder"], swap["mine"])
                if swap["how"] == "symlink":
                    os.symlink(swap["attacker"], swap["folder"])
                else:
                    os.rename(swap["attacker"], swap["folder"])
            return folder
        return checked_then_swapped
    for module in (modelgen.parser, modelgen.templating, modelgen.formatting):
        module.private_folder = swapping(module.private_folder)
if setup.get("count_builds"):
    import jinja2, lark.lark
    builds = {"grammar": 0, "template": 0}
    def counting(kind, function):
        def counted(*args, **kwargs):
            builds[kind] += 1
            return function(*args, **kwargs)
        return counted
    lark.lark.load_grammar = counting("grammar", lark.lark.load_grammar)
    jinja2.Environment.compile = counting("template", jinja2.Environment.compile)
from modelgen.cli import main
sys.argv = ["modelgen", *sys.argv[1:]]
try:
    main()
finally:
    if setup.get("count_builds"):
        print("builds:", json.dumps(builds), file=sys.stderr)
    print("black imported:", "black" in sys.modules, file=sys.stderr)
"""


def modelgen_new(cwd: Path, env: dict[str, str | None], setup=None, preexec_fn=None):
    environment = {
        k: v for k, v in os.environ.items() if k not in ("MODELGEN_NO_CACHE", "XDG_CACHE_HOME")
    }
    environment.update(env)
    environment = {k: v for k, v in environment.items() if v is not None}
    environment["CACHE_TEST"] = json.dumps(setup or {})
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, "new", str(SPEC), "--style", "functional"],
        cwd=cwd, env=environment, capture_output=True, text=True, preexec_fn=preexec_fn,
    )  # fmt: skip


def assert_clean_run(result, marker: Path | None = None) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")
    if marker is not None:
        assert not marker.exists(), marker.read_text()


# ------------------------------------------------------------------ planting entries


class _Payload:
    """Unpickled, it appends to the marker: code run from another user's file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'a').write('unpickled\\n')",))


def _planted(path: Path, marker: Path) -> bytes:
    """What an attacker puts in place of the entry at `path`: the same kind of entry,
    under the same name, that acts when read."""
    data = path.read_bytes()
    if path.name.endswith(".lark-cache"):  # a key line, then the saved parser
        key, _, _ = data.partition(b"\n")
        return key + b"\n" + pickle.dumps(_Payload(marker))
    if path.parent.name == JINJA:  # Jinja's magic, the source's checksum, the code
        saved = io.BytesIO(data[len(bc_magic) :])
        checksum = pickle.load(saved)
        template = marshal.dumps(marshal.load(saved))
        code = compile(
            f"open({str(marker)!r}, 'a').write('executed\\n')\n"
            f"import marshal\nexec(marshal.loads({template!r}), globals())\n",
            "<planted>",
            "exec",
        )  # the planted template still renders as the real one: nothing shows
        return bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)
    if path.parent.name == "black":  # a digest line, then the text
        text = "import os  # PLANTED\n" + data.decode().partition("\n")[2]
        return f"{formatting._digest(text)}\n{text}".encode()
    raise AssertionError(f"an entry of an unknown kind: {path}")


def cache_entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture
def filled(tmp_path) -> Path:
    """A cache filled by one `modelgen new` (its `modelgen` folder)."""
    assert_clean_run(modelgen_new(tmp_path, {"XDG_CACHE_HOME": str(tmp_path / "cache")}))
    folder = tmp_path / "cache" / "modelgen"
    kinds = {p.parent.name for p in cache_entries(folder)}
    assert kinds == {"modelgen", JINJA, "black"}
    return folder


def others(paths: list[Path]) -> dict:
    """Make `paths` another user's: for real as root, else disguised in the child."""
    if os.geteuid() == 0:
        for path in paths:
            os.chown(path, OTHER_UID, OTHER_UID, follow_symlinks=False)
        return {}
    identities = [[os.lstat(p).st_dev, os.lstat(p).st_ino] for p in paths]
    return {"foreign": identities, "other_uid": OTHER_UID}


def test_planted_entries_act_when_read(tmp_path, filled):
    """The control: planted entries of this user's own, in the private folder, are
    read (the cache trusts the user's own files), and each acts. So the tests below,
    which differ only in who could have planted them, can fail."""
    marker = tmp_path / "marker"
    for entry in cache_entries(filled):
        entry.write_bytes(_planted(entry, marker))
    result = modelgen_new(tmp_path, {"XDG_CACHE_HOME": str(filled.parent)})
    assert "import os  # PLANTED" in result.stdout
    assert set(marker.read_text().split()) == {"executed", "unpickled"}


@pytest.mark.parametrize("how", ["another user's", "writable by others", "a symlink"])
def test_an_entry_that_is_not_private_is_never_read(tmp_path, filled, how):
    marker = tmp_path / "marker"
    attacker = tmp_path / "attacker"
    attacker.mkdir()
    entries = cache_entries(filled)
    setup: dict = {}
    for n, entry in enumerate(entries):
        planted = _planted(entry, marker)
        if how == "a symlink":  # to the attacker's file
            target = attacker / str(n)
            target.write_bytes(planted)
            entry.unlink()
            entry.symlink_to(target)
        else:
            entry.write_bytes(planted)
            if how == "writable by others":
                entry.chmod(0o666)
    if how == "another user's":
        setup = others(entries)
    elif how == "a symlink":
        setup = others([attacker, *attacker.iterdir()])
    result = modelgen_new(tmp_path, {"XDG_CACHE_HOME": str(filled.parent)}, setup)
    assert_clean_run(result, marker)


@pytest.mark.parametrize("how", ["renamed", "symlink"])
def test_a_folder_swapped_after_it_was_checked_is_never_read(tmp_path, filled, how):
    """Between the check of `modelgen` and the opening of an entry in it, another user
    (who can write to the cache's parent) puts a folder of theirs in its place."""
    marker = tmp_path / "marker"
    attacker = tmp_path / "attacker" / "modelgen"
    shutil.copytree(filled, attacker)
    for entry in cache_entries(attacker):
        entry.write_bytes(_planted(entry, marker))
    setup = others([attacker, *attacker.rglob("*")])
    setup["swap"] = {
        "folder": str(filled),
        "mine": str(filled.parent / "modelgen.mine"),
        "attacker": str(attacker),
        "how": how,
    }
    result = modelgen_new(tmp_path, {"XDG_CACHE_HOME": str(filled.parent)}, setup)
    assert_clean_run(result, marker)
    assert (filled.parent / "modelgen.mine").is_dir()  # the swap did happen


@pytest.mark.parametrize(
    "how", ["another user's", "writable by others", "a symlink", "a symlinked subfolder"]
)
def test_a_cache_folder_that_is_not_private_is_not_used(tmp_path, filled, how):
    marker = tmp_path / "marker"
    attacker = tmp_path / "attacker" / "modelgen"
    shutil.copytree(filled, attacker)
    for entry in cache_entries(attacker):
        entry.write_bytes(_planted(entry, marker))
        if how == "writable by others":
            entry.chmod(0o666)
    shutil.rmtree(filled)
    setup: dict = {}
    if how == "writable by others":
        attacker.chmod(0o777)
        attacker.rename(filled)
    elif how == "another user's":
        setup = others([attacker, *attacker.rglob("*")])
        attacker.rename(filled)
    elif how == "a symlink":
        setup = others([attacker, *attacker.rglob("*")])
        filled.symlink_to(attacker)
    else:  # modelgen is private; its black folder is a symlink to a folder elsewhere
        filled.mkdir(mode=0o700)
        (filled / "black").symlink_to(attacker / "black")
    result = modelgen_new(tmp_path, {"XDG_CACHE_HOME": str(filled.parent)}, setup)
    assert_clean_run(result, marker)


def test_a_repeat_run_uses_every_cache(tmp_path, filled):
    """The speed the cache is for: no grammar or template is built, black not imported."""
    result = modelgen_new(tmp_path, {"XDG_CACHE_HOME": str(filled.parent)}, {"count_builds": True})
    assert_clean_run(result)
    assert 'builds: {"grammar": 0, "template": 0}' in result.stderr
    assert result.stderr.splitlines()[-1] == "black imported: False"


# ------------------------------------------------------------------ the folder's primitives


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MODELGEN_NO_CACHE", raising=False)
    with cache.private_folder("test") as opened:
        yield opened


def test_an_entry_is_read_only_if_private(folder, tmp_path):
    path = tmp_path / "modelgen" / "test"
    assert folder.write("entry", b"data") and folder.read("entry") == b"data"
    assert (path / "entry").stat().st_mode & 0o777 == 0o600
    (path / "entry").chmod(0o620)
    assert folder.read("entry") is None
    (path / "entry").chmod(0o600)
    (path / "link").symlink_to(path / "entry")
    assert folder.read("link") is None  # even to an entry of the user's own
    os.mkfifo(path / "fifo", 0o600)
    assert folder.read("fifo") is None  # and without waiting for a writer
    assert folder.read("missing") is None


@pytest.mark.parametrize("failing", ["write", "replace"])
def test_a_full_disk_leaves_the_entry_as_it_was(folder, tmp_path, monkeypatch, failing):
    assert folder.write("entry", b"old")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failing, full)
    assert not folder.write("entry", b"new")
    monkeypatch.undo()
    assert folder.read("entry") == b"old"
    assert os.listdir(tmp_path / "modelgen" / "test") == ["entry"]  # no temporary left


def test_a_full_disk_is_no_error_for_any_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MODELGEN_NO_CACHE", raising=False)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    monkeypatch.setattr(os, "replace", full)
    source = "x = [1,\n  2]\n"
    assert formatting.format_code(source) == formatting.run_black(source)
    built = parser._lark.__wrapped__()  # a fresh parser, saved to the cache (or not)
    assert built.parse("input 3\ndense 2")
    template = templating.environment().from_string("{{ 1 + 1 }}")
    assert template.render() == "2"
    assert templating.environment().get_template("functional.py.j2")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# ------------------------------------------------------------------ where the cache lives


def made(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_an_empty_home_makes_no_cache_at_the_root(tmp_path):
    before = made(Path("/.cache")) if os.path.lexists("/.cache") else None
    assert_clean_run(modelgen_new(tmp_path, {"HOME": "", "XDG_CACHE_HOME": None}))
    after = made(Path("/.cache")) if os.path.lexists("/.cache") else None
    assert after == before
    assert made(tmp_path) == []


def test_a_home_that_does_not_exist_is_not_made(tmp_path):
    home = tmp_path / "nowhere" / "home"
    assert_clean_run(modelgen_new(tmp_path, {"HOME": str(home), "XDG_CACHE_HOME": None}))
    assert made(tmp_path) == []


def test_a_relative_xdg_cache_home_is_ignored(tmp_path):
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    assert_clean_run(modelgen_new(work, {"HOME": str(home), "XDG_CACHE_HOME": "rel"}))
    assert made(work) == []
    for folder in (home / ".cache", home / ".cache" / "modelgen"):  # made under a home
        assert folder.stat().st_mode & 0o777 == 0o700
    assert (home / ".cache" / "modelgen" / "black").is_dir()


def test_xdg_cache_home_is_made_only_where_its_parent_exists(tmp_path):
    missing = tmp_path / "missing" / "cache"
    assert_clean_run(modelgen_new(tmp_path, {"XDG_CACHE_HOME": str(missing)}))
    assert made(tmp_path) == []
    fresh = tmp_path / "fresh"
    assert_clean_run(modelgen_new(tmp_path, {"XDG_CACHE_HOME": str(fresh)}))
    assert fresh.stat().st_mode & 0o777 == 0o700
    assert (fresh / "modelgen" / JINJA).is_dir()


def test_without_home_the_password_database_home_is_used(monkeypatch):
    import pwd

    monkeypatch.delenv("HOME")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    home = pwd.getpwuid(os.getuid()).pw_dir
    assert cache.cache_base() == (os.path.join(home, ".cache") if os.path.isdir(home) else None)


# ------------------------------------------------------------------ a cache that cannot be written


def _without_root_privilege() -> None:
    """In the child, before exec: root loses the right to ignore file modes (the
    capabilities CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), so read-only is read-only."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def read_only(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(0o500 if path.is_dir() else 0o400)


def test_a_read_only_cache_is_used_and_never_an_error(tmp_path, filled):
    empty = tmp_path / "empty" / "modelgen"
    for folder in (empty / JINJA, empty / "black"):
        folder.mkdir(mode=0o700, parents=True)
    read_only(empty)
    result = modelgen_new(
        tmp_path, {"XDG_CACHE_HOME": str(empty.parent)}, preexec_fn=_without_root_privilege
    )
    assert_clean_run(result)  # nothing could be written: nothing was
    assert made(empty) == sorted([JINJA, "black"])
    read_only(filled)  # what is there is still read
    result = modelgen_new(
        tmp_path, {"XDG_CACHE_HOME": str(filled.parent)}, preexec_fn=_without_root_privilege
    )
    assert_clean_run(result)
    assert result.stderr.splitlines()[-1] == "black imported: False"


def _disk_full() -> None:
    """In the child, before exec: no file can grow (RLIMIT_FSIZE 0), as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not a signal that kills
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def test_a_full_disk_is_never_an_error(tmp_path):
    cache_home = tmp_path / "cache"
    result = modelgen_new(tmp_path, {"XDG_CACHE_HOME": str(cache_home)}, preexec_fn=_disk_full)
    assert_clean_run(result)
    assert [p for p in cache_home.rglob("*") if p.is_file()] == []  # no temporary left
