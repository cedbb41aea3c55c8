"""The style registry: the four ways Keras builds a model, one class each.

A `Style` knows its name, title and template, the file it is written to, whether it
can express a given model (when it cannot, `refusal` says why, pointing at the
statement to blame), and its view: what its template places, built on the
`views.SharedView` every style shares. Everything that needs the styles (the CLI's
`--style` choices, `--style all`, compare, init, the tests) asks `STYLES`.

Adding a style is one class here, registered in `STYLES`, and its template in
`templates/` (extending `_module.py.j2`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from .errors import Diagnostic
from .graph import ModelGraph
from .ir import Span
from .views import (
    FLAVOURS,
    ModuleView,
    RenderOptions,
    SharedView,
    StyleView,
    module_view,
    one_or_list,
    shared_view,
)


@dataclass(frozen=True)
class Problem:
    """Why a style cannot express a model: the reason, where, and what to do instead."""

    reason: str
    span: Span
    hint: str


class Style(ABC):
    """One way Keras builds a model, and the template that writes it."""

    name: ClassVar[str]  # as given to --style
    title: ClassVar[str]  # `the functional API`, in the module's docstring
    template: ClassVar[str]  # in templates/

    @property
    def file_suffix(self) -> str:
        """The name as a Python identifier: the end of the file name, and the notebook's
        variable (`sequential_list_model`)."""
        return self.name.replace("-", "_")

    def file_name(self, model_name: str) -> str:
        """The file this style's code of `model_name` is written to: `mnist_mlp_functional.py`."""
        return f"{model_name}_{self.file_suffix}.py"

    def why_not(self, graph: ModelGraph) -> Problem | None:
        """Why this style cannot express `graph`, and where; None when it can."""
        return None

    def refusal(self, graph: ModelGraph) -> Diagnostic | None:
        """Why this style cannot express `graph`, at the statement to blame; None when it can."""
        problem = self.why_not(graph)
        if problem is None:
            return None
        return Diagnostic(
            f"the {self.name} style cannot express this model: {problem.reason}",
            problem.span,
            problem.hint,
        )

    def skipped(self, graph: ModelGraph) -> Diagnostic | None:
        """`refusal` as a note, for `--style all`, which writes the styles that can."""
        problem = self.why_not(graph)
        if problem is None:
            return None
        return Diagnostic(f"skipped {self.name}: {problem.reason}", problem.span, severity="note")

    @abstractmethod
    def view(self, graph: ModelGraph, options: RenderOptions) -> StyleView:
        """What this style's template places, for a model it can express."""

    def module(
        self,
        graph: ModelGraph,
        shared: SharedView,
        options: RenderOptions,
        expression: str,
        more_statements: bool = False,
    ) -> ModuleView:
        """The module frame around this style's code: `expression` builds the model, and
        `more_statements` says the template places statements using it after that line
        (see `views.module_view`)."""
        return module_view(graph, shared, self.title, options, expression, more_statements)


# ----------------------------------------------------------------------------- Sequential


@dataclass(frozen=True)
class SequentialView(StyleView):
    constructors: tuple[str, ...]  # what `model.add` takes, in order, the input first


class ChainOfLayersStyle(Style):
    """A `keras.Sequential` model: it can express a single chain of layers, no operations."""

    def why_not(self, graph: ModelGraph) -> Problem | None:
        return self.not_a_chain(graph) or self.an_operation(graph)

    @staticmethod
    def not_a_chain(graph: ModelGraph) -> Problem | None:
        """A Sequential model is one chain from one input to one output."""
        problem = chain_problem(graph)
        if problem is None:
            return None
        return Problem(
            *problem,
            "a Sequential model is a single chain of layers; use --style functional or subclass",
        )

    @staticmethod
    def an_operation(graph: ModelGraph) -> Problem | None:
        """A Sequential model holds layers only: a `keras.ops` call is not one."""
        for node in graph.nodes:
            if node.entry.is_operation:
                return Problem(
                    f"{node.statement.display} is a Keras operation "
                    f"(keras.ops.{node.entry.operation}), not a layer",
                    node.statement.span,
                    "a Sequential model holds only layers; use --style functional or subclass",
                )
        return None

    @staticmethod
    def constructors(shared: SharedView) -> tuple[str, ...]:
        """Every node's constructor, in order, the input first."""
        return tuple(node.constructor for node in shared.inputs + shared.layers)


class SequentialStyle(ChainOfLayersStyle):
    """`keras.Sequential` grown with `.add`."""

    name = "sequential"
    title = "a Sequential model built with .add"
    template = "sequential.py.j2"

    def view(self, graph: ModelGraph, options: RenderOptions) -> SequentialView:
        shared = shared_view(graph, options)
        expression = f"keras.Sequential(name={shared.model_name})"
        return SequentialView(
            module=self.module(graph, shared, options, expression, more_statements=True),
            constructors=self.constructors(shared),
        )


