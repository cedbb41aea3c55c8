"""The model IR: what validation gives, and every later stage reads.

`ModelGraph` holds every layer resolved against the catalogue, its arguments bound
to Keras parameter names and its inputs resolved to other nodes, in an order where
sources come first. Later stages (shapes, render, check) can still point at the
user's line through `LayerNode.statement`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import LayerEntry
from .ir import BlockStatement, LayerStatement, PyValue, Shape, Span, Spec, Weight


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
    """What shape inference knows of a node: its output shape and the weights it creates
    (a block's use: every weight of its layers, and `inner`, its body as this use makes it)."""

    output_shape: Shape
    weights: tuple[Weight, ...]
    inner: ModelGraph | None = None

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
    block: Block | None = None  # the block this node uses, whose entry is `entry`
    # A block's use: its body with this use's arguments (None in a block's definition,
    # where the arguments may be the enclosing block's parameters).
    inner: ModelGraph | None = None

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

    def blocks(self) -> list[Block]:
        """The blocks the model uses, directly or through others, each once, inner ones
        first: the order the module defines their classes in."""
        found: dict[str, Block] = {}
        for node in self.nodes:
            if node.block is not None:
                for inner in [*node.block.body.blocks(), node.block]:
                    found.setdefault(inner.name, inner)
        return list(found.values())

    def consumers(self) -> dict[int, list[int]]:
        """For every node index, the indices of the nodes that read it, in order."""
        readers: dict[int, list[int]] = {node.index: [] for node in self.nodes}
        for node in self.nodes:
            for source in node.sources:
                readers[source].append(node.index)
        return readers


@dataclass(frozen=True)
class BlockParam:
    """A block's parameter, and its default as the code writes it."""

    name: str
    required: bool  # it has no default: every use gives it
    default: PyValue
    span: Span
    # It stands where a Keras object goes (an initializer, regularizer or constraint):
    # get_config serializes its value, which may be one.
    takes_objects: bool = False


@dataclass(frozen=True)
class Block:
    """A block, validated: its parameters, and its body as a graph whose arguments may
    hold `ir.Parameter`s. `entry` is how a use reads as a layer: its keyword, class name,
    parameters and inputs."""

    name: str
    class_name: str
    params: tuple[BlockParam, ...]
    body: ModelGraph
    entry: LayerEntry
    statement: BlockStatement

    def param(self, name: str) -> BlockParam | None:
        return next((p for p in self.params if p.name == name), None)

    def blocks_used(self) -> list[Block]:
        """The blocks its body uses, directly or through others, each once, inner ones first."""
        return self.body.blocks()
