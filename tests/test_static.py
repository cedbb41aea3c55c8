"""The static checks, so that `python -m pytest` is the one command that runs every check.

`.ci/run` also runs them first, to fail fast; here they keep a local run honest.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],  # the files and settings are in pyproject.toml's [tool.mypy]
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_the_static_check_passes(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
