"""Writing files: all of them or none, never half of one, never over a file without --force.

`modelgen.writing.write_files` stages every file as a temporary file beside its target,
then renames them all; a failure or Ctrl-C at any step leaves the targets as they were
and no temporary file behind. The tests break each step on purpose by patching `os`
and `tempfile` in-process, and run the command in a subprocess for real signals.

The tests run as root, for whom `chmod` protects nothing: a read-only file or folder
is made by patching `os.access` or `tempfile.mkstemp` to answer as the system would
for another user, and for real under /sys, where not even root may create a file.
"""

from __future__ import annotations

import errno
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from modelgen.cli import main
from modelgen.errors import UsageError
from modelgen.styles import STYLES
from modelgen.writing import write_files

from .test_cli import MLP, MODELGEN, run

STYLE_ALL_FILES = sorted(style.file_name("mnist_mlp") for style in STYLES.values())


def contents(folder: Path) -> dict[str, bytes]:
    """Every file in `folder`, hidden (temporary) ones included, with its bytes."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def modelgen(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """The command in-process, so that a test can patch what it calls: exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["modelgen", *map(str, args)])
    try:
        main()
        code = 0
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_error(code: int, err: str, message: str) -> None:
    assert code == 2, err
    assert err.startswith("modelgen: error: ") and message in err, err
    assert "Traceback" not in err


def assert_interrupted(code: int, out: str, err: str) -> None:
    # click starts a new line first, after the ^C the terminal shows
    assert (code, out, err.lstrip("\n")) == (130, "", "modelgen: interrupted\n"), err


def fail_on_call(
    monkeypatch, module, name: str, number: int, error: BaseException, folder: Path
) -> list:
    """Make `module.name` raise `error` on its `number`-th call (1-based) about a file in
    `folder`; the other calls work (and calls about other files, a cache's, are not counted)."""
    real = getattr(module, name)
    calls: list = []

    def patched(*args, **kwargs):
        if str(folder) in repr((args, kwargs)):
            calls.append(args)
            if len(calls) == number:
                raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, patched)
    return calls


# ---------------------------------------------------------------------- the library


def test_success_leaves_only_the_targets(tmp_path: Path) -> None:
    write_files({tmp_path / "a.py": "print('a')\n", tmp_path / "b.bin": b"\x00\xff"})
    assert contents(tmp_path) == {"a.py": b"print('a')\n", "b.bin": b"\x00\xff"}


