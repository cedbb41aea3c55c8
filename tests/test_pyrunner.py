"""`modelgen import FILE.py` runs FILE, and contains it (modelgen/pyrunner.py).

As `python FILE` would (its folder first on sys.path, not the current folder), in its
own process group that dies whole with it, on a timeout, past an output cap, or when
modelgen is interrupted; `convert --weights` takes the weights from that same run.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from modelgen.pyrunner import MAX_OUTPUT_BYTES

MODELGEN = shutil.which("modelgen")
TINY_MODEL = """
import keras
def build_model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)], name="tiny")
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text))
    return path


def gone(pid: int, within: float = 5.0) -> bool:
    """Whether process `pid` has ended (a zombie waiting for init to reap it has)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def wait_for(path: Path, within: float = 30.0) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


def sleepy_model(folder: Path) -> Path:
    """A model file that starts a child, writes its pid beside itself and sleeps."""
    return write(
        folder / "sleepy.py",
        """
        import pathlib, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
        pathlib.Path(__file__).with_suffix(".pid").write_text(str(child.pid))
        time.sleep(300)
        """,
    )


def modelgen(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MODELGEN, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


def test_help_says_a_py_file_is_executed():
    for command in ("import", "convert"):
        shown = modelgen(command, "--help").stdout
        assert "EXECUTED as Python code" in " ".join(shown.split()), shown
        assert f"prints more than {MAX_OUTPUT_BYTES // 2**20} MiB" in " ".join(shown.split())
        assert "--timeout SECONDS" in shown


def test_the_file_runs_with_its_folder_first_and_not_the_current_folder(tmp_path):
    here = tmp_path / "elsewhere"
    here.mkdir()
    for shadow in ("json", "keras", "importlib", "runpy"):  # what the runner itself imports
        write(here / f"{shadow}.py", f"raise SystemExit('the current folder {shadow}.py ran')\n")
    models = tmp_path / "models"
    models.mkdir()
    write(models / "blocks.py", "UNITS = 5\n")  # beside the model file: importable
    write(
        models / "model.py",
        """
        import keras
        from blocks import UNITS
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(UNITS)], name="m")
        """,
    )
    result = modelgen("import", str(models / "model.py"), cwd=here)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "model m\ninput 3\ndense 5\n"


def test_a_timeout_kills_the_file_and_everything_it_started(tmp_path):
    model = write(
        tmp_path / "slow.py",
        """
        import pathlib, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
        pathlib.Path(__file__).with_suffix(".pid").write_text(str(child.pid))
        time.sleep(300)
        """,
    )
    started = time.monotonic()
    result = modelgen("import", str(model), "--timeout", "2")
    assert time.monotonic() - started < 30
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"modelgen: error: {model}: building the model took more than 2 s" in result.stderr
    assert "--timeout" in result.stderr
    assert gone(int((tmp_path / "slow.pid").read_text()))


def test_a_child_left_behind_dies_with_the_file(tmp_path):
    model = write(
        tmp_path / "leaves.py",
        """
        import pathlib, subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pathlib.Path(__file__).with_suffix(".pid").write_text(str(child.pid))
        raise SystemExit("no model here")
        """,
    )
    result = modelgen("import", str(model))
    assert result.returncode == 2
    assert "no model here" in result.stderr
    assert gone(int((tmp_path / "leaves.pid").read_text()))


def test_a_grandchild_holding_the_output_open_does_not_stall_modelgen(tmp_path):
    model = write(
        tmp_path / "holder.py",
        """
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # our stdout
        raise SystemExit(1)
        """,
    )
    started = time.monotonic()
    result = modelgen("import", str(model))
    assert time.monotonic() - started < 20
    assert result.returncode == 2 and "exit code 1" in result.stderr


def test_output_past_the_cap_is_refused_in_bounded_memory(tmp_path):
    model = write(
        tmp_path / "loud.py",
        """
        import sys, time
        block = "x" * 2**20
        for _ in range(64):  # 64 MiB, then a long wait: refused long before it ends
            sys.stdout.write(block)
        time.sleep(300)
        """,
    )
    measure = textwrap.dedent(
        """
        import resource, subprocess, sys
        done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)
        print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        print(done.stderr, file=sys.stderr)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", measure, MODELGEN, "import", str(model)],
        capture_output=True, text=True, timeout=150,
    )  # fmt: skip
    code, peak_kib = map(int, result.stdout.split())
    assert code == 2
    assert "printed more than 16 MiB" in result.stderr
    assert peak_kib < 150 * 1024  # modelgen and the file's process, each well under


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_interrupting_modelgen_kills_the_files_process_group(signum, tmp_path):
    model = sleepy_model(tmp_path)
    process = subprocess.Popen(
        [MODELGEN, "import", str(model)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    child = int(wait_for(tmp_path / "sleepy.pid"))
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode in (130, 128 + signum), err
    assert b"Traceback" not in err
    assert gone(child)


def test_library_callers_without_a_handler_get_the_group_killed_on_sigterm(tmp_path):
    """read_config outside the CLI: SIGTERM still kills the file's process group, then
    ends the caller as SIGTERM does."""
    model = sleepy_model(tmp_path)
    caller = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from modelgen.importer import read_config; read_config({str(model)!r})",
        ]
    )
    child = int(wait_for(tmp_path / "sleepy.pid"))
    caller.send_signal(signal.SIGTERM)
    assert caller.wait(timeout=30) == -signal.SIGTERM
    assert gone(child)


