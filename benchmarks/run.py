"""The benchmark suite: `python benchmarks/run.py [--quick] [--json PATH]`.

Prints one table and writes it as JSON (default benchmarks/results/latest.json), with
the commit and the machine, so that runs can be compared across commits. Every time
is a median of repeated runs, and every comparison is a ratio of two things measured
side by side in this run (alternating, after a warm-up), because our machines are
shared and noisy. It measures:

* cold CLI: `modelgen new examples/mnist_mlp/mnist_mlp.mg --style functional` in a fresh
  process, against `python -c pass` (the floor), `python -c "import black"` and
  `python -c "import keras"`; both as a repeat run (black's output for the spec is
  in modelgen's cache) and for a spec never generated before (black is imported and
  run: each run's spec has a model name of its own);
* breakdown: parse, shape inference, render and black, as shares of one in-process
  generation, for the MLP and a 500-layer residual DAG;
* throughput: in-process specs per second for `--style all` over all the examples;
* scaling: time per layer for chains and residual DAGs of 10 to 10,000 layers
  (benchmarks/scaling.py);
* summary: `modelgen summary` against Keras' `summary()`, each in a fresh process;
* peak memory (RSS): the cold CLI, and the 10,000-layer chain;
* a block-heavy spec, ResNet-50 written with blocks (benchmarks/resnet50.mg: two
  block classes, 16 uses, 25.6M parameters on 224x224x3): cold `modelgen new`, repeat
  run and never seen, against the MLP's and `import black` in the same rounds; its
  breakdown; `modelgen summary` against Keras building it; peak RSS. `--only resnet50`
  runs just this part.

In-process timings run with `MODELGEN_NO_CACHE=1`, so that black runs every time
rather than its cached output being read. The suite checks the targets of the performance issue (see TARGETS). A benchmark, not a
test: nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scaling as scaling_benchmark  # noqa: E402
from summary_vs_keras import (  # noqa: E402
    ROOT,
    compile_bytecode,
    installed_script,
    seconds,
)

from modelgen.formatting import run_black  # noqa: E402
from modelgen.generate import generate_all, load  # noqa: E402
from modelgen.parser import parse  # noqa: E402
from modelgen.render import render  # noqa: E402
from modelgen.shapes import infer_shapes  # noqa: E402
from modelgen.styles import STYLES  # noqa: E402
from modelgen.summary import check_unique_names  # noqa: E402
from modelgen.validate import validate  # noqa: E402
from tests.large_specs import chain, residual_dag  # noqa: E402

EXAMPLES = ROOT / "examples"  # one folder per case: examples/<case>/<case>.mg
MLP = EXAMPLES / "mnist_mlp" / "mnist_mlp.mg"
RESNET50 = ROOT / "benchmarks" / "resnet50.mg"  # the block-heavy spec
SIZES = (10, 100, 1000, 10000)


def median_of(function: Callable[[], object], repeat: int) -> float:
    """Median seconds of `function()`, after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


Command = list[str] | Callable[[], list[str]]  # a callable gives each run's command


