"""The pipeline as a library: spec text -> model graph -> formatted code per style.

    graph = load(text, "mnist_mlp.mg")          # parse + validate + infer shapes
    code = generate(graph, "functional")        # render + format

Nothing here imports TensorFlow or Keras.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, SpecError
from .formatting import format_code
from .graph import ModelGraph
from .parser import parse
from .reading import read_spec_file
from .render import render
from .shapes import infer_shapes
from .styles import STYLES, Style
from .summary import check_unique_names
from .validate import validate


def load(source: str, filename: str = "<expr>") -> ModelGraph:
    """Parse, validate and infer shapes, or raise `SpecError` with every problem found."""
    graph = infer_shapes(validate(parse(source, filename)))
    check_unique_names(graph)
    return graph


def check_expressible(graph: ModelGraph, style: Style) -> None:
    """Raise `SpecError` with the style's refusal, at the statement to blame, when
    `style` cannot express `graph`."""
    refusal = style.refusal(graph)
    if refusal is not None:
        raise SpecError(graph.spec.filename, graph.spec.source, [refusal])


def generate(
    graph: ModelGraph, style: str | Style, imports: str = "keras", loads_weights: bool = False
) -> str:
    """The formatted module for one style (a `Style` or its name, a key of `STYLES`),
    or `SpecError` if the style cannot express it.

    `loads_weights`: `build_model(weights=None)` loads a `.weights.h5` file when given one.
    """
    chosen = STYLES[style] if isinstance(style, str) else style
    check_expressible(graph, chosen)
    return format_code(render(graph, chosen, imports, loads_weights))


@dataclass(frozen=True)
class Generated:
    style: Style
    code: str | None  # None when the style cannot express the model
    skipped: Diagnostic | None  # a note saying why not


def generate_all(graph: ModelGraph, imports: str = "keras") -> list[Generated]:
    """Every style, in registry order; the ones that cannot express the model say why."""
    results = []
    for style in STYLES.values():
        skipped = style.skipped(graph)
        code = None if skipped else format_code(render(graph, style, imports))
        results.append(Generated(style, code, skipped))
    return results


def load_file(path: str | Path, display: str | None = None) -> ModelGraph:
    """The model the spec file `path` describes; messages name it `display` (default: `path`).

    `UsageError` for a file that cannot be a spec, `SpecError` for what is wrong in it.
    """
    display = str(path) if display is None else display
    return load(read_spec_file(path, display), display)
