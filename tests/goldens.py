"""The golden files: every example spec and the code each style generates for it.

`python -m tests.regen` rewrites them; the tests compare against them.
"""

from __future__ import annotations

from pathlib import Path

from modelgen.generate import generate_all, load
from modelgen.styles import STYLES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def example_specs() -> list[Path]:
    return sorted(EXAMPLES.glob("*.mg"))


def golden_path(spec: Path, style: str) -> Path:
    graph_name = load(spec.read_text(encoding="utf-8"), spec.name).name
    return spec.parent / f"{graph_name}_{STYLES[style].file_suffix}.py"


def expected_files(spec: Path) -> dict[Path, str | None]:
    """What each style's golden file should hold; None where the style cannot express the model."""
    graph = load(spec.read_text(encoding="utf-8"), spec.name)
    return {
        spec.parent / f"{graph.name}_{STYLES[g.style].file_suffix}.py": g.code
        for g in generate_all(graph)
    }