def test_an_existing_target_without_force_writes_none(tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text("# mine\n")
    with pytest.raises(UsageError, match="c.py: already exists"):
        write_files({tmp_path / n: "new\n" for n in ("a.py", "b.py", "c.py")})
    assert contents(tmp_path) == {"c.py": b"# mine\n"}


def test_a_failure_while_staging_writes_none_and_cleans_up(tmp_path, monkeypatch) -> None:
    (tmp_path / "b.py").write_text("# old\n")
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    fail_on_call(monkeypatch, tempfile, "mkstemp", 3, full, tmp_path)
    with pytest.raises(UsageError, match="c.py: cannot write: No space left on device"):
        write_files({tmp_path / n: "new\n" for n in ("a.py", "b.py", "c.py")}, force=True)
    assert contents(tmp_path) == {"b.py": b"# old\n"}


@pytest.mark.parametrize(
    "error", [OSError(errno.EIO, os.strerror(errno.EIO)), KeyboardInterrupt()], ids=repr
)
def test_a_failure_while_renaming_puts_every_target_back(tmp_path, monkeypatch, error) -> None:
    (tmp_path / "a.py").write_text("# old a\n")
    (tmp_path / "c.py").write_text("# old c\n")
    before = contents(tmp_path)
    files = {tmp_path / n: f"# new {n}\n" for n in ("a.py", "b.py", "c.py")}
    calls = fail_on_call(monkeypatch, os, "replace", 3, error, tmp_path)  # a and b are renamed
    with pytest.raises(UsageError if isinstance(error, OSError) else KeyboardInterrupt):
        write_files(files, force=True)
    assert len(calls) > 3  # the two renames were undone
    assert contents(tmp_path) == before


def test_force_replaces_and_keeps_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("# old\n")
    write_files({tmp_path / "a.py": "# new\n", tmp_path / "b.py": "# b\n"}, force=True)
    assert contents(tmp_path) == {"a.py": b"# new\n", "b.py": b"# b\n"}


def test_without_hard_links_the_old_file_is_copied_to_be_put_back(tmp_path, monkeypatch) -> None:
    (tmp_path / "a.py").write_text("# old\n")
    fail_on_call(monkeypatch, os, "link", 1, OSError(errno.EPERM, "no hard links"), tmp_path)
    fail_on_call(monkeypatch, os, "replace", 2, KeyboardInterrupt(), tmp_path)
    with pytest.raises(KeyboardInterrupt):
        write_files({tmp_path / "a.py": "# new\n", tmp_path / "b.py": "# b\n"}, force=True)
    assert contents(tmp_path) == {"a.py": b"# old\n"}


# ---------------------------------------------------------------------- the command


def test_style_all_with_one_existing_file_writes_none(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "mnist_mlp_sequential.py").write_text("# mine\n")
    code, _, err = modelgen(monkeypatch, capsys, "new", MLP, "--style", "all", "-o", tmp_path)
    assert_error(code, err, "mnist_mlp_sequential.py: already exists (use --force")
    assert contents(tmp_path) == {"mnist_mlp_sequential.py": b"# mine\n"}


def test_style_all_failing_in_the_middle_writes_none(tmp_path, monkeypatch, capsys) -> None:
    quota = OSError(errno.EDQUOT, "Disk quota exceeded")
    fail_on_call(monkeypatch, tempfile, "mkstemp", 3, quota, tmp_path)
    code, _, err = modelgen(monkeypatch, capsys, "new", MLP, "--style", "all", "-o", tmp_path)
    assert_error(code, err, "cannot write: Disk quota exceeded")
    assert contents(tmp_path) == {}
    # a new file is put in place with a hard link, which cannot replace one another writer made
    fail_on_call(monkeypatch, os, "link", 3, OSError(errno.EIO, "Input/output error"), tmp_path)
    code, _, err = modelgen(monkeypatch, capsys, "new", MLP, "--style", "all", "-o", tmp_path)
    assert_error(code, err, "cannot write: Input/output error")
    assert contents(tmp_path) == {}


def test_style_all_makes_its_folder_and_removes_it_if_nothing_is_written(
    tmp_path, monkeypatch, capsys
) -> None:
    quota = OSError(errno.EDQUOT, "Disk quota exceeded")
    fail_on_call(monkeypatch, tempfile, "mkstemp", 3, quota, tmp_path)
    new = tmp_path / "models"
    code, _, err = modelgen(monkeypatch, capsys, "new", MLP, "--style", "all", "-o", new)
    assert_error(code, err, "cannot write: Disk quota exceeded")
    assert contents(tmp_path) == {}  # no empty folder left behind
    monkeypatch.undo()
    code, _, err = modelgen(monkeypatch, capsys, "new", MLP, "--style", "all", "-o", new)
    assert code == 0, err
    assert len(contents(new)) == 4


def test_an_interrupted_write_removes_the_folder_it_made(tmp_path, monkeypatch) -> None:
    new = tmp_path / "models"
    fail_on_call(monkeypatch, os, "link", 2, KeyboardInterrupt(), tmp_path)
    with pytest.raises(KeyboardInterrupt):
        write_files({new / "a.py": "# a\n", new / "b.py": "# b\n"}, folder=new)
    assert contents(tmp_path) == {}


@pytest.mark.parametrize("where", ["staging", "renaming"])
def test_ctrl_c_writes_nothing_and_says_interrupted(tmp_path, monkeypatch, capsys, where):
    (tmp_path / "mnist_mlp_subclass.py").write_text("# old\n")
    if where == "staging":
        fail_on_call(monkeypatch, tempfile, "mkstemp", 2, KeyboardInterrupt(), tmp_path)
    else:  # after the first file is renamed
        fail_on_call(monkeypatch, os, "replace", 2, KeyboardInterrupt(), tmp_path)
    args = ("new", MLP, "--style", "all", "-o", tmp_path, "--force")
    assert_interrupted(*modelgen(monkeypatch, capsys, *args))
    assert contents(tmp_path) == {"mnist_mlp_subclass.py": b"# old\n"}


def test_a_read_only_target_is_not_replaced_even_with_force(tmp_path, monkeypatch, capsys):
    target = tmp_path / "model.py"
    target.write_text("# read-only\n")
    target.chmod(0o444)
    if os.geteuid() == 0:  # root may write anything: answer as the system would for a user
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK and real(p, mode))
    code, _, err = modelgen(monkeypatch, capsys, "new", MLP, "-o", target, "--force")
    assert_error(code, err, f"{target}: is read-only")
    assert contents(tmp_path) == {"model.py": b"# read-only\n"}