def test_convert_weights_runs_the_file_once_and_carries_that_runs_weights(tmp_path, verify):
    import numpy as np

    counter = tmp_path / "runs"
    model = write(
        tmp_path / "counted.py",
        f"""
        import pathlib, keras
        runs = pathlib.Path({str(counter)!r})
        runs.write_text(runs.read_text() + "run\\n" if runs.exists() else "run\\n")
        def build_model():
            model = keras.Sequential(
                [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)],
                name="counted",
            )
            model.save_weights({str(tmp_path / "original.weights.h5")!r})  # this run's weights
            return model
        """,
    )
    code_path = tmp_path / "converted.py"
    result = modelgen(
        "convert", str(model), "--to", "functional", "--weights", "-o", str(code_path), timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert counter.read_text() == "run\n"  # once, in the subprocess, not again in modelgen
    namespace: dict = {"__name__": "converted"}
    exec(compile(code_path.read_text(), str(code_path), "exec"), namespace)  # noqa: S102
    converted = namespace["build_model"](weights=str(tmp_path / "converted.weights.h5"))
    import keras

    original = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)]
    )
    original.load_weights(tmp_path / "original.weights.h5")
    data = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    np.testing.assert_allclose(converted(data), original(data), rtol=1e-6, atol=1e-7)


def test_the_timeout_options_default_is_the_runners():
    """cli.py does not import pyrunner (the cold start of `modelgen new`): one number."""
    from modelgen.cli import cli
    from modelgen.pyrunner import DEFAULT_TIMEOUT

    for command in ("import", "convert"):
        (option,) = [p for p in cli.commands[command].params if p.name == "timeout"]
        assert option.default == DEFAULT_TIMEOUT


def test_the_files_process_group_dies_even_when_modelgen_is_killed(tmp_path):
    """SIGKILL gives modelgen no chance to clean up: the runner sees its parent go."""
    model = sleepy_model(tmp_path)
    process = subprocess.Popen(
        [MODELGEN, "import", str(model)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    child = int(wait_for(tmp_path / "sleepy.pid"))
    process.kill()
    process.wait(timeout=30)
    assert gone(child)


def test_a_daemon_that_leaves_the_group_with_setsid_dies_too(tmp_path):
    """A double-forked daemon in its own session, and a child started with
    `start_new_session=True`, are out of the file's process group: modelgen, their
    subreaper, kills them when the run ends."""
    model = write(
        tmp_path / "daemon.py",
        """
        import os, pathlib, subprocess, sys, time
        here = pathlib.Path(__file__)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                here.with_suffix(".daemon").write_text(str(os.getpid()))
                time.sleep(300)
            os._exit(0)
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"],
                                 start_new_session=True)
        here.with_suffix(".session").write_text(str(child.pid))
        while not here.with_suffix(".daemon").exists():
            time.sleep(0.05)
        import keras
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        """,
    )
    result = modelgen("import", str(model))
    assert result.returncode == 0, result.stderr
    assert gone(int(wait_for(tmp_path / "daemon.daemon")))
    assert gone(int(wait_for(tmp_path / "daemon.session")))