def alternating(commands: dict[str, Command], repeat: int) -> dict[str, float]:
    """Median seconds of each command in a fresh process, all run in turn each round."""

    def run(command: Command) -> float:
        return seconds(command() if callable(command) else command)

    for command in commands.values():
        run(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(run(command))
    return {name: statistics.median(values) for name, values in times.items()}


def peak_rss_mb(command: list[str]) -> float:
    """The peak resident memory of `command`, in MB, measured by a parent that runs
    only it (ru_maxrss of the children covers exactly that one process)."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run(
        [sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True, env=env
    ).stdout
    return int(out.split()[-1]) / 1024  # Linux reports KB


# ---------------------------------------------------------------------------- sections


@contextlib.contextmanager
def black_every_time():
    """In-process generation without modelgen's cache of black's output."""
    before = os.environ.get("MODELGEN_NO_CACHE")
    os.environ["MODELGEN_NO_CACHE"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["MODELGEN_NO_CACHE"]
        else:
            os.environ["MODELGEN_NO_CACHE"] = before


def never_seen(work: Path, base: Path = MLP) -> Path:
    """`base` (the MLP) under a model name of its own, so that black's output for it is in
    no cache."""
    spec = work / f"{base.stem}_{secrets.token_hex(6)}.mg"
    text = base.read_text(encoding="utf-8").replace(f"model {base.stem}", f"model {spec.stem}")
    spec.write_text(text, encoding="utf-8")
    return spec


def cold_cli(modelgen: str, work: Path, repeat: int) -> dict:
    python = sys.executable

    def a_new_spec() -> list[str]:
        return [modelgen, "new", str(never_seen(work)), "--style", "functional"]

    fast = alternating(
        {
            "modelgen new": [modelgen, "new", str(MLP), "--style", "functional"],
            "modelgen new, new spec": a_new_spec,
            "python -c pass": [python, "-c", "pass"],
            "import black": [python, "-c", "import black"],
        },
        repeat,
    )
    # Keras takes seconds: fewer runs, still alternating with modelgen.
    slow = alternating(
        {
            "import keras": [python, "-c", "import keras"],
            "modelgen new": [modelgen, "new", str(MLP), "--style", "functional"],
        },
        max(3, repeat // 3),
    )
    return {
        "modelgen_new_s": fast["modelgen new"],
        "new_spec_s": fast["modelgen new, new spec"],
        "python_pass_s": fast["python -c pass"],
        "import_black_s": fast["import black"],
        "import_keras_s": slow["import keras"],
        "over_floor_s": fast["modelgen new"] - fast["python -c pass"],
        "over_black_s": fast["modelgen new"] - fast["import black"],
        "new_spec_over_black_s": fast["modelgen new, new spec"] - fast["import black"],
        "keras_import_ratio": slow["import keras"] / slow["modelgen new"],
    }


def breakdown(text: str, repeat: int) -> dict:
    """Each stage of one in-process generation (functional), timed on its own input."""
    spec = parse(text, "bench.mg")
    graph = infer_shapes(validate(spec))
    style = STYLES["functional"]
    source = render(graph, style)

    def infer() -> None:
        check_unique_names(infer_shapes(validate(spec)))

    stages = {
        "parse": median_of(lambda: parse(text, "bench.mg"), repeat),
        "infer": median_of(infer, repeat),
        "render": median_of(lambda: render(graph, style), repeat),
        "black": median_of(lambda: run_black(source), repeat),
    }
    total = sum(stages.values())
    ours = stages["parse"] + stages["infer"] + stages["render"]
    return {
        **{f"{k}_s": v for k, v in stages.items()},
        **{f"{k}_share": v / total for k, v in stages.items()},
        "ours_over_black": ours / stages["black"],
    }


def throughput(repeat: int) -> dict:
    texts = [(p.read_text(encoding="utf-8"), p.name) for p in sorted(EXAMPLES.glob("*/*.mg"))]

    def every_example() -> None:
        for text, name in texts:
            generate_all(load(text, name))

    per_round = median_of(every_example, repeat)
    return {"specs": len(texts), "seconds": per_round, "specs_per_s": len(texts) / per_round}


def scaling(repeat: int) -> dict:
    """benchmarks/scaling.py: load + every style that applies, per layer, chains and DAGs."""
    return scaling_benchmark.measure(list(SIZES), repeat)


def summary_vs_keras(modelgen: str, work: Path, repeat: int) -> dict:
    rows = {}
    cases = {"mnist_mlp": MLP, "residual_200": work / "residual_200.mg"}
    cases["residual_200"].write_text(residual_dag(200))
    for name, spec in cases.items():
        code = subprocess.run(
            [modelgen, "new", str(spec), "--style", "functional"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        script = work / f"{name}_functional.py"
        script.write_text(code)
        times = alternating(
            {"modelgen": [modelgen, "summary", str(spec)], "keras": [sys.executable, str(script)]},
            repeat,
        )
        rows[name] = {**times, "ratio": times["keras"] / times["modelgen"]}
    return rows


def keras_against_summary(modelgen: str, spec: Path, work: Path, repeat: int) -> dict:
    """`modelgen summary SPEC` against its functional code building the model and calling
    summary(), each in a fresh process, alternating."""
    code = subprocess.run(
        [modelgen, "new", str(spec), "--style", "functional"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    script = work / f"{spec.stem}_functional.py"
    script.write_text(code)
    times = alternating(
        {"modelgen": [modelgen, "summary", str(spec)], "keras": [sys.executable, str(script)]},
        repeat,
    )
    return {**times, "ratio": times["keras"] / times["modelgen"]}


def resnet50(modelgen: str, work: Path, repeat: int) -> dict:
    """The block-heavy spec: everything the suite measures for the MLP, side by side with
    the MLP's cold `new` and `import black` (the baselines its ratios are taken to)."""

    def new(spec: Path) -> list[str]:
        return [modelgen, "new", str(spec), "--style", "functional"]

    cold = alternating(
        {
            "new": new(RESNET50),
            "new spec": lambda: new(never_seen(work, RESNET50)),
            "mlp new": new(MLP),
            "mlp new spec": lambda: new(never_seen(work)),
            "python -c pass": [sys.executable, "-c", "pass"],
            "import black": [sys.executable, "-c", "import black"],
        },
        repeat,
    )
    with black_every_time():
        parts = breakdown(RESNET50.read_text(encoding="utf-8"), repeat)
    return {
        "modelgen_new_s": cold["new"],
        "new_spec_s": cold["new spec"],
        "mlp_new_s": cold["mlp new"],
        "mlp_new_spec_s": cold["mlp new spec"],
        "python_pass_s": cold["python -c pass"],
        "import_black_s": cold["import black"],
        "new_vs_mlp": cold["new"] / cold["mlp new"],
        "new_spec_vs_mlp": cold["new spec"] / cold["mlp new spec"],
        "over_black_s": cold["new"] - cold["import black"],
        "new_spec_over_black_s": cold["new spec"] - cold["import black"],
        "breakdown": parts,
        "summary": keras_against_summary(modelgen, RESNET50, work, max(3, repeat // 2)),
        "new_spec_mb": peak_rss_mb(new(never_seen(work, RESNET50))),
        "mlp_new_spec_mb": peak_rss_mb(new(never_seen(work))),
    }


def resnet50_lines(r: dict) -> list[str]:
    b, s = r["breakdown"], r["summary"]
    shares = "  ".join(f"{k} {b[f'{k}_share']:5.1%}" for k in ("parse", "infer", "render", "black"))
    return [
        "ResNet-50 written with blocks (benchmarks/resnet50.mg, 2 blocks, 16 uses, 25.6M params)",
        f"  modelgen new, repeat run    {r['modelgen_new_s']:.3f} s   {r['new_vs_mlp']:.2f}x the MLP's"
        f" ({r['mlp_new_s']:.3f} s), black {r['over_black_s']:+.3f} s",
        f"  ... a spec never seen       {r['new_spec_s']:.3f} s   {r['new_spec_vs_mlp']:.2f}x the MLP's"
        f" ({r['mlp_new_spec_s']:.3f} s), black {r['new_spec_over_black_s']:+.3f} s",
        f"  (floor {r['python_pass_s']:.3f} s, import black {r['import_black_s']:.3f} s, same rounds)",
        f"  breakdown  {shares}   ours/black {b['ours_over_black']:.1%}",
        f"  summary    {s['modelgen']:.3f} s vs Keras {s['keras']:.3f} s   {s['ratio']:.1f}x",
        f"  peak RSS, a spec never seen: {r['new_spec_mb']:.1f} MB (the MLP's {r['mlp_new_spec_mb']:.1f} MB)",
    ]


def memory(modelgen: str, work: Path) -> dict:
    big = work / "chain_10000.mg"
    big.write_text(chain(10000))
    return {
        "cold_new_mb": peak_rss_mb([modelgen, "new", str(MLP), "--style", "functional"]),
        "new_spec_mb": peak_rss_mb(
            [modelgen, "new", str(never_seen(work)), "--style", "functional"]
        ),
        "chain_10000_mb": peak_rss_mb([modelgen, "new", str(big), "--style", "functional"]),
        "python_pass_mb": peak_rss_mb([sys.executable, "-c", "pass"]),
        "import_keras_mb": peak_rss_mb([sys.executable, "-c", "import keras"]),
    }


# ----------------------------------------------------------------------------- targets

TARGETS = [
    # (what, value in the results, limit, at most (True) or at least (False))
    ("cold new (MLP) <= 0.25 s median", ("cold_cli", "modelgen_new_s"), 0.25, True),
    ("cold new within 0.15 s of import black", ("cold_cli", "over_black_s"), 0.15, True),
    ("cold new, new spec, <= 0.25 s median", ("cold_cli", "new_spec_s"), 0.25, True),
    (
        "cold new, new spec, within 0.15 s of import black",
        ("cold_cli", "new_spec_over_black_s"),
        0.15,
        True,
    ),
    (
        "parse + infer + render <= 25% of black (500-layer DAG)",
        ("breakdown_dag_500", "ours_over_black"),
        0.25,
        True,
    ),
    (
        "10,000-layer chain: time per layer within 2x of 100 layers'",
        ("scaling", "chain_10000", "per_layer_vs_100"),
        2.0,
        True,
    ),
    ("summary >= 20x faster than Keras (MLP)", ("summary", "mnist_mlp", "ratio"), 20.0, False),
    ("cold new peak RSS < 60 MB", ("memory", "cold_new_mb"), 60.0, True),
    ("cold new, new spec, peak RSS < 60 MB", ("memory", "new_spec_mb"), 60.0, True),
]


def check_targets(results: dict) -> list[dict]:
    checked = []
    for what, path, limit, at_most in TARGETS:
        value = results
        for key in path:
            value = value[key]
        met = value <= limit if at_most else value >= limit
        checked.append({"target": what, "value": value, "limit": limit, "met": met})
    return checked


# ------------------------------------------------------------------------------ report


def _machine() -> dict:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "system": platform.platform(),
    }


def table(results: dict) -> str:
    c, m = results["cold_cli"], results["memory"]
    lines = [
        f"modelgen benchmarks at {results['machine']['commit']}, "
        f"{results['machine']['cpus']} CPUs, Python {results['machine']['python']}",
        "",
        "cold CLI (fresh process, median)",
        f"  modelgen new mnist_mlp      {c['modelgen_new_s']:.3f} s   (repeat run: black's output cached)",
        f"  ... a spec never seen       {c['new_spec_s']:.3f} s   (black imported and run)",
        f"  python -c pass (floor)      {c['python_pass_s']:.3f} s   new is floor + {c['over_floor_s']:.3f} s",
        f"  python -c 'import black'    {c['import_black_s']:.3f} s   new is black {c['over_black_s']:+.3f} s, "
        f"a spec never seen black {c['new_spec_over_black_s']:+.3f} s",
        f"  python -c 'import keras'    {c['import_keras_s']:.3f} s   {c['keras_import_ratio']:.1f}x modelgen new",
        "",
        "breakdown of one generation (share of parse + infer + render + black)",
    ]
    for name in ("mlp", "dag_500"):
        b = results[f"breakdown_{name}"]
        shares = "  ".join(
            f"{k} {b[f'{k}_share']:5.1%}" for k in ("parse", "infer", "render", "black")
        )
        lines.append(f"  {name:10} {shares}   ours/black {b['ours_over_black']:.1%}")
    t = results["throughput"]
    lines += [
        "",
        f"throughput: {t['specs_per_s']:.1f} specs/s (--style all, {t['specs']} examples, in-process)",
        "",
        "scaling (in-process load + every style that applies: 4 for the chain, 2 for the DAG)",
        f"  {'layers':>8} {'chain s':>9} {'per layer':>11} {'vs 100':>7} {'dag s':>9} {'per layer':>11} {'vs 100':>7}",
    ]
    s = results["scaling"]
    for size in SIZES:
        ch, dg = s[f"chain_{size}"], s[f"dag_{size}"]
        lines.append(
            f"  {size:>8} {ch['seconds']:9.3f} {ch['seconds_per_layer'] * 1e3:9.3f}ms"
            f" {ch['per_layer_vs_100']:6.2f}x {dg['seconds']:9.3f}"
            f" {dg['seconds_per_layer'] * 1e3:9.3f}ms {dg['per_layer_vs_100']:6.2f}x"
        )
    lines += ["", "summary: modelgen summary vs Keras summary() (fresh processes, median)"]
    for name, row in results["summary"].items():
        lines.append(
            f"  {name:14} {row['modelgen']:.3f} s vs {row['keras']:.3f} s   {row['ratio']:.1f}x"
        )
    lines += [
        "",
        f"peak RSS: modelgen new {m['cold_new_mb']:.1f} MB (a spec never seen {m['new_spec_mb']:.1f} MB),"
        f" 10,000-layer chain {m['chain_10000_mb']:.1f} MB,"
        f" python -c pass {m['python_pass_mb']:.1f} MB, import keras {m['import_keras_mb']:.1f} MB",
        "",
        *resnet50_lines(results["resnet50"]),
        "",
        "targets",
    ]
    for row in results["targets"]:
        lines.append(
            f"  [{'met' if row['met'] else 'NOT MET'}] {row['target']}: {row['value']:.3g} (limit {row['limit']:g})"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=9, help="runs per measurement (median)")
    parser.add_argument("--quick", action="store_true", help="3 runs per measurement")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json"
    )
    parser.add_argument(
        "--only", choices=["resnet50"], help="run one part; print it, write no JSON"
    )
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat
    modelgen = installed_script()
    compile_bytecode()
    if args.only == "resnet50":
        with tempfile.TemporaryDirectory() as folder:
            part = resnet50(modelgen, Path(folder), repeat)
        print("\n".join(resnet50_lines(part)))
        print(json.dumps(part, indent=2))
        return
    results: dict = {"machine": _machine(), "repeat": repeat}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        results["cold_cli"] = cold_cli(modelgen, work, repeat)
        with black_every_time():
            results["breakdown_mlp"] = breakdown(MLP.read_text(encoding="utf-8"), repeat)
            results["breakdown_dag_500"] = breakdown(residual_dag(500), repeat)
            results["throughput"] = throughput(repeat)
            results["scaling"] = scaling(repeat)
        results["summary"] = summary_vs_keras(modelgen, work, max(3, repeat // 2))
        results["memory"] = memory(modelgen, work)
        results["resnet50"] = resnet50(modelgen, work, repeat)
    results["targets"] = check_targets(results)
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
