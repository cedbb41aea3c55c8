"""Run a Python model file in a contained subprocess (`modelgen import FILE.py`).

Importing or converting a `.py` file EXECUTES it as Python code, with the user's
rights: nothing here is a sandbox. What it does contain:

* FILE runs as `python FILE` would: its own folder first on `sys.path`, never the
  current folder (`python -P`), so a `json.py` where modelgen is run is not imported;
* in its own session and process group, which is killed as a whole when FILE's
  process ends, when it runs past the timeout, prints more than `MAX_OUTPUT_BYTES`,
  or when modelgen is interrupted (Ctrl-C, SIGTERM, SIGHUP) or killed (the runner
  watches its parent, `pyrunner_child`): nothing it started outlives modelgen, and a grandchild holding its output open cannot stall it;
  on Linux, a process that leaves the group with its own `setsid()` (a daemon) is,
  once its parent ends, modelgen's child (a child subreaper's) and is killed too,
  unless modelgen itself is killed (SIGKILL) first;
* its output (stdout and stderr) is read as it comes, counted and dropped, keeping
  only the last lines to report an error: memory stays bounded;
* the config, and for `convert --weights` the model itself, come out of that one run.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from .errors import ModelgenError

DEFAULT_TIMEOUT = 300.0  # seconds; `--timeout` changes it
MAX_OUTPUT_BYTES = 16 * 2**20  # what FILE may print, stdout and stderr together
_TAIL_BYTES = 8192  # kept of that output, to show the error it ended with
_CHILD = Path(__file__).with_name("pyrunner_child.py")
_POLL = 0.05  # seconds between checks that the process is still running


class RunProblem(ModelgenError):
    """The model file could not be run to the end; the message says why."""


def run_model_file(
    source: Path, result_dir: Path, timeout: float = DEFAULT_TIMEOUT, save_model: bool = False
) -> Path:
    """Run `source`; return the path of the config it wrote in `result_dir`.

    With `save_model`, `result_dir / "model.keras"` holds the model, from the same run.
    """
    command = [
        sys.executable,
        "-P",
        str(_CHILD),
        str(source),
        str(result_dir),
        str(int(save_model)),
    ]
    environment = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"),
    }
    reaper = _Subreaper()  # before the process starts: its orphans then come to us
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=environment,
    )
    stop = _StopOnSignals()
    try:
        with stop:
            code, tail = _watch(process, time.monotonic() + timeout, source, timeout)
    finally:
        _kill_group(process)
        assert process.stdout is not None
        process.stdout.close()
        process.wait()
        reaper.kill_orphans()
    if stop.received is not None:
        stop.resend()
        raise RunProblem(f"{source}: interrupted")
    error = result_dir / "error.txt"
    if code == 3 and error.is_file():
        raise RunProblem(f"{source}: {error.read_text(encoding='utf-8', errors='replace')}")
    config = result_dir / "config.json"
    if code != 0 or not config.is_file():
        lines = [line for line in tail.decode("utf-8", "replace").splitlines() if line.strip()]
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        last = lines[-1].strip() if lines else "no output"
        raise RunProblem(f"{source}: running it failed ({how}): {last}")
    return config


def _watch(
    process: subprocess.Popen, deadline: float, source: Path, timeout: float
) -> tuple[int, bytes]:
    """Read the process' output until it exits: its exit code and the end of its output."""
    assert process.stdout is not None
    descriptor = process.stdout.fileno()
    os.set_blocking(descriptor, False)
    selector = selectors.DefaultSelector()
    selector.register(descriptor, selectors.EVENT_READ)
    tail = b""
    total = 0
    open_pipe = True
    try:
        while True:
            exited = _exited(process)
            if open_pipe:
                if exited or selector.select(_POLL):
                    # What is there now; once the process has exited, no more: a
                    # grandchild that holds the pipe open must not keep modelgen waiting.
                    while True:
                        try:
                            chunk = os.read(descriptor, 65536)
                        except BlockingIOError:
                            break
                        if not chunk:
                            open_pipe = False
                            break
                        total += len(chunk)
                        tail = (tail + chunk)[-_TAIL_BYTES:]
                        if total > MAX_OUTPUT_BYTES:
                            raise RunProblem(
                                f"{source}: printed more than {MAX_OUTPUT_BYTES // 2**20} MiB; "
                                "modelgen stops a model file there"
                            )
                        if not exited:
                            break
            elif not exited:
                time.sleep(_POLL)
            if exited:
                return process.wait(), tail
            if time.monotonic() > deadline:
                raise RunProblem(
                    f"{source}: building the model took more than {timeout:g} s "
                    "(--timeout SECONDS allows more)"
                )
    finally:
        selector.close()


