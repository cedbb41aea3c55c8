"""The model IR: what validation gives, and every later stage reads.

`ModelGraph` holds every layer resolved against the catalogue, its arguments bound
to Keras parameter names and its inputs resolved to other nodes, in an order where
sources come first. Later stages (shapes, render, check) can still point at the
user's line through `LayerNode.statement`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import LayerEntry
from .ir import LayerStatement, PyValue, Shape, Span, Spec, Weight


@dataclass(frozen=True)
class Argument:
    """A constructor argument bound to its Keras parameter name."""

    name: str
    value: PyValue
    span: Span


@dataclass(frozen=True)
class WrappedLayer:
    """The layer inside a wrapper: `bidirectional lstm 64` wraps `lstm 64`."""

    entry: LayerEntry
    arguments: tuple[Argument, ...]


@dataclass(frozen=True)
class NodeFacts:
    """What shape inference knows of a node: its output shape and the weights it creates."""

    output_shape: Shape
    weights: tuple[Weight, ...]

    @property
    def trainable(self) -> int:
        return sum(w.count for w in self.weights if w.trainable)

    @property
    def non_trainable(self) -> int:
        return sum(w.count for w in self.weights if not w.trainable)


@dataclass(frozen=True)
class LayerNode:
    """One layer of the model, resolved against the catalogue.

    `index` is the node's position in `ModelGraph.nodes`, which lists every node
    after all of its sources.
    """

    index: int
    entry: LayerEntry
    label: str | None
    arguments: tuple[Argument, ...]  # in the Keras constructor's order
    sources: tuple[int, ...]  # indices into ModelGraph.nodes
    statement: LayerStatement
    wrapped: WrappedLayer | None = None

    @property
    def is_input(self) -> bool:
        return self.entry.is_input

    def argument(self, name: str) -> Argument | None:
        for argument in self.arguments:
            if argument.name == name:
                return argument
        return None


@dataclass(frozen=True)
class ModelGraph:
    """A validated model: nodes with sources first, and its inputs and outputs in order.

    `facts` holds each node's output shape and weights once shapes are inferred.
    """

    name: str
    nodes: tuple[LayerNode, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    spec: Spec
    facts: tuple[NodeFacts, ...] = ()

    def consumers(self) -> dict[int, list[int]]:
        """For every node index, the indices of the nodes that read it, in order."""
        readers: dict[int, list[int]] = {node.index: [] for node in self.nodes}
        for node in self.nodes:
            for source in node.sources:
                readers[source].append(node.index)
        return readers
