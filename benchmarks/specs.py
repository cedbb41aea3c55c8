"""Generated specs of any size, for the benchmarks (and the scale tests)."""

from __future__ import annotations


def chain_spec(layers: int) -> str:
    """An input and `layers - 1` Dense layers, each reading the one before: a single chain."""
    lines = [f"model chain_{layers}", "input 16"]
    lines += ["dense 16 relu"] * (layers - 1)
    return "\n".join(lines) + "\n"


def residual_spec(layers: int = 200) -> str:
    """A chain of residual blocks (`d = dense(h); h = h + d`), `layers` layers in all,
    input included: a DAG in which every Add reads a skip."""
    lines = [f"model residual_{layers}", "x0: input 64", "h0: dense 64 relu"]
    previous, block = "h0", 0
    while len(lines) - 1 + 2 <= layers:
        block += 1
        lines.append(f"d{block}: dense 64 relu <- {previous}")
        lines.append(f"h{block}: add <- {previous}, d{block}")
        previous = f"h{block}"
    return "\n".join(lines) + "\n"
