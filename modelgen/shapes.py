"""Stage 2b, infer shapes: `graph.ModelGraph` -> the same graph with `facts` filled in.

Walks the nodes in order (sources first) and applies each catalogue entry's shape
rule and parameter rule, as Keras would when building the functional model. What
Keras would refuse becomes a positioned diagnostic at the statement, or at the
argument to blame; layers downstream of a refused one are not checked again.
Pure Python: no TensorFlow.
"""

from __future__ import annotations

import dataclasses
import math

from .catalogue import Call, LayerEntry, ShapeError
from .catalogue.rules import as_declared
from .errors import Diagnostic, SpecError
from .graph import Argument, LayerNode, ModelGraph, NodeFacts
from .ir import Shape, Span, Weight


def make_call(
    entry: LayerEntry, arguments: tuple[Argument, ...], inputs: tuple[Shape, ...]
) -> Call:
    args = entry.defaults()
    args.update({a.name: a.value for a in arguments})
    return Call(entry, args, inputs)


def node_call(node: LayerNode, inputs: tuple[Shape, ...]) -> Call:
    call = make_call(node.entry, node.arguments, inputs)
    if node.wrapped is not None:
        inner = make_call(node.wrapped.entry, node.wrapped.arguments, ())
        call = dataclasses.replace(call, inner=inner)
    return call


def infer_shapes(graph: ModelGraph, input_shapes: tuple[Shape, ...] | None = None) -> ModelGraph:
    """The graph with every node's output shape and weights, or `SpecError` with every
    refusal. `input_shapes`: a block's body, whose inputs have the shapes it is used on."""
    facts: list[NodeFacts | None] = []
    diagnostics: list[Diagnostic] = []
    for node in graph.nodes:
        inputs = [f for f in (facts[s] for s in node.sources) if f is not None]
        if len(inputs) < len(node.sources):  # a source was refused: do not pile on
            facts.append(None)
            continue
        if node.is_input and input_shapes is not None:
            facts.append(NodeFacts(input_shapes[graph.inputs.index(node.index)], ()))
            continue
        if node.inner is not None:
            found = _block_facts(node, tuple(f.output_shape for f in inputs), diagnostics)
            facts.append(found)
            continue
        call = node_call(node, tuple(f.output_shape for f in inputs))
        try:
            shape = node.entry.shape_rule(call)
            weights = node.entry.param_rule(call)
            _check_size(shape, weights)
        except ShapeError as error:
            diagnostics.append(_diagnostic(node, error, [graph.nodes[s] for s in node.sources]))
            facts.append(None)
            continue
        weights = as_declared(call, weights)
        facts.append(NodeFacts(tuple(shape), tuple(weights)))
    if diagnostics:
        raise SpecError(graph.spec.filename, graph.spec.source, diagnostics)
    known = tuple(f for f in facts if f is not None)
    assert len(known) == len(facts), "a node has no facts only after a refusal"
    return dataclasses.replace(graph, facts=known)


def _block_facts(
    node: LayerNode, inputs: tuple[Shape, ...], diagnostics: list[Diagnostic]
) -> NodeFacts | None:
    """A block's use: its body inferred on the shapes it reads. Its body's refusals join
    `diagnostics`, each saying which use it comes from."""
    assert node.inner is not None
    try:
        inner = infer_shapes(node.inner, inputs)
    except SpecError as error:
        where = f"in block {node.inner.name!r} used at {node.statement.place}"
        for found in error.diagnostics:
            context = where if found.context is None else f"{found.context}\n{where}"
            diagnostics.append(dataclasses.replace(found, context=context))
        return None
    output = inner.facts[inner.outputs[0]].output_shape
    weights = tuple(w for f in inner.facts for w in f.weights)
    return NodeFacts(output, weights, inner)


MAX_INTEGER = 2**63 - 1  # Keras and TensorFlow size tensors and count weights in int64


def _check_size(shape: Shape, weights: list[Weight]) -> None:
    """Keras sizes tensors and weights in 64-bit integers: refuse what does not fit."""
    if math.prod(d for d in shape if d is not None) > MAX_INTEGER:
        raise ShapeError(
            f"the output holds more than {MAX_INTEGER} numbers, more than Keras can count",
            "shape",
            "use smaller dimensions",
        )
    if any(w.count > MAX_INTEGER for w in weights):
        raise ShapeError(
            f"a weight holds more than {MAX_INTEGER} numbers, more than Keras can count",
            hint="use fewer units or filters, or a smaller input",
        )


def _diagnostic(node: LayerNode, error: ShapeError, sources: list[LayerNode]) -> Diagnostic:
    span: Span = node.statement.layer.span
    arguments = node.arguments + (node.wrapped.arguments if node.wrapped else ())
    for argument in arguments:
        if argument.name == error.argument:
            span = argument.span
    hint = error.hint or _where_inputs_come_from(sources)
    return Diagnostic(f"{node.entry.keyword.lower()}: {error.message}", span, hint)


def _where_inputs_come_from(sources: list[LayerNode]) -> str:
    """A rule that cannot say what to change points at the layers that made its input."""
    if not sources:
        return "change the input's shape"
    made = [
        f"{s.label or s.entry.keyword.lower()!r} on line {s.statement.span.line}" for s in sources
    ]
    if len(made) == 1:
        return f"its input is the output of {made[0]}: change that layer, or this one"
    return f"its inputs are the outputs of {', '.join(made)}: change those layers, or this one"
