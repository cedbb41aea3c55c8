"""Plot: `graph.ModelGraph` -> a diagram of its layers, as Graphviz dot, SVG or PNG.

Every layer is a box with its Keras class, its name, its output shape and its
parameter count, all as `modelgen summary` reports them, and on request its
activation and the arguments the spec gives it; an arrow runs from each source to
the layer that reads it. `diagram` prepares the boxes and arrows in pure Python;
`digraph` hands them to the `graphviz` package, and `render` has Graphviz's `dot`
program draw them. No TensorFlow; graphviz is imported only when drawing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError, visible
from .graph import Argument, LayerNode, ModelGraph
from .summary import keras_names, shape_text, summarize
from .views import literal

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
RANKDIRS = ("TB", "LR", "BT", "RL")  # Graphviz's, as keras.utils.plot_model takes them
PNG_DPI = 144  # sharp on high-density screens and in READMEs
DPI_RANGE = (36, 600)  # past 600, a deep model's PNG is gigapixels that Graphviz scales down
ARGUMENTS_WIDTH = 40  # a box's argument lines wrap here, so that no box grows wide


@dataclass(frozen=True)
class PlotOptions:
    """What the boxes show and how the diagram is laid out: the options of
    `keras.utils.plot_model` that apply, with modelgen's defaults."""

    rankdir: str = "TB"  # top to bottom; LR lays a deep model out left to right
    show_shapes: bool = True
    show_params: bool = True
    show_activations: bool = False  # plot_model's show_layer_activations
    show_arguments: bool = False  # kernel_size=(3, 3), strides=2: what the spec gives
    dpi: int | None = None  # None: PNG_DPI for a png, Graphviz's 72 for svg


# A name Graphviz reads unquoted as exactly itself; any other name (`a:b` would be a
# node and a port; a quoted ID cannot end in a backslash) is drawn under an ID of its own.
_PLAIN_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOT_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def node_id(index: int, name: str) -> str:
    """The Graphviz node ID of a layer: its name when that is a plain ID, else `#index`,
    which no plain name can be. The label, never the ID, is what a reader sees."""
    if _PLAIN_ID.fullmatch(name) and name.lower() not in _DOT_KEYWORDS:
        return name
    return f"#{index}"


@dataclass(frozen=True)
class Box:
    """One layer as the diagram shows it."""

    name: str  # the layer's Keras name, unique in a model
    layer_class: str  # `Dense`, or `Bidirectional(LSTM)` for a wrapper
    shape: str  # `(None, 100)`
    params: str  # `30,100 params`
    role: str  # input, output or layer
    node_id: str = ""  # its Graphviz ID (`node_id`); the name itself when plain
    activation: str | None = None  # `relu`, `linear`: for a layer that has an activation
    arguments: tuple[tuple[str, str], ...] = ()  # ("strides", "2"): as the spec gives them


@dataclass(frozen=True)
class Diagram:
    title: str
    boxes: tuple[Box, ...]  # in the graph's order, sources first
    arrows: tuple[tuple[str, str], ...]  # (source ID, reader ID), in each reader's order


def _params(count: int) -> str:
    return f"{count:,} param" + ("" if count == 1 else "s")


def _activation(node: LayerNode) -> str | None:
    """What Keras' plot_model shows as the activation: of the wrapped layer for a wrapper,
    the default when the spec gives none, `linear` for None."""
    entry, arguments = (
        (node.wrapped.entry, node.wrapped.arguments)
        if node.wrapped
        else (node.entry, node.arguments)
    )
    param = next((p for p in entry.params if p.name == "activation"), None)
    if param is None:
        return None
    given = next((a.value for a in arguments if a.name == "activation"), param.default)
    return str(given) if isinstance(given, str) else "linear"


def _arguments(node: LayerNode) -> tuple[tuple[str, str], ...]:
    """Each argument the spec gives, as a Python literal, the wrapped layer's after the
    wrapper's; the name is in the box already."""
    given: list[Argument] = [*node.arguments, *(node.wrapped.arguments if node.wrapped else ())]
    return tuple((a.name, literal(a.value)) for a in given if a.name != "name")


def _shown_arguments(box: Box, options: PlotOptions) -> tuple[str, ...]:
    """`key=value` for the arguments the box does not show already: the activation has its
    own line with --show-activations, and an input's shape is its output shape."""
    shown = {"activation"} if options.show_activations else set()
    if options.show_shapes and box.role == "input":
        shown.add("shape")
    return tuple(f"{key}={value}" for key, value in box.arguments if key not in shown)