def _exited(process: subprocess.Popen) -> bool:
    """Whether the process has ended, asked without reaping it where the system can
    (WNOWAIT): its pid then stays its own until `process.wait()`."""
    if hasattr(os, "waitid"):
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    return process.poll() is not None


class _Subreaper:
    """On Linux, this process is made a child subreaper while FILE runs: a process FILE
    started that leaves the group with `setsid()` (a daemon) is, once its parent ends,
    this process' child instead of init's, and `kill_orphans` kills it, and any it
    started, when the run ends. Children this process had before are left alone."""

    def __init__(self) -> None:
        self._previous: int | None = None
        self._before: set[int] = set()
        if not sys.platform.startswith("linux"):
            return
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            flag = ctypes.c_int(0)
            if libc.prctl(_PR_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0) != 0:
                return
            if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
                return
        except (OSError, AttributeError):
            return
        self._libc = libc
        self._previous = flag.value
        self._before = _children()

    def kill_orphans(self) -> None:
        if self._previous is None:
            return
        try:
            for _ in range(10_000):  # each round: the orphans the last round's left
                orphans = _children() - self._before
                if not orphans:
                    break
                for pid in orphans:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                for pid in orphans:
                    try:
                        os.waitpid(pid, 0)
                    except ChildProcessError:
                        pass
        finally:
            self._libc.prctl(_PR_SET_CHILD_SUBREAPER, self._previous, 0, 0, 0)


_PR_SET_CHILD_SUBREAPER, _PR_GET_CHILD_SUBREAPER = 36, 37


def _children() -> set[int]:
    """The pids of this process' children, from /proc."""
    me = os.getpid()
    found: set[int] = set()
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 1 and int(fields[1]) == me:
            found.add(int(name))
    return found


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


class _Interrupted(BaseException):
    """Raised by the signal handler, to leave the wait and kill the process group."""


# What signal.getsignal gives and signal.signal takes.
_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class _StopOnSignals:
    """While the model file runs, SIGTERM and SIGHUP stop the wait (as Ctrl-C does), so
    that its process group is killed; `resend` then lets the signal do what it did
    before (end modelgen, or run the handler that was there)."""

    SIGNALS = tuple(s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s)

    def __init__(self) -> None:
        self.received: int | None = None
        self._previous: dict[int, _Handler] = {}

    def __enter__(self) -> _StopOnSignals:
        if threading.current_thread() is threading.main_thread():
            for number in self.SIGNALS:
                # Only where the signal would end modelgen on the spot: a handler already
                # there (the CLI's, which unwinds as Ctrl-C does) and nohup's SIG_IGN stay.
                if signal.getsignal(number) is signal.SIG_DFL:
                    self._previous[number] = signal.signal(number, self._handle)
        return self

    def _handle(self, number: int, frame: object) -> None:
        self.received = number
        raise _Interrupted

    def __exit__(self, kind: type | None, value: object, traceback: object) -> bool:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        return kind is _Interrupted  # swallowed here; `resend` passes the signal on

    def resend(self) -> None:
        if self.received is not None:
            signal.raise_signal(self.received)
