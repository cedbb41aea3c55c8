"""The model summary, as Keras' `model.summary()` prints it for the functional build.

Pure Python over the inferred graph: no TensorFlow. Keras' own choices are
reproduced so that the rows are the ones Keras prints, in its order:

* layer names: a label or `name=`, else Keras' automatic name (`dense`, `dense_1`,
  ... counted per class in construction order, as in a fresh process);
* row order: Keras' `map_graph`, which sorts layers by their depth from the
  outputs and breaks ties by a depth-first walk from the outputs;
* "Connected to" only for models that are not a plain chain;
* sizes in bytes, printed in B, KB, MB with 1024 steps and two decimals.

`summarize(graph, expand=True)` also lists, under each block use's row, the layers of
its body as that use makes them (nested blocks' too), indented as Keras prints a nested
model's layers with `summary(expand_nested=True)`; the totals are the same.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from .errors import Diagnostic, SpecError
from .graph import LayerNode, ModelGraph
from .identifiers import snake_case
from .naming import assign_names


def keras_names(graph: ModelGraph) -> list[str]:
    """The name Keras gives each node's layer when the functional code runs in a fresh process."""
    counters: dict[str, int] = defaultdict(int)

    def auto(class_name: str) -> str:
        prefix = snake_case(class_name)
        counters[prefix] += 1
        count = counters[prefix]
        return prefix if count == 1 else f"{prefix}_{count - 1}"

    # The functional code creates every keras.Input first, then the layers in order;
    # a wrapped layer is created (and named) before its wrapper.
    ordered = [graph.nodes[i] for i in graph.inputs] + [n for n in graph.nodes if not n.is_input]
    names = _created(ordered, auto)
    return [names[i] for i in range(len(graph.nodes))]


def _created(
    ordered: list[LayerNode], auto: Callable[[str], str], traced: bool = True
) -> dict[int, str]:
    """Each node's Keras name as `ordered` creates them, `auto` naming those the spec does
    not. A block's use names its class, whose __init__ creates its layers (blocks among
    them); calling it (`traced`: the model's own nodes) traces its call(), which names
    each operation in it, nested blocks' included, once."""
    names: dict[int, str] = {}
    for node in ordered:
        if node.wrapped is not None:
            explicit = next((a for a in node.wrapped.arguments if a.name == "name"), None)
            if explicit is None:
                auto(node.wrapped.entry.keyword)
        explicit = node.argument("name")
        if explicit is not None:
            names[node.index] = str(explicit.value)
        elif node.label and not node.entry.is_operation and traced:
            # (an operation takes no name; in a block's body, a label names no layer)
            names[node.index] = node.label
        else:
            names[node.index] = auto(node.entry.class_name)
        if node.block is not None:
            body = node.block.body
            layers = [n for n in body.nodes if not n.is_input and not n.entry.is_operation]
            _created(layers, auto, traced=False)
            if traced:
                _traced(body, auto)
    return names


def _traced(body: ModelGraph, auto: Callable[[str], str]) -> None:
    for node in body.nodes:
        if node.entry.is_operation:
            auto(node.entry.class_name)
        elif node.block is not None:
            _traced(node.block.body, auto)


def check_unique_names(graph: ModelGraph) -> None:
    """Keras refuses a model in which two layers share a name; say so at the second one."""
    seen: dict[str, LayerNode] = {}
    diagnostics = []
    for node, name in zip(graph.nodes, keras_names(graph), strict=True):
        if name in seen:
            first = seen[name]
            how = (
                "is named"
                if first.label or first.argument("name")
                else "gets Keras' automatic name"
            )
            diagnostics.append(
                Diagnostic(
                    f"layer name {name!r} is used twice: the layer on line {first.statement.span.line} {how} {name!r}",
                    node.statement.span,
                    "Keras needs unique layer names; choose another label or name=",
                )
            )
        else:
            seen[name] = node
    if diagnostics:
        raise SpecError(graph.spec.filename, graph.spec.source, diagnostics)