def diagram(graph: ModelGraph) -> Diagram:
    """The boxes and arrows of a graph whose shapes are inferred (`generate.load` does both)."""
    summary = summarize(graph)  # every fact in a box is one its table shows
    rows = {row.name: row for row in summary.rows}
    names = keras_names(graph)
    ids = {node.index: node_id(node.index, names[node.index]) for node in graph.nodes}
    boxes = []
    for node in graph.nodes:
        row = rows[names[node.index]]
        layer_class = row.layer_class
        if node.wrapped is not None:
            layer_class += f"({node.wrapped.entry.keyword})"
        role = "input" if node.is_input else "output" if node.index in graph.outputs else "layer"
        boxes.append(
            Box(
                row.name,
                layer_class,
                shape_text(row.output_shape),
                _params(row.params),
                role,
                node_id=ids[node.index],
                activation=_activation(node),
                arguments=_arguments(node),
            )
        )
    arrows = tuple((ids[s], ids[n.index]) for n in graph.nodes for s in n.sources)
    return Diagram(f"{graph.name}: {_params(summary.total)}", tuple(boxes), arrows)


def _wrapped(parts: tuple[str, ...], width: int = ARGUMENTS_WIDTH) -> list[str]:
    """`parts` joined by ', ' into lines of about `width` characters."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += ", " + part
        else:
            lines.append(part)
    return lines


def _label(box: Box, options: PlotOptions = PlotOptions()) -> str:
    """A Graphviz HTML-like label: the class in bold over the name, shape and count.
    Every piece is text: HTML-escaped, its control characters shown as `\\x1b`, and
    its backslashes doubled, since Graphviz reads `\\N` in a label as the node's ID."""

    def text(piece: str) -> str:
        return html.escape(visible(piece)).replace("\\", "\\\\")

    lines = [f"<b>{text(box.layer_class)}</b>", text(box.name)]
    if options.show_shapes:
        lines.append(text(box.shape))
    if options.show_activations and box.activation is not None:
        lines.append(f"<i>{text(box.activation)}</i>")
    if options.show_arguments:
        arguments = _wrapped(_shown_arguments(box, options))
        lines += [f'<font point-size="10">{text(line)}</font>' for line in arguments]
    if options.show_params:
        lines.append(f'<font color="{MUTED}">{text(box.params)}</font>')
    # A borderless table, not <br/>: its cell padding keeps an underscore off the next line.
    rows = "".join(f"<tr><td>{line}</td></tr>" for line in lines)
    return f'<<table border="0" cellspacing="0" cellpadding="1">{rows}</table>>'


def digraph(graph: ModelGraph, options: PlotOptions = PlotOptions()) -> graphviz.Digraph:
    """The diagram as a `graphviz.Digraph`, laid out in `options.rankdir`."""
    import graphviz  # only drawing needs it

    if options.rankdir not in RANKDIRS:
        raise UsageError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {options.rankdir!r}")
    drawn = diagram(graph)
    dot = graphviz.Digraph(graph.name)
    dot.attr(
        label=graphviz.escape(visible(drawn.title)),
        labelloc="t",
        fontname=FONT,
        fontsize="16",
        nodesep="0.35",
    )
    if options.rankdir != "TB":
        dot.attr(rankdir=options.rankdir)
    if options.dpi is not None:
        dot.attr(dpi=str(options.dpi))
    dot.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="11")
    dot.attr("edge", color=MUTED, arrowsize="0.7")
    # Every ID is a plain name or `#index` (`node_id`): nothing for Graphviz to misread.
    for box in drawn.boxes:
        dot.node(
            box.node_id, _label(box, options), fillcolor=FILL[box.role], color=BORDER[box.role]
        )
    with dot.subgraph() as top:  # every input on the first row, as a reader expects
        top.attr(rank="source")
        for box in drawn.boxes:
            if box.role == "input":
                top.node(box.node_id)
    for source, reader in drawn.arrows:
        dot.edge(source, reader)
    return dot


def dot_source(graph: ModelGraph, options: PlotOptions = PlotOptions()) -> str:
    """Graphviz's dot text for the diagram: needs no Graphviz program."""
    return digraph(graph, options).source


def render(graph: ModelGraph, image_format: str, options: PlotOptions = PlotOptions()) -> bytes:
    """The diagram drawn by Graphviz's `dot` as `svg` or `png` bytes.

    Raises `UsageError` saying how to install Graphviz when `dot` is missing.
    """
    import graphviz

    if image_format == "png" and options.dpi is None:
        options = PlotOptions(**{**options.__dict__, "dpi": PNG_DPI})
    dot = digraph(graph, options)
    try:
        return dot.pipe(format=image_format)
    except graphviz.ExecutableNotFound:
        raise UsageError(DOT_MISSING.format(what=f"a .{image_format} diagram")) from None


def inline_svg(graph: ModelGraph, options: PlotOptions = PlotOptions()) -> str:
    """The SVG element alone, without the XML prolog, to place inside an HTML page."""
    svg = render(graph, "svg", options).decode("utf-8")
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


def plot(graph: ModelGraph, image_format: str, options: PlotOptions = PlotOptions()) -> str | bytes:
    """The diagram in `image_format`: dot text, or the bytes of an svg or png image."""
    if image_format == "dot":
        return dot_source(graph, options)
    return render(graph, image_format, options)