def test_a_read_only_folder_is_a_clear_error(tmp_path, monkeypatch, capsys) -> None:
    denied = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path / ".x.tmp"))
    fail_on_call(monkeypatch, tempfile, "mkstemp", 1, denied, tmp_path)
    code, _, err = modelgen(monkeypatch, capsys, "new", MLP, "-o", tmp_path / "model.py")
    assert_error(code, err, f"{tmp_path / 'model.py'}: cannot write: Permission denied")
    assert contents(tmp_path) == {}


def _sys_refuses_new_files() -> bool:
    try:
        descriptor, name = tempfile.mkstemp(dir="/sys")
    except OSError:
        return True
    os.close(descriptor)
    os.unlink(name)
    return False


@pytest.mark.skipif(not _sys_refuses_new_files(), reason="needs /sys, where no one creates files")
def test_a_real_read_only_folder_through_the_command() -> None:
    result = run("new", MLP, "-o", "/sys/modelgen_model.py")
    assert_error(result.returncode, result.stderr, "/sys/modelgen_model.py: cannot write: ")
    assert not Path("/sys/modelgen_model.py").exists()


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run("new", MLP, "-o", tmp_path / "no" / "such" / "model.py")
    assert_error(result.returncode, result.stderr, f"the folder {tmp_path / 'no' / 'such'} does")
    result = run("new", MLP, "--style", "all", "-o", tmp_path / "no" / "such")
    assert_error(result.returncode, result.stderr, "does not exist")
    assert contents(tmp_path) == {}


def test_dash_writes_to_stdout_and_nothing_to_disk(tmp_path: Path) -> None:
    result = run("new", MLP, "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (MLP.parent / "mnist_mlp_functional.py").read_text()
    assert result.stderr == "" and contents(tmp_path) == {}


# ------------------------------------------------------------------- a real SIGINT

# The command in a subprocess whose os.replace sends it a real SIGINT after the first
# rename and waits for it: the interrupt arrives through Python's own handler at a
# known point, between two renames of --style all.
INTERRUPTED_RENAMES = """
import os, signal, sys, time
real = os.replace
def replace(*args, **kwargs):  # the cache's own renames pass directory descriptors
    real(*args, **kwargs)
    if not getattr(replace, "sent", False) and "mnist_mlp_" in str(args[1]):
        replace.sent = True
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(30)
os.replace = replace
from modelgen.cli import main
sys.argv = ["modelgen", *sys.argv[1:]]
main()
"""


def test_a_real_sigint_between_renames_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "mnist_mlp_subclass.py").write_text("# old\n")
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_RENAMES, "new", str(MLP), "--style", "all"]
        + ["-o", str(tmp_path), "--force"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_interrupted(result.returncode, result.stdout, result.stderr)
    assert contents(tmp_path) == {"mnist_mlp_subclass.py": b"# old\n"}


READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}


