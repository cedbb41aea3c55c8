"""A model graph's canonical form, for the import round trips (`tests/test_import.py`).

Two specs share it exactly when they describe the same model: Keras' layer order and
names, every argument with its default filled in (in the importer's canonical form of
each value), sources by position; a block's use as its body with the use's values
(inside a block, labels name no layer: names are left out there).
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


def canonical(graph: ModelGraph, named: bool = True) -> tuple:
    """The canonical form of a validated, shape-inferred model graph (`named=False`: a
    block's body, whose layers' names are Keras' own)."""
    order = keras_order(graph)
    position = {node: i for i, node in enumerate(order)}
    names = keras_names(graph) if named else [""] * len(graph.nodes)
    nodes = []
    for index in order:
        node = graph.nodes[index]
        if node.inner is not None:
            nodes.append(
                (
                    node.entry.class_name,
                    names[index],
                    canonical(node.inner, named=False),
                    None,
                    tuple(position[s] for s in node.sources),
                )
            )
            continue
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