def keras_order(graph: ModelGraph) -> list[int]:
    """The node indices in the order of Keras' `model.layers` (keras.src.ops.function.map_graph)."""
    preorder: dict[int, int] = {}
    postorder: list[int] = []
    finished: set[int] = set()
    for output in graph.outputs:  # an explicit stack: specs may be deep
        stack: list[tuple[int, int]] = [(output, 0)]
        while stack:
            node, next_source = stack.pop()
            if next_source == 0:
                if node in finished:
                    continue
                preorder.setdefault(node, len(preorder))
            sources = graph.nodes[node].sources
            if next_source < len(sources):
                stack.append((node, next_source + 1))
                stack.append((sources[next_source], 0))
            else:
                finished.add(node)
                postorder.append(node)
    depth: dict[int, int] = {}
    for node in reversed(postorder):
        here = depth.setdefault(node, 0)
        for source in graph.nodes[node].sources:
            depth[source] = max(here + 1, depth.get(source, 0))
    return sorted(postorder, key=lambda n: (-depth[n], preorder[n]))


def _is_chain(graph: ModelGraph) -> bool:
    """Keras leaves out "Connected to" when no layer reads or is read by two others."""
    readers = graph.consumers()
    return all(len(r) <= 1 for r in readers.values()) and all(
        len(n.sources) <= 1 for n in graph.nodes
    )


def memory(size: float) -> str:
    """keras.src.utils.summary_utils.readable_memory_size."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


@dataclass(frozen=True)
class Row:
    name: str
    layer_class: str
    output_shape: tuple[int | None, ...]
    params: int
    trainable: int
    non_trainable: int
    connected_to: tuple[str, ...]
    line: int
    # A block use's layers with --expand: each named by its label or the attribute its
    # block's class gives it, connected to the layers (or the call's inputs) it reads.
    layers: tuple[Row, ...] = ()

    def as_dict(self, expand: bool = False) -> dict:
        facts: dict = {
            "name": self.name,
            "class": self.layer_class,
            "output_shape": list(self.output_shape),
            "params": self.params,
            "trainable_params": self.trainable,
            "non_trainable_params": self.non_trainable,
            "connected_to": list(self.connected_to),
            "line": self.line,
        }
        if expand and self.layers:
            facts["layers"] = [r.as_dict(expand) for r in self.layers]
        return facts

    def nested(self, level: int = 0) -> list[tuple[int, Row]]:
        """This row and, under it, its layers' rows (theirs too), each with its depth."""
        rows = [(level, self)]
        for row in self.layers:
            rows.extend(row.nested(level + 1))
        return rows


NESTED_PREFIX = "   "  # per level, then "└ ": keras.src.utils.summary_utils' nested rows


@dataclass(frozen=True)
class Summary:
    model_name: str
    rows: tuple[Row, ...]
    chain_like: bool
    trainable: int
    non_trainable: int
    trainable_bytes: int
    non_trainable_bytes: int
    expanded: bool = False  # each block use's row is followed by its layers' rows

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable

    def as_dict(self) -> dict:
        return {
            "model": self.model_name,
            "layers": [r.as_dict(self.expanded) for r in self.rows],
            "total_params": self.total,
            "trainable_params": self.trainable,
            "non_trainable_params": self.non_trainable,
            "total_bytes": self.trainable_bytes + self.non_trainable_bytes,
            "trainable_bytes": self.trainable_bytes,
            "non_trainable_bytes": self.non_trainable_bytes,
        }

    def json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"

    def header(self) -> list[str]:
        """The table's column titles; "Connected to" only for a graph, as Keras prints it."""
        header = ["Layer (type)", "Output Shape", "Param #"]
        if not self.chain_like:
            header.append("Connected to")
        return header

    def cells(self) -> list[list[str]]:
        """Each row's cells as Keras prints them, under `header()`; expanded, a block use's
        layers follow it, indented as Keras indents a nested model's."""
        rows = []
        for level, r in self.nested_rows():
            prefix = NESTED_PREFIX * level + "└ " if level else ""
            cells = [
                f"{prefix}{r.name} ({r.layer_class})",
                shape_text(r.output_shape),
                f"{r.params:,}",
            ]
            if not self.chain_like:
                cells.append(", ".join(r.connected_to) or "-")
            rows.append(cells)
        return rows

    def nested_rows(self) -> list[tuple[int, Row]]:
        """Every row the table shows, each with its depth: 0 for the model's own."""
        if not self.expanded:
            return [(0, r) for r in self.rows]
        return [nested for r in self.rows for nested in r.nested()]

    def totals(self) -> list[str]:
        """The three lines under the table: total, trainable and non-trainable counts and sizes."""
        total_bytes = self.trainable_bytes + self.non_trainable_bytes
        return [
            f"Total params: {self.total:,} ({memory(total_bytes)})",
            f"Trainable params: {self.trainable:,} ({memory(self.trainable_bytes)})",
            f"Non-trainable params: {self.non_trainable:,} ({memory(self.non_trainable_bytes)})",
        ]

    def table(self) -> str:
        header, rows = self.header(), self.cells()
        widths = [max(len(c[i]) for c in [header, *rows]) + 2 for i in range(len(header))]

        def line(left: str, fill: str, middle: str, right: str) -> str:
            return left + middle.join(fill * w for w in widths) + right

        def cells_line(cells: list[str], bar: str) -> str:
            parts = []
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
                parts.append(
                    " " + (cell.rjust(width - 2) if i == 2 else cell.ljust(width - 2)) + " "
                )
            return bar + bar.join(parts) + bar

        out = [f'Model: "{self.model_name}"', line("┏", "━", "┳", "┓"), cells_line(header, "┃")]
        out.append(line("┡", "━", "╇", "┩"))
        for i, cells in enumerate(rows):
            if i:
                out.append(line("├", "─", "┼", "┤"))
            out.append(cells_line(cells, "│"))
        out.append(line("└", "─", "┴", "┘"))
        out.extend(f" {total}" for total in self.totals())
        return "\n".join(out) + "\n"


