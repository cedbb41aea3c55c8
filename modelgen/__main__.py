"""The `modelgen` command and `python -m modelgen`: start the CLI.

A command lives a fraction of a second, and everything its imports build (the
catalogue, the IR classes, click's and black's modules) lives until it exits.
Collecting garbage while importing only walks those objects again and again, so the
collector is paused for the imports and they are then frozen out of its sight
(`gc.freeze`, CPython's advice for start-up); it runs as usual for the command.
About 4% fewer instructions for a cold `modelgen new`.
"""

from __future__ import annotations

import gc


def main() -> None:
    collecting = gc.isenabled()
    gc.disable()
    try:
        from .cli import main as run_cli
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    run_cli()


if __name__ == "__main__":
    main()
