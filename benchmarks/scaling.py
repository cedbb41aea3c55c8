"""Benchmark: does generation stay linear in the number of layers?

For a chain and a residual DAG (`tests/large_specs.py`) of 10, 100, 1,000 and
10,000 layers, times the whole in-process pipeline, `load` (parse, validate, shapes)
and then `generate` for every style that can express the model (the four styles for
the chain, functional and subclass for the DAG), black included. Prints seconds and
seconds per layer, each size's time per layer as a ratio of the 100-layer size's
(measured in the same run), and the 10,000-over-1,000 ratio, which should stay near
1 (the goal: at most about 1.2). Times are medians of repeats, after a warm-up.
Writes the table as JSON to benchmarks/results/scaling.json.

A benchmark, not a test: `python benchmarks/scaling.py [--repeat N] [--sizes 10,100,...]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modelgen.generate import generate_all, load  # noqa: E402
from tests.large_specs import chain, residual_dag  # noqa: E402

SHAPES = {"chain": chain, "dag": residual_dag}
RESULTS = ROOT / "benchmarks" / "results" / "scaling.json"


def pipeline(text: str) -> int:
    """Load the spec and generate every style that can express it; how many were written."""
    return sum(result.code is not None for result in generate_all(load(text, "scale.mg")))


def median_seconds(text: str, repeat: int) -> tuple[float, int]:
    """The median time of `repeat` runs of the pipeline, and how many styles it wrote."""
    times, styles = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        styles = pipeline(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times), styles


def measure(sizes: list[int], repeat: int) -> dict:
    pipeline(chain(20))  # imports, the grammar and the templates, before any timing
    rows: dict[str, dict] = {}
    for shape, make in SHAPES.items():
        for size in sizes:
            text = make(size)
            # The largest sizes take minutes per run: fewer repeats, still a median.
            times = repeat if size < 10_000 else max(1, (repeat + 1) // 2)
            seconds, styles = median_seconds(text, times)
            rows[f"{shape}_{size}"] = {
                "shape": shape,
                "layers": size,
                "styles": styles,
                "repeats": times,
                "seconds": seconds,
                "seconds_per_layer": seconds / size,
            }
        base = rows.get(f"{shape}_100")
        for size in sizes:
            row = rows[f"{shape}_{size}"]
            if base:
                row["per_layer_vs_100"] = row["seconds_per_layer"] / base["seconds_per_layer"]
        if f"{shape}_1000" in rows and f"{shape}_10000" in rows:
            rows[f"{shape}_10000"]["per_layer_vs_1000"] = (
                rows[f"{shape}_10000"]["seconds_per_layer"]
                / rows[f"{shape}_1000"]["seconds_per_layer"]
            )
    return rows


def table(rows: dict) -> str:
    lines = [
        f"{'spec':<12} {'layers':>7} {'styles':>6} {'seconds':>9} {'ms/layer':>9} "
        f"{'vs 100':>7} {'vs 1000':>8}",
    ]
    for name, row in rows.items():
        vs_100 = row.get("per_layer_vs_100")
        vs_1000 = row.get("per_layer_vs_1000")
        lines.append(
            f"{name:<12} {row['layers']:>7,} {row['styles']:>6} {row['seconds']:>9.3f} "
            f"{row['seconds_per_layer'] * 1000:>9.3f} "
            f"{'' if vs_100 is None else f'{vs_100:.2f}x':>7} "
            f"{'' if vs_1000 is None else f'{vs_1000:.2f}x':>8}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per size (median)")
    parser.add_argument(
        "--sizes",
        default="10,100,1000,10000",
        help="comma-separated layer counts (default: 10,100,1000,10000)",
    )
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    os.environ["MODELGEN_NO_CACHE"] = "1"  # black runs every time, its output is not read back
    rows = measure(sizes, options.repeat)
    print(table(rows))
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "repeat": options.repeat,
                "rows": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {options.json}")


if __name__ == "__main__":
    main()
