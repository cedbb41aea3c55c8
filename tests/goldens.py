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


DSL_DOC = ROOT / "docs" / "dsl.md"
CATALOGUE_START = "<!-- catalogue: written by python -m tests.regen -->\n"
CATALOGUE_END = "<!-- end of catalogue -->\n"


def catalogue_table() -> str:
    """The layer table of docs/dsl.md, from the catalogue itself."""
    from modelgen import catalogue

    lines = [
        "| layer | family | aliases | inputs | positional | example |",
        "|---|---|---|---|---|---|",
    ]
    for family, entries in catalogue.FAMILIES.items():
        for e in entries:
            positional = " ".join(
                p.name if p.required else f"[{p.name}]" for p in e.positional_params
            )
            if e.is_wrapper:
                positional = "LAYER " + positional
            aliases = ", ".join(f"`{a}`" for a in e.aliases)
            example = f"`{e.example}`" if e.example else ""
            lines.append(
                f"| `{e.keyword.lower()}` | {family} | {aliases} | {e.arity} | {positional} | {example} |"
            )
    return "\n".join(lines) + "\n"


def expected_dsl_doc() -> str:
    text = DSL_DOC.read_text(encoding="utf-8")
    head, rest = text.split(CATALOGUE_START, 1)
    _, tail = rest.split(CATALOGUE_END, 1)
    return head + CATALOGUE_START + catalogue_table() + CATALOGUE_END + tail