@pytest.mark.skipif(
    platform.machine() not in READ_SYSCALL or not Path("/proc/self/syscall").exists(),
    reason="needs Linux's /proc/PID/syscall to know when the command waits on stdin",
)
def test_a_real_sigint_while_reading_the_spec_from_stdin(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [MODELGEN, "new", "-", "-o", str(tmp_path / "model.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        reading = f"{READ_SYSCALL[platform.machine()]} 0x0 "  # read(0, ...): waiting on stdin
        while not Path(f"/proc/{process.pid}/syscall").read_text().startswith(reading):
            assert time.monotonic() < deadline, "the command never read its stdin"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert_interrupted(process.returncode, out, err)
    assert contents(tmp_path) == {}


# ------------------------------------------------- SIGTERM and SIGHUP, as real signals

# The command in a subprocess that pauses at a known point of its write and waits there
# (PAUSE_SECONDS) for a signal sent by the test: after the first temporary file is
# staged (its chmod), or after the first file is put in place (a hard link for a new
# file, a rename with --force). It touches PAUSE_MARKER when it gets there.
PAUSED_WRITE = """
import os, sys, tempfile, time
marker, point = os.environ["PAUSE_MARKER"], os.environ["PAUSE_AT"]
def pausing(real):
    def patched(*args, **kwargs):
        result = real(*args, **kwargs)
        if not patched.paused and point_reached(args):
            patched.paused = True
            open(marker, "w").close()
            time.sleep(float(os.environ.get("PAUSE_SECONDS", "60")))
        return result
    patched.paused = False
    return patched
if point == "staging":
    point_reached = lambda args: str(args[0]).endswith(".tmp")
    os.chmod = pausing(os.chmod)
else:
    point_reached = lambda args: str(args[1]).endswith(".py")
    os.link, os.replace = pausing(os.link), pausing(os.replace)
from modelgen.cli import main
sys.argv = ["modelgen", *sys.argv[1:]]
main()
"""


def start_paused(tmp_path: Path, point: str, *args, seconds: float = 60, **popen):
    """The command started with PAUSED_WRITE, once it has reached `point`."""
    marker = tmp_path.parent / f"{tmp_path.name}.paused"
    environment = {**os.environ, "PAUSE_MARKER": str(marker), "PAUSE_AT": point}
    environment["PAUSE_SECONDS"] = str(seconds)
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_WRITE, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        **popen,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"never paused at {point}: {process.communicate()}")
        time.sleep(0.02)
    return process


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
@pytest.mark.parametrize("point", ["staging", "placing", "replacing"])
def test_a_real_sigterm_or_sighup_mid_write_leaves_every_target_as_it_was(
    tmp_path, point, signum
) -> None:
    """As Ctrl-C does: the exit status says which signal, and the folder is as it was, with
    no temporary or backup file, whether new files were being made or old ones replaced."""
    folder = tmp_path / "out"
    folder.mkdir()
    force = []
    if point == "replacing":  # every target exists: each is renamed over, after a backup
        for name in STYLE_ALL_FILES:
            (folder / name).write_text(f"# old {name}\n")
        force = ["--force"]
    before = contents(folder)
    process = start_paused(
        tmp_path, "staging" if point == "staging" else "placing",
        "new", MLP, "--style", "all", "-o", folder, *force,
    )  # fmt: skip
    try:
        if point != "staging":  # one file is in place, the others are not yet
            assert sum((folder / n).exists() for n in STYLE_ALL_FILES) == (
                len(STYLE_ALL_FILES) if force else 1
            )
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 128 + signum, err
    assert (out, err.lstrip("\n")) == ("", f"modelgen: interrupted ({signum.name})\n")
    assert contents(folder) == before


# SIGTERM when the third file is about to be put in place, then Ctrl-C while the two
# already in place are being removed again.
SECOND_SIGNAL_DURING_UNDO = """
import os, signal, sys
real_link, real_unlink = os.link, os.unlink
placed = []
def link(source, target, *args, **kwargs):
    if str(target).endswith(".py"):
        placed.append(target)
        if len(placed) == 3:
            os.kill(os.getpid(), signal.SIGTERM)
    return real_link(source, target, *args, **kwargs)
def unlink(path, *args, **kwargs):
    if str(path) in map(str, placed) and not getattr(unlink, "sent", False):
        unlink.sent = True
        os.kill(os.getpid(), signal.SIGINT)
    return real_unlink(path, *args, **kwargs)
os.link, os.unlink = link, unlink
from modelgen.cli import main
sys.argv = ["modelgen", *sys.argv[1:]]
main()
"""


def test_a_second_signal_during_the_undo_waits_for_it_to_finish(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SECOND_SIGNAL_DURING_UNDO, "new", str(MLP), "--style", "all"]
        + ["-o", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_interrupted(result.returncode, result.stdout, result.stderr)  # the Ctrl-C, after
    assert contents(tmp_path) == {}


def test_sighup_ignored_as_nohup_does_stays_ignored(tmp_path: Path) -> None:
    """modelgen installs its handler only where SIGHUP has its default action."""
    process = start_paused(
        tmp_path, "placing", "new", MLP, "--style", "all", "-o", tmp_path, seconds=1,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )  # fmt: skip
    process.send_signal(signal.SIGHUP)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert sorted(contents(tmp_path)) == STYLE_ALL_FILES  # written whole, as without a signal


def test_signal_handlers_are_put_back_after_the_command(monkeypatch, capsys) -> None:
    """main() is called in-process too (tests, a script): it leaves no handler of its own."""
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    code, out, _ = modelgen(monkeypatch, capsys, "new", "-e", "input 3 | dense 2")
    assert code == 0 and "Dense(2" in out
    assert {s: signal.getsignal(s) for s in before} == before


# ------------------------------------------------ creating a file is atomic: one winner


def test_a_file_another_writer_makes_meanwhile_is_kept_and_ours_are_undone(
    tmp_path, monkeypatch
) -> None:
    """Between the check and the write another process makes b.py: it is not replaced
    (no --force), and the a.py this write had already made is removed, b.py kept."""
    real = os.link

    def link(source, target, *args, **kwargs):
        if str(target).endswith("b.py"):
            Path(target).write_text("# theirs\n")
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    with pytest.raises(UsageError, match="b.py: already exists"):
        write_files({tmp_path / n: f"# ours {n}\n" for n in ("a.py", "b.py", "c.py")})
    assert contents(tmp_path) == {"b.py": b"# theirs\n"}


def test_without_hard_links_a_new_file_claims_its_name_first(tmp_path, monkeypatch) -> None:
    """On a file system without link(): an O_EXCL claim, so a taken name still fails, and
    an interrupt after the claim removes the claim too."""
    no_links = OSError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(os, "link", lambda *args, **kwargs: (_ for _ in ()).throw(no_links))
    write_files({tmp_path / "a.py": "# a\n"})
    assert contents(tmp_path) == {"a.py": b"# a\n"}
    with pytest.raises(UsageError, match="a.py: already exists"):
        write_files({tmp_path / "b.py": "# b\n", tmp_path / "a.py": "# a again\n"})
    assert contents(tmp_path) == {"a.py": b"# a\n"}
    # the rename over the claim is interrupted: the claim (an empty file) is ours and goes
    fail_on_call(monkeypatch, os, "replace", 1, KeyboardInterrupt(), tmp_path)
    with pytest.raises(KeyboardInterrupt):
        write_files({tmp_path / "c.py": "# c\n"})
    assert contents(tmp_path) == {"a.py": b"# a\n"}


# Each racer waits for GO to exist, so that all of them write at the same moment; with
# SLOW set, each also sleeps after staging a file, between modelgen's check that the
# target is free and putting the file in place: the window two writers race through.
RACER = """
import os, sys, time
open(os.environ["READY"] + str(os.getpid()), "w").close()
while not os.path.exists(os.environ["GO"]):
    time.sleep(0.001)
if os.environ.get("SLOW"):
    real = os.chmod
    def chmod(*args, **kwargs):
        real(*args, **kwargs)
        time.sleep(0.3)
    os.chmod = chmod
from modelgen.cli import main
sys.argv = ["modelgen", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("slow", [True, False], ids=["slowed", "as-is"])
def test_concurrent_writers_of_one_new_file_have_exactly_one_winner(tmp_path, slow) -> None:
    expected = (MLP.parent / "mnist_mlp_functional.py").read_text()
    for round_, racers in enumerate([2, 4, 8] if slow else [4, 8]):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        target = folder / "model.py"
        environment = {**os.environ, "READY": str(folder / "ready."), "GO": str(folder / "go")}
        if slow:
            environment["SLOW"] = "1"
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", RACER, "new", str(MLP), "-o", str(target)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=environment,
            )  # fmt: skip
            for _ in range(racers)
        ]
        try:
            deadline = time.monotonic() + 120
            while len(list(folder.glob("ready.*"))) < racers:
                assert time.monotonic() < deadline, "the racers did not start"
                time.sleep(0.01)
            for ready in folder.glob("ready.*"):
                ready.unlink()
            (folder / "go").touch()
            results = [(p.wait(timeout=120), p.stderr.read()) for p in processes]  # type: ignore[union-attr]
        finally:
            for process in processes:
                process.kill()
                process.communicate()
        (folder / "go").unlink()
        winners = [err for code, err in results if code == 0]
        assert winners == [f"wrote {target}\n"], results
        losers = [(code, err) for code, err in results if code != 0]
        assert all(
            code == 2
            and err == f"modelgen: error: {target}: already exists (use --force to overwrite it)\n"
            for code, err in losers
        ), losers
        assert contents(folder) == {"model.py": expected.encode()}


# -------------------------------------- --force replaces only regular files; '/' is a folder


def _make(kind: str, path: Path, tmp_path: Path) -> object:
    """Make `path` a file of `kind`; what identifies it afterwards."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "character device":
        os.mknod(path, 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 3))  # as /dev/null
    elif kind == "socket":
        import socket

        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    elif kind == "symlink":
        (tmp_path / "real.py").write_text("# the real file\n")
        path.symlink_to(tmp_path / "real.py")
    elif kind == "dangling symlink":
        path.symlink_to(tmp_path / "nowhere.py")
    status = os.lstat(path)
    return (status.st_mode, status.st_ino, status.st_rdev)


@pytest.mark.parametrize(
    "kind,message",
    [
        ("fifo", "is a named pipe (FIFO), not a regular file"),
        ("character device", "is a character device, not a regular file"),
        ("socket", "is a socket, not a regular file"),
        ("symlink", "is a symbolic link (to "),
        ("dangling symlink", "is a symbolic link (to "),
    ],
)
@pytest.mark.parametrize("force", [True, False], ids=["force", "no-force"])
def test_only_a_regular_file_is_ever_replaced(tmp_path, kind, message, force) -> None:
    """A symbolic link is refused too, not followed and not replaced: modelgen writes
    the file -o names, and a link there is something else's."""
    target = tmp_path / "model.py"
    identity = _make(kind, target, tmp_path)
    real = (tmp_path / "real.py").read_bytes() if kind == "symlink" else None
    result = run("new", MLP, "-o", target, *(["--force"] if force else []))
    assert_error(result.returncode, result.stderr, f"{target}: {message}")
    assert "only regular files" in result.stderr
    status = os.lstat(target)
    assert (status.st_mode, status.st_ino, status.st_rdev) == identity
    if "symlink" in kind:
        assert os.readlink(target) == str(tmp_path / ("real.py" if real else "nowhere.py"))
    if real is not None:
        assert (tmp_path / "real.py").read_bytes() == real
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_trailing_slash_names_a_folder_for_new(tmp_path: Path) -> None:
    """-o newdir/ is a folder, made as --style all makes its folder, never a file 'newdir'."""
    result = run("new", MLP, "-o", f"{tmp_path / 'newdir'}/")
    assert result.returncode == 0, result.stderr
    written = tmp_path / "newdir" / "mnist_mlp_functional.py"
    assert result.stderr == f"wrote {written}\n"
    assert written.read_text() == (MLP.parent / "mnist_mlp_functional.py").read_text()
    result = run("new", MLP, "-s", "subclass", "-o", f"{tmp_path / 'newdir'}/")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "newdir" / "mnist_mlp_subclass.py").is_file()

    (tmp_path / "file").write_text("# a file\n")
    result = run("new", MLP, "-o", f"{tmp_path / 'file'}/")
    assert_error(result.returncode, result.stderr, "file/: is not a folder")
    result = run("new", MLP, "-o", f"{tmp_path / 'no' / 'such'}/")
    assert_error(result.returncode, result.stderr, "does not exist")
    result = run("new", MLP, "--style", "all", "-o", tmp_path / "file")
    assert_error(result.returncode, result.stderr, "file: is not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "newdir"]
    assert (tmp_path / "file").read_text() == "# a file\n"


# Keras' own JSON for `input 4 | dense 2` (model.to_json()): import and convert read it
# without TensorFlow.
TINY_JSON = (
    '{"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": '
    '"model", "trainable": true, "layers": [{"module": "keras.layers", "class_name": '
    '"InputLayer", "config": {"batch_shape": [null, 4], "dtype": "float32", "sparse": false, '
    '"ragged": false, "name": "input_layer", "optional": false}, "registered_name": null, '
    '"name": "input_layer", "inbound_nodes": []}, {"module": "keras.layers", "class_name": '
    '"Dense", "config": {"name": "dense", "trainable": true, "dtype": {"module": "keras", '
    '"class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, '
    '"units": 2, "activation": "linear", "use_bias": true, "kernel_initializer": {"module": '
    '"keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null, '
    '"input_axes": null, "output_axes": null}, "registered_name": null}, "bias_initializer": '
    '{"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": '
    'null}, "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, '
    '"bias_constraint": null, "quantization_config": null}, "registered_name": null, '
    '"build_config": {"input_shape": [null, 4]}, "name": "dense", "inbound_nodes": [{"args": '
    '[{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", '
    '"keras_history": ["input_layer", 0, 0]}}], "kwargs": {}}]}], "input_layers": '
    '["input_layer", 0, 0], "output_layers": ["dense", 0, 0]}, "registered_name": '
    '"Functional", "build_config": {"input_shape": null}, "compile_config": {}}'
)


@pytest.mark.parametrize(
    "command",
    [
        ["plot", MLP],
        ["compare", MLP],
        ["import", "tiny.json"],
        ["convert", "tiny.json", "--to", "subclass"],
    ],
    ids=lambda c: c[0],
)
def test_a_trailing_slash_is_a_folder_for_every_command_that_writes_one_file(
    tmp_path, command
) -> None:
    """These commands write one named file: a folder is refused, not written as a file."""
    (tmp_path / "tiny.json").write_text(TINY_JSON)
    result = run(*command, "-o", "out/", cwd=tmp_path)
    assert_error(result.returncode, result.stderr, "out/: names a folder (it ends in '/')")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.json"]
    result = run(*command, "-o", "out.dot" if command[0] == "plot" else "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # and the file name works


@pytest.mark.parametrize(
    "command",
    [
        ["new", MLP],
        ["new", MLP, "--style", "all"],
        ["new", MLP, "--check"],
        ["plot", MLP],
        ["compare", MLP],
        ["import", "tiny.json"],
        ["convert", "tiny.json", "--to", "subclass"],
    ],
    ids=lambda c: "_".join(str(w) for w in c if not isinstance(w, Path)),
)
def test_an_empty_output_path_is_refused(tmp_path, command) -> None:
    """-o '' (`-o "$OUT"` with OUT unset) was the current folder: `new` wrote its file
    there. It is a usage error for every command that takes -o."""
    (tmp_path / "tiny.json").write_text(TINY_JSON)
    result = run(*command, "-o", "", cwd=tmp_path)
    assert_error(result.returncode, result.stderr, "-o: an empty path")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.json"]


# ------------------------------------------- convert --weights: the code and its weights


def _keras_file(path: Path) -> Path:
    """A .keras archive of TINY_JSON: enough for convert, which reads its config without TensorFlow."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", TINY_JSON)
    return path


@pytest.fixture
def weights_without_keras(monkeypatch) -> None:
    """convert --weights with the weights Keras would save replaced by a few bytes, saved
    where the command asks (a folder of its own): the writing is what is tested here."""
    from modelgen import transfer

    def save(model_file, code, style, saved, source=None) -> None:  # noqa: ANN001
        assert saved.name.endswith(".weights.h5") and not saved.exists()
        saved.write_bytes(b"\x89HDF weights")

    monkeypatch.setattr(transfer, "save_converted_weights", save)


def test_convert_weights_writes_the_code_and_the_weights_together(
    tmp_path, monkeypatch, capsys, weights_without_keras
) -> None:
    source = _keras_file(tmp_path / "tiny.keras")
    args = ("convert", source, "--to", "functional", "--weights", "-o", tmp_path / "m.py")
    code, _, err = modelgen(monkeypatch, capsys, *args)
    assert code == 0, err
    assert sorted(contents(tmp_path)) == ["m.py", "m.weights.h5", "tiny.keras"]  # nothing else
    assert contents(tmp_path)["m.weights.h5"] == b"\x89HDF weights"
    assert "def build_model(weights=None)" in (tmp_path / "m.py").read_text()
    assert err == f"wrote {tmp_path / 'm.py'} and {tmp_path / 'm.weights.h5'}\n"


@pytest.mark.parametrize(
    "call,number",
    [
        ("mkstemp", 1),  # staging the code
        ("mkstemp", 2),  # staging the weights
        ("link", 1),  # putting the code in place
        ("link", 2),  # putting the weights in place, after the code
    ],
    ids=["staging-code", "staging-weights", "placing-code", "placing-weights"],
)
@pytest.mark.parametrize("failure", ["error", "ctrl-c"])
def test_convert_weights_writes_neither_file_if_either_fails(
    tmp_path, monkeypatch, capsys, weights_without_keras, call, number, failure
) -> None:
    """The code and its weights are one write: a failure at any step of either leaves
    neither (the weights were once written first, and stayed when the code failed)."""
    source = _keras_file(tmp_path / "tiny.keras")
    error = OSError(errno.EIO, "Input/output error") if failure == "error" else KeyboardInterrupt()
    fail_on_call(monkeypatch, tempfile if call == "mkstemp" else os, call, number, error, tmp_path)
    args = ("convert", source, "--to", "functional", "--weights", "-o", tmp_path / "m.py")
    code, out, err = modelgen(monkeypatch, capsys, *args)
    if failure == "error":
        assert_error(code, err, "cannot write: Input/output error")
    else:
        assert_interrupted(code, out, err)
    assert sorted(contents(tmp_path)) == ["tiny.keras"]


def test_convert_weights_replaces_both_or_neither_with_force(
    tmp_path, monkeypatch, capsys, weights_without_keras
) -> None:
    source = _keras_file(tmp_path / "tiny.keras")
    (tmp_path / "m.py").write_text("# old code\n")
    (tmp_path / "m.weights.h5").write_bytes(b"old weights")
    before = contents(tmp_path)
    args = ("convert", source, "--to", "functional", "--weights", "-o", tmp_path / "m.py")
    code, _, err = modelgen(monkeypatch, capsys, *args)
    assert_error(code, err, "m.py: already exists (use --force")
    assert contents(tmp_path) == before
    fail_on_call(monkeypatch, os, "replace", 2, OSError(errno.EIO, "Input/output error"), tmp_path)
    code, _, err = modelgen(monkeypatch, capsys, *args, "--force")
    assert_error(code, err, "cannot write: Input/output error")
    assert contents(tmp_path) == before  # the code, replaced first, was put back
