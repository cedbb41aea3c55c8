"""Plot: `ir.ModelGraph` -> a diagram of its layers, as Graphviz dot, SVG or PNG.

Every layer is a box with its Keras class, its name, its output shape and its
parameter count, all as `modelgen summary` reports them; an arrow runs from each
source to the layer that reads it. `diagram` prepares the boxes and arrows in pure
Python; `digraph` hands them to the `graphviz` package, and `render` has Graphviz's
`dot` program draw them. No TensorFlow; graphviz is imported only when drawing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError
from .ir import ModelGraph
from .summary import keras_names, shape_text, summarize

if TYPE_CHECKING:
    import graphviz

# What `modelgen plot -o FILE` writes, by FILE's extension. dot is Graphviz's own text.
FORMATS = ("dot", "svg", "png")
DOT_MISSING = (
    "drawing {what} needs Graphviz's 'dot' program, which is not on PATH: "
    "install it with 'apt-get install graphviz' (Debian, Ubuntu) or 'brew install graphviz' "
    "(macOS), or write a .dot file, which needs no Graphviz"
)
FONT = "Helvetica"
FILL = {"input": "#dbeafe", "output": "#dcfce7", "layer": "#f8fafc"}
BORDER = {"input": "#2563eb", "output": "#16a34a", "layer": "#64748b"}
MUTED = "#475569"


@dataclass(frozen=True)
class Box:
    """One layer as the diagram shows it."""

    name: str  # the layer's Keras name, unique in a model: also its Graphviz node name
    layer_class: str  # `Dense`, or `Bidirectional(LSTM)` for a wrapper
    shape: str  # `(None, 100)`
    params: str  # `30,100 params`
    role: str  # input, output or layer


@dataclass(frozen=True)
class Diagram:
    title: str
    boxes: tuple[Box, ...]  # in the graph's order, sources first
    arrows: tuple[tuple[str, str], ...]  # (source name, reader name), in each reader's order


def _params(count: int) -> str:
    return f"{count:,} param" + ("" if count == 1 else "s")


def diagram(graph: ModelGraph) -> Diagram:
    """The boxes and arrows of a graph whose shapes are inferred (`generate.load` does both)."""
    summary = summarize(graph)  # every fact in a box is one its table shows
    rows = {row.name: row for row in summary.rows}
    names = keras_names(graph)
    boxes = []
    for node in graph.nodes:
        row = rows[names[node.index]]
        layer_class = row.layer_class
        if node.wrapped is not None:
            layer_class += f"({node.wrapped.entry.keyword})"
        role = "input" if node.is_input else "output" if node.index in graph.outputs else "layer"
        boxes.append(
            Box(row.name, layer_class, shape_text(row.output_shape), _params(row.params), role)
        )
    arrows = tuple((names[s], names[n.index]) for n in graph.nodes for s in n.sources)
    return Diagram(f"{graph.name}: {_params(summary.total)}", tuple(boxes), arrows)


def _label(box: Box) -> str:
    """A Graphviz HTML-like label: the class in bold over the name, shape and count."""
    lines = [
        f"<b>{html.escape(box.layer_class)}</b>",
        html.escape(box.name),
        html.escape(box.shape),
        f'<font color="{MUTED}">{html.escape(box.params)}</font>',
    ]
    # A borderless table, not <br/>: its cell padding keeps an underscore off the next line.
    rows = "".join(f"<tr><td>{line}</td></tr>" for line in lines)
    return f'<<table border="0" cellspacing="0" cellpadding="1">{rows}</table>>'


def digraph(graph: ModelGraph) -> graphviz.Digraph:
    """The diagram as a `graphviz.Digraph`, top to bottom."""
    import graphviz  # only drawing needs it

    drawn = diagram(graph)
    dot = graphviz.Digraph(graph.name)
    dot.attr(label=drawn.title, labelloc="t", fontname=FONT, fontsize="16", nodesep="0.35")
    dot.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="11")
    dot.attr("edge", color=MUTED, arrowsize="0.7")
    # nohtml: a layer named `<b>` is a name to quote, not an HTML-like label.
    for box in drawn.boxes:
        dot.node(
            graphviz.nohtml(box.name), _label(box), fillcolor=FILL[box.role], color=BORDER[box.role]
        )
    with dot.subgraph() as top:  # every input on the first row, as a reader expects
        top.attr(rank="source")
        for box in drawn.boxes:
            if box.role == "input":
                top.node(graphviz.nohtml(box.name))
    for source, reader in drawn.arrows:
        dot.edge(graphviz.nohtml(source), graphviz.nohtml(reader))
    return dot


def dot_source(graph: ModelGraph) -> str:
    """Graphviz's dot text for the diagram: needs no Graphviz program."""
    return digraph(graph).source


def render(graph: ModelGraph, image_format: str) -> bytes:
    """The diagram drawn by Graphviz's `dot` as `svg` or `png` bytes.

    Raises `UsageError` saying how to install Graphviz when `dot` is missing.
    """
    import graphviz

    dot = digraph(graph)
    if image_format == "png":
        dot.attr(dpi="144")  # sharp on high-density screens and in READMEs
    try:
        return dot.pipe(format=image_format)
    except graphviz.ExecutableNotFound:
        raise UsageError(DOT_MISSING.format(what=f"a .{image_format} diagram")) from None


def inline_svg(graph: ModelGraph) -> str:
    """The SVG element alone, without the XML prolog, to place inside an HTML page."""
    svg = render(graph, "svg").decode("utf-8")
    return svg[svg.index("<svg") :]


def format_of(path: Path) -> str:
    """The format `plot` writes to `path`, from its extension."""
    extension = path.suffix.lower().lstrip(".")
    if extension not in FORMATS:
        given = f"'{path.suffix}'" if path.suffix else "no extension"
        raise UsageError(
            f"{path}: cannot tell what to draw from {given}: "
            f"name a {', '.join('.' + f for f in FORMATS[:-1])} or .{FORMATS[-1]} file"
        )
    return extension


def plot(graph: ModelGraph, image_format: str) -> str | bytes:
    """The diagram in `image_format`: dot text, or the bytes of an svg or png image."""
    return dot_source(graph) if image_format == "dot" else render(graph, image_format)