class SequentialListStyle(ChainOfLayersStyle):
    """`keras.Sequential([...])`: the whole model is its expression."""

    name = "sequential-list"
    title = "a Sequential model built from a list"
    template = "sequential_list.py.j2"

    def view(self, graph: ModelGraph, options: RenderOptions) -> StyleView:
        shared = shared_view(graph, options)
        # The trailing commas make black write one layer a line, as a person lays out
        # a Sequential list, however short it is.
        listed = ", ".join(self.constructors(shared))
        expression = f"keras.Sequential([{listed},], name={shared.model_name},)"
        return StyleView(module=self.module(graph, shared, options, expression))


def chain_problem(graph: ModelGraph) -> tuple[str, Span] | None:
    """What stops `graph` from being one chain from one input to one output, and where."""
    nodes = graph.nodes
    if len(graph.inputs) > 1:
        second = nodes[graph.inputs[1]].statement
        return f"{second.display} is a second input", second.span
    if len(graph.outputs) > 1:
        second = nodes[graph.outputs[1]].statement
        return f"{second.display} is a second output", second.span
    for node in nodes:
        if node.is_input:
            continue
        statement = node.statement
        if len(node.sources) > 1:
            return f"{statement.display} merges {len(node.sources)} inputs", statement.span
        if node.sources != (node.index - 1,):
            source = nodes[node.sources[0]].statement
            return (
                f"{statement.display} reads {source.display}, not the layer before it (a skip)",
                statement.span,
            )
    return None


# ----------------------------------------------------------------------------- functional


@dataclass(frozen=True)
class Assignment:
    """`variable = value`, one line of code."""

    variable: str
    value: str


@dataclass(frozen=True)
class FunctionalView(StyleView):
    assignments: tuple[Assignment, ...]  # the inputs, then every layer applied, sources first


class FunctionalStyle(Style):
    """The functional API: each layer applied to its sources, then `keras.Model`."""

    name = "functional"
    title = "the functional API"
    template = "functional.py.j2"

    def view(self, graph: ModelGraph, options: RenderOptions) -> FunctionalView:
        shared = shared_view(graph, options)
        inputs = [Assignment(node.variable, node.constructor) for node in shared.inputs]
        layers = [Assignment(node.variable, node.applied()) for node in shared.layers]
        expression = (
            f"keras.Model(inputs={one_or_list([node.variable for node in shared.inputs])}, "
            f"outputs={one_or_list(list(shared.outputs))}, name={shared.model_name})"
        )
        return FunctionalView(
            module=self.module(graph, shared, options, expression),
            assignments=tuple(inputs + layers),
        )


# ----------------------------------------------------------------------------- subclass


@dataclass(frozen=True)
class SubclassLayer:
    """A layer the subclass makes in `__init__`: `self.<attribute> = <constructor>`."""

    attribute: str
    constructor: str
    # Some layers are built in __init__ too: the input shape and why; both "" for most.
    build_shape: str
    build_reason: str


@dataclass(frozen=True)
class SubclassView(StyleView):
    register_decorator: str
    class_name: str
    attributes: tuple[SubclassLayer, ...]  # every layer; an operation has none
    inputs_parameter: str  # the `call` argument
    unpack_inputs: str  # what `call` unpacks its argument into: `input_1, input_2`, or ""
    calls: tuple[Assignment, ...]  # the lines of `call`, sources first
    outputs: str  # what `call` returns
    input_constructors: str  # what build_model calls the model on: `keras.Input(...)` or a list


class SubclassStyle(Style):
    """A subclassed `keras.Model`: layers made in `__init__`, applied in `call`."""

    name = "subclass"
    title = "a subclassed keras.Model"
    template = "subclass.py.j2"

    def view(self, graph: ModelGraph, options: RenderOptions) -> SubclassView:
        shared = shared_view(graph, options)
        inputs = [node.variable for node in shared.inputs]
        several = len(inputs) > 1
        expression = f"{shared.names.class_name}(name={shared.model_name})"
        return SubclassView(
            module=self.module(graph, shared, options, expression, more_statements=True),
            register_decorator=FLAVOURS[options.imports].register_decorator,
            class_name=shared.names.class_name,
            attributes=tuple(
                SubclassLayer(node.attribute, node.constructor, node.build_shape, node.build_reason)
                for node in shared.layers
                if not node.operation
            ),
            inputs_parameter=shared.names.inputs_parameter if several else inputs[0],
            unpack_inputs=", ".join(inputs) if several else "",
            calls=tuple(
                Assignment(
                    node.variable, node.operation or f"self.{node.attribute}({node.sources})"
                )
                for node in shared.layers
            ),
            outputs=one_or_list(list(shared.outputs)),
            input_constructors=one_or_list([node.constructor for node in shared.inputs]),
        )


STYLES: dict[str, Style] = {
    style.name: style
    for style in (SequentialStyle(), SequentialListStyle(), FunctionalStyle(), SubclassStyle())
}
