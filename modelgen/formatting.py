"""Stage 4, format: rendered source -> black-formatted source, in-process."""

from __future__ import annotations

import functools
import gc


@functools.cache
def _mode():  # black is imported on first use only: it is the slowest import on the path
    import black

    return black.Mode(target_versions={black.TargetVersion.PY311})


def format_code(source: str) -> str:
    import black

    # black builds a tree of about a million objects for a 10,000-layer model, and the
    # cyclic collector walks it again and again: its time per line grows 1.7x from
    # 1,000 to 10,000 lines. Paused, it stays flat (and halves), at the price of black's
    # garbage waiting until it returns (peak memory 500 MB instead of 300 MB there).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return black.format_str(source, mode=_mode())
    finally:
        if collecting:
            gc.enable()
