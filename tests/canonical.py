"""A model graph's canonical form, for the import round trips (`tests/test_import.py`).

Two specs share it exactly when they describe the same model: Keras' layer order and
names, every argument with its default filled in (in the importer's canonical form of
each value), sources by position.
"""

from __future__ import annotations

from modelgen.catalogue import LayerEntry
from modelgen.graph import Argument, ModelGraph
from modelgen.importer.values import canonical_value
from modelgen.shapes import make_call
from modelgen.summary import keras_names, keras_order


def _arguments(entry: LayerEntry, given: tuple[Argument, ...]) -> tuple:
    args = make_call(entry, given, ()).args
    # what Keras saves for a parameter left out, where the other arguments decide it
    derived = entry.saved_defaults(args, []) if entry.saved_defaults else {}
    out = []
    for param in entry.params:
        if param.name == "name" or param.name not in args:
            continue
        value = canonical_value(param, args[param.name], "")
        if value is None and derived.get(param.name) is not None:
            value = canonical_value(param, derived[param.name], "")
        out.append((param.name, value))
    return tuple(out)


def canonical(graph: ModelGraph) -> tuple:
    """The canonical form of a validated, shape-inferred model graph."""
    order = keras_order(graph)
    position = {node: i for i, node in enumerate(order)}
    names = keras_names(graph)
    nodes = []
    for index in order:
        node = graph.nodes[index]
        wrapped = None
        if node.wrapped is not None:
            wrapped = (
                node.wrapped.entry.keyword,
                _arguments(node.wrapped.entry, node.wrapped.arguments),
            )
        nodes.append(
            (
                node.entry.keyword,
                names[index],
                _arguments(node.entry, node.arguments),
                wrapped,
                tuple(position[s] for s in node.sources),
            )
        )
    return (
        tuple(nodes),
        tuple(position[i] for i in graph.inputs),
        tuple(position[o] for o in graph.outputs),
    )