def shape_text(shape: tuple[int | None, ...]) -> str:
    """A shape as Keras prints it: `(None, 784)`, and `(None,)` for rank one."""
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def summarize(graph: ModelGraph, expand: bool = False) -> Summary:
    """The summary of a graph whose shapes are inferred (`generate.load` does both).
    `expand`: each block use's row holds its layers' rows (the totals do not change)."""
    assert graph.facts, "infer shapes first"
    names = keras_names(graph)
    order = keras_order(graph)
    rows = []
    for index in order:
        node, facts = graph.nodes[index], graph.facts[index]
        rows.append(
            Row(
                names[index],
                node.entry.class_name,
                facts.output_shape,
                facts.trainable + facts.non_trainable,
                facts.trainable,
                facts.non_trainable,
                tuple(f"{names[s]}[0][0]" for s in node.sources),
                node.statement.span.line,
                _inner_rows(node, facts.inner) if expand else (),
            )
        )
    weights = [w for f in graph.facts for w in f.weights]
    return Summary(
        graph.name,
        tuple(rows),
        _is_chain(graph),
        sum(w.count for w in weights if w.trainable),
        sum(w.count for w in weights if not w.trainable),
        sum(w.count * w.itemsize for w in weights if w.trainable),
        sum(w.count * w.itemsize for w in weights if not w.trainable),
        expand,
    )


def _inner_rows(node: LayerNode, inner: ModelGraph | None) -> tuple[Row, ...]:
    """A block use's layers, in its body's order (its class's __init__ makes them so), from
    `inner`, the body as this use makes it; named as the block's class names them."""
    if node.block is None or inner is None or not inner.facts:
        return ()
    block = node.block
    assert len(inner.nodes) == len(block.body.nodes), "a use's body is its block's body"
    names = assign_names(block.body, frozenset(p.name for p in block.params))

    def name(index: int) -> str:
        if inner.nodes[index].is_input:
            return names.variables[index]  # the call's argument: no layer, no row
        return names.attributes[index]

    rows = []
    for inner_node, facts in zip(inner.nodes, inner.facts, strict=True):
        if inner_node.is_input:
            continue
        rows.append(
            Row(
                name(inner_node.index),
                inner_node.entry.class_name,
                facts.output_shape,
                facts.trainable + facts.non_trainable,
                facts.trainable,
                facts.non_trainable,
                tuple(
                    name(s) if inner.nodes[s].is_input else f"{name(s)}[0][0]"
                    for s in inner_node.sources
                ),
                inner_node.statement.span.line,
                _inner_rows(inner_node, facts.inner),
            )
        )
    return tuple(rows)
