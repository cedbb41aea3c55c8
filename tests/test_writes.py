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
from modelgen.writing import write_files

from .test_cli import MLP, MODELGEN, run

STYLE_ALL_FILES = sorted(
    f"mnist_mlp_{s}.py" for s in ("functional", "sequential", "sequential_list", "subclass")
)


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
    fail_on_call(monkeypatch, os, "replace", 3, OSError(errno.EIO, "Input/output error"), tmp_path)
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
    fail_on_call(monkeypatch, os, "replace", 2, KeyboardInterrupt(), tmp_path)
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
def replace(*args):
    real(*args)
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
