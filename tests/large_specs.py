"""Specs of any size, for the scale tests and `benchmarks/scaling.py`."""

from __future__ import annotations


def chain(layers: int) -> str:
    """An input and `layers - 1` unlabelled Dense layers, each reading the one before."""
    return "\n".join([f"model chain_{layers}", "input 8", *["dense 8 relu"] * (layers - 1)]) + "\n"


def residual_dag(layers: int) -> str:
    """`layers` labelled nodes: an input, then blocks `a: dense | b: dense <- a | c: add <- a, b`
    (each block reads the one before), then Dense layers up to the count."""
    lines, previous, block = [f"model dag_{layers}", "x: input 8"], "x", 0
    while len(lines) - 1 + 3 <= layers:
        block += 1
        lines += [
            f"a{block}: dense 8 relu <- {previous}",
            f"b{block}: dense 8 <- a{block}",
            f"c{block}: add <- a{block}, b{block}",
        ]
        previous = f"c{block}"
    while len(lines) - 1 < layers:
        lines.append(f"tail{len(lines)}: dense 8 <- {previous}")
        previous = f"tail{len(lines) - 1}"
    return "\n".join(lines) + "\n"
