"""Stage 4, format: rendered source -> black-formatted source, in-process."""

from __future__ import annotations

import functools


@functools.cache
def _mode():  # black is imported on first use only: it is the slowest import on the path
    import black

    return black.Mode(target_versions={black.TargetVersion.PY311})


def format_code(source: str) -> str:
    import black

    return black.format_str(source, mode=_mode())
