"""Plot: `graph.ModelGraph` -> a diagram of its layers, as Graphviz dot, SVG or PNG.

Every layer is a box with its Keras class, its name, its output shape and its
parameter count, all as `modelgen summary` reports them, and on request its
activation and the arguments the spec gives it; an arrow runs from each source to
the layer that reads it. A block's use is one box with its class and the arguments the
use gives; `expand` draws it as a cluster holding its layers (nested blocks' clusters
too), each named as its block's class names it. `diagram` prepares the boxes and
arrows in pure Python; `digraph` hands them to the `graphviz` package, and `render`
has Graphviz's `dot` program draw them. No TensorFlow; graphviz is imported only when drawing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError, visible
from .graph import Argument, LayerNode, ModelGraph
from .summary import Row, keras_names, shape_text, summarize
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
    expand: bool = False  # each block's use as a cluster of its layers, not one box


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
    block: bool = False  # a block's use: its arguments are always shown


@dataclass(frozen=True)
class Cluster:
    """A block's use, expanded: its box's facts as the cluster's label, around its layers."""

    box: Box  # the use as a box would show it; `box.node_id` prefixes its layers' IDs
    # Its body's layers in its order, a block's use among them a cluster too (the call's
    # inputs are not drawn: the arrows into the cluster come from the use's sources).
    members: tuple[Box | Cluster, ...]


@dataclass(frozen=True)
class Diagram:
    title: str
    boxes: tuple[Box, ...]  # in the graph's order, sources first
    arrows: tuple[tuple[str, str], ...]  # (source ID, reader ID), in each reader's order
    clusters: tuple[Cluster, ...] = ()  # with `expand`: the block uses, drawn around their layers
    members: tuple[Box | Cluster, ...] = ()  # the boxes and clusters in the graph's order


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


def _box(node: LayerNode, row: Row, role: str, box_id: str) -> Box:
    layer_class = row.layer_class
    if node.wrapped is not None:
        layer_class += f"({node.wrapped.entry.keyword})"
    return Box(
        row.name,
        layer_class,
        shape_text(row.output_shape),
        _params(row.params),
        role,
        node_id=box_id,
        activation=_activation(node),
        arguments=_arguments(node),
        block=node.block is not None,
    )


def diagram(graph: ModelGraph, expand: bool = False) -> Diagram:
    """The boxes and arrows of a graph whose shapes are inferred (`generate.load` does both).
    `expand`: each block's use is a cluster of its layers, the arrows running to and from them."""
    summary = summarize(graph, expand)  # every fact in a box is one its table shows
    rows = {row.name: row for row in summary.rows}
    names = keras_names(graph)
    members: list[Box | Cluster] = []
    arrows: list[tuple[str, str]] = []
    gives: dict[int, str] = {}  # the ID of the box whose output is each node's
    for node in graph.nodes:
        row = rows[names[node.index]]
        role = "input" if node.is_input else "output" if node.index in graph.outputs else "layer"
        box = _box(node, row, role, node_id(node.index, names[node.index]))
        reads = [gives[s] for s in node.sources]
        inner = graph.facts[node.index].inner
        if expand and inner is not None and row.layers:
            cluster, gives[node.index] = _cluster(box, inner, row.layers, reads, arrows)
            members.append(cluster)
        else:
            members.append(box)
            gives[node.index] = box.node_id
            arrows.extend((source, box.node_id) for source in reads)
    return Diagram(
        f"{graph.name}: {_params(summary.total)}",
        tuple(m for m in members if isinstance(m, Box)),
        tuple(arrows),
        tuple(m for m in members if isinstance(m, Cluster)),
        tuple(members),
    )


def _cluster(
    use: Box,
    inner: ModelGraph,
    rows: tuple[Row, ...],
    reads: list[str],
    arrows: list[tuple[str, str]],
) -> tuple[Cluster, str]:
    """A block's use as a cluster of its body's layers (`inner`, as the use makes it, whose
    rows the summary gives), reading `reads`; and the ID of the box that gives its output.
    A layer's ID is the use's, a slash and its name: unique, as names are in a body."""
    gives = dict(zip(inner.inputs, reads, strict=True))  # the call's inputs: the use's sources
    layers = [n for n in inner.nodes if not n.is_input]
    members: list[Box | Cluster] = []
    for node, row in zip(layers, rows, strict=True):
        box = _box(node, row, "layer", f"{use.node_id}/{row.name}")
        sources = [gives[s] for s in node.sources]
        nested = inner.facts[node.index].inner
        if nested is not None and row.layers:
            cluster, gives[node.index] = _cluster(box, nested, row.layers, sources, arrows)
            members.append(cluster)
        else:
            members.append(box)
            gives[node.index] = box.node_id
            arrows.extend((source, box.node_id) for source in sources)
    return Cluster(use, tuple(members)), gives[inner.outputs[0]]


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
    """A Graphviz HTML-like label: the class in bold over the name, shape and count
    (a block's use: and the arguments it gives, which are what tells two uses apart).
    Every piece is text: HTML-escaped, its control characters shown as `\\x1b`, and
    its backslashes doubled, since Graphviz reads `\\N` in a label as the node's ID."""

    def text(piece: str) -> str:
        return html.escape(visible(piece)).replace("\\", "\\\\")

    lines = [f"<b>{text(box.layer_class)}</b>", text(box.name)]
    if options.show_shapes:
        lines.append(text(box.shape))
    if options.show_activations and box.activation is not None:
        lines.append(f"<i>{text(box.activation)}</i>")
    if options.show_arguments or box.block:
        arguments = _wrapped(_shown_arguments(box, options))
        lines += [f'<font point-size="10">{text(line)}</font>' for line in arguments]
    if options.show_params:
        lines.append(f'<font color="{MUTED}">{text(box.params)}</font>')
    # A borderless table, not <br/>: its cell padding keeps an underscore off the next line.
    rows = "".join(f"<tr><td>{line}</td></tr>" for line in lines)
    return f'<<table border="0" cellspacing="0" cellpadding="1">{rows}</table>>'


def _draw_cluster(dot: graphviz.Digraph, cluster: Cluster, options: PlotOptions) -> None:
    """A block's use as a dashed frame labelled as its box would be, around its layers;
    the frame's colour is the use's role (an output block's is green)."""
    with dot.subgraph(name=f"cluster_{cluster.box.node_id}") as frame:
        frame.attr(
            label=_label(cluster.box, options),
            style="rounded,dashed",
            color=BORDER[cluster.box.role],
            fontname=FONT,
            fontsize="11",
            labeljust="l",
        )
        _draw_members(frame, cluster.members, options)


def _draw_members(
    dot: graphviz.Digraph, members: tuple[Box | Cluster, ...], options: PlotOptions
) -> None:
    """Each box, and each cluster around its layers, in the order given."""
    for member in members:
        if isinstance(member, Cluster):
            _draw_cluster(dot, member, options)
        else:
            dot.node(
                member.node_id,
                _label(member, options),
                fillcolor=FILL[member.role],
                color=BORDER[member.role],
            )


def digraph(graph: ModelGraph, options: PlotOptions = PlotOptions()) -> graphviz.Digraph:
    """The diagram as a `graphviz.Digraph`, laid out in `options.rankdir`."""
    import graphviz  # only drawing needs it

    if options.rankdir not in RANKDIRS:
        raise UsageError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {options.rankdir!r}")
    drawn = diagram(graph, options.expand)
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
    _draw_members(dot, drawn.members or drawn.boxes, options)
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
