"""Benchmark: `modelgen summary` against Keras building the model and calling summary().

Both run in a fresh process, side by side in one run, on the same machine:

* modelgen: `modelgen summary SPEC` (pure Python, no TensorFlow);
* Keras: `python MODEL.py`, the functional code modelgen generates, whose
  `__main__` builds the model and calls `model.summary()`.

on the MNIST MLP example and on a generated 200-layer residual spec. Prints the
median times and the ratio. A benchmark, not a test: run it with
`python benchmarks/summary_vs_keras.py [--repeat N]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.large_specs import residual_dag  # noqa: E402


def installed_script() -> str:
    """The `modelgen` console script beside this Python, not a version manager's shim
    (pyenv's adds a shell and a lookup to every start, which is not modelgen's time)."""
    beside = Path(sys.executable).parent / "modelgen"
    found = str(beside) if beside.exists() else shutil.which("modelgen")
    return found or sys.exit("modelgen is not installed: pip install -e .")


def compile_bytecode() -> None:
    """Write modelgen's .pyc files, as `pip install` does for an installed package.

    An editable install never gets them when PYTHONDONTWRITEBYTECODE is set (it is
    on our machines), and every start would then compile modelgen from source.
    """
    import compileall

    import modelgen

    compileall.compile_dir(str(Path(modelgen.__file__).parent), quiet=1)
    # Only templates/__init__.py: templates/project holds cookiecutter's Jinja, not Python.
    compileall.compile_dir(str(ROOT / "templates"), maxlevels=0, quiet=1)


def seconds(command: list[str]) -> float:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def side_by_side(first: list[str], second: list[str], repeat: int) -> tuple[float, float]:
    """Median times of two commands, run alternately after one warm-up each, so that
    a change in the machine's load falls on both."""
    seconds(first), seconds(second)
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        times[0].append(seconds(first))
        times[1].append(seconds(second))
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    repeat = parser.parse_args().repeat
    modelgen = installed_script()
    compile_bytecode()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "residual_200.mg").write_text(residual_dag(200))
        cases = {
            "mnist_mlp (5 layers)": ROOT / "examples" / "mnist_mlp" / "mnist_mlp.mg",
            "residual (200 layers)": work / "residual_200.mg",
        }
        print(f"{'spec':24} {'modelgen summary':>17} {'Keras summary()':>16} {'ratio':>8}")
        for title, spec in cases.items():
            code = subprocess.run(
                [modelgen, "new", str(spec), "--style", "functional"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            script = work / f"{spec.stem}_functional.py"
            script.write_text(code)
            ours, keras = side_by_side(
                [modelgen, "summary", str(spec)], [sys.executable, str(script)], repeat
            )
            print(f"{title:24} {ours:16.3f}s {keras:15.3f}s {keras / ours:7.1f}x")
    print(
        f"medians of {repeat} fresh processes each; ratio = Keras time / modelgen time (goal: at least 20x)"
    )


if __name__ == "__main__":
    main()
