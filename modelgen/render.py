"""Stage 3, render: `graph.ModelGraph` + a style -> Python source (not yet formatted).

Python prepares everything a template shows: names, literal reprs, constructor
calls, call arguments and the imports the body uses. The Jinja templates in
`templates/` (one per style) only place that text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .catalogue import LayerEntry
from .graph import Argument, LayerNode, ModelGraph
from .ir import KerasObject, PyValue
from .naming import Names, assign_names
from .templating import environment

if TYPE_CHECKING:
    import jinja2

# How each `--imports` flavour spells the two names the code uses.
IMPORT_LINES = {
    "keras": {"keras": "import keras", "layers": "from keras import layers"},
    "tensorflow": {
        "keras": "from tensorflow import keras",
        "layers": "from tensorflow.keras import layers",
    },
}
IMPORT_FLAVOURS = tuple(IMPORT_LINES)
# tf.keras has no `keras.saving` module; `keras.utils` holds the same decorator in both.
REGISTER_DECORATOR = {
    "keras": "keras.saving.register_keras_serializable",
    "tensorflow": "keras.utils.register_keras_serializable",
}


def literal(value: PyValue) -> str:
    """A Python literal for a spec value; `repr` escapes every string safely.

    A Keras object with settings is its constructor: `keras.regularizers.L2(l2=0.0001)`
    (its module and class come from the catalogue's own table, never from the spec).
    """
    if isinstance(value, KerasObject):
        settings = ", ".join(f"{name}={literal(v)}" for name, v in value.settings)
        return f"keras.{value.module}.{value.class_name}({settings})"
    if isinstance(value, tuple):
        items = ", ".join(literal(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    return repr(value)


@dataclass(frozen=True)
class NodeView:
    """One layer as the templates place it."""

    variable: str  # holds its output in functional code and in `call`
    attribute: str  # `self.<attribute>` in the subclass; "" for an operation
    constructor: str  # `layers.Dense(300, activation="relu")`
    arguments: str  # what it is called on: `x`, `[input_1, hidden2]`
    is_input: bool
    functional_call: str  # `layers.Dense(300)(x)`, or `keras.ops.add(x, 3.0)`
    subclass_call: str  # `self.dense(x)`, or `keras.ops.add(x, 3.0)`
    # The subclass builds some layers in __init__ (see LayerEntry.build_in_init):
    # the input shape to build with, and why, as a comment; both "" for most layers.
    build_shape: str = ""
    build_reason: str = ""


@dataclass(frozen=True)
class ModuleView:
    model_name: str  # as a Python literal
    class_name: str
    docstring: str
    imports: tuple[str, ...]
    inputs: tuple[NodeView, ...]
    layers: tuple[NodeView, ...]  # every non-input node, sources first
    inputs_expr: str  # `inputs` or `[input_1, input_2]`
    outputs_expr: str
    inputs_parameter: str  # the subclass `call` argument
    unpack_inputs: str  # what `call` unpacks its argument into: `input_1, input_2`, or ""
    input_constructors: str  # what the subclass is built on: `keras.Input(...)` or a list
    register_decorator: str
    loads_weights: bool  # build_model(weights=None) loads a .weights.h5 file
    build_parameters: str  # what build_model takes


class _Uses:
    """Records which module-level names the rendered body refers to."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def __call__(self, name: str) -> str:
        self.names.add(name)
        return name


def _constructor(node: LayerNode, uses: _Uses) -> str:
    arguments = []
    if node.wrapped is not None:
        arguments.append(_call(node.wrapped.entry, node.wrapped.arguments, None, uses))
    return _call(node.entry, node.arguments, node.label, uses, arguments)


def _operation(node: LayerNode, arguments: str, uses: _Uses) -> str:
    """`keras.ops.add(x, 3.0)`: the sources, then the arguments in catalogue order."""
    given = ", ".join(literal(argument.value) for argument in node.arguments)
    return f"{uses('keras')}.ops.{node.entry.operation}({arguments}, {given})"


def _call(
    entry: LayerEntry,
    given: tuple[Argument, ...],
    label: str | None,
    uses: _Uses,
    arguments: list[str] | None = None,
) -> str:
    """`layers.Dense(300, activation="relu", name="hidden")`: required arguments first, by position."""
    arguments = list(arguments or [])
    name = label
    for argument in given:
        if argument.name == "name":
            name = str(argument.value)
            continue
        param = entry.param(argument.name)
        assert param is not None
        rendered = literal(argument.value)
        if param.required and not entry.is_input:
            arguments.append(rendered)
        else:
            arguments.append(f"{argument.name}={rendered}")
    if name is not None:
        arguments.append(f"name={literal(name)}")
    callee = f"{uses('keras')}.Input" if entry.is_input else f"{uses('layers')}.{entry.keyword}"
    return f"{callee}({', '.join(arguments)})"


def _build_in_init(node: LayerNode) -> str:
    """Why the subclass must build `node` in __init__, itself or the layer it wraps; "" if not."""
    for entry in (node.entry, node.wrapped.entry if node.wrapped else None):
        if entry is not None and entry.build_in_init:
            return entry.build_in_init
    return ""


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"


def _listing_for(call_style: str, sources: list[str]) -> str:
    """What a layer is called on: `x`, a list `[a, b]`, or several arguments `a, b`."""
    if call_style == "list":
        return "[" + ", ".join(sources) + "]"
    return ", ".join(sources)


_SAFE_FILENAME = re.compile(r"[\w.\- ]{1,80}")


def _docstring(graph: ModelGraph, title: str) -> str:
    source = Path(graph.spec.filename).name
    origin = f" from {source}" if _SAFE_FILENAME.fullmatch(source) else ""
    return f"Keras model {graph.name}: {title}.\n\nGenerated by modelgen{origin}. Edit the spec and regenerate.\n"


def module_view(
    graph: ModelGraph, title: str, imports: str, loads_weights: bool = False
) -> ModuleView:
    names: Names = assign_names(graph)
    uses = _Uses()
    uses("keras")  # every style builds a keras.Model or keras.Sequential
    views = []
    for node in graph.nodes:
        sources = [names.variables[s] for s in node.sources]
        reason = _build_in_init(node)
        arguments = _listing_for(node.entry.call_style, sources)
        if node.entry.is_operation:
            constructor = attribute = ""
            functional_call = subclass_call = _operation(node, arguments, uses)
        else:
            constructor = _constructor(node, uses)
            attribute = names.attributes[node.index]
            functional_call = f"{constructor}({arguments})"
            subclass_call = f"self.{attribute}({arguments})"
        views.append(
            NodeView(
                variable=names.variables[node.index],
                attribute=attribute,
                constructor=constructor,
                arguments=arguments,
                is_input=node.is_input,
                functional_call=functional_call,
                subclass_call=subclass_call,
                # (a graph whose shapes were never inferred renders without it)
                build_shape=literal(graph.facts[node.sources[0]].output_shape)
                if reason and graph.facts
                else "",
                build_reason=reason,
            )
        )
    lines = IMPORT_LINES[imports]
    input_variables = [names.variables[i] for i in graph.inputs]
    several = len(input_variables) > 1
    return ModuleView(
        model_name=literal(graph.name),
        class_name=names.class_name,
        docstring=_docstring(graph, title),
        imports=tuple(lines[name] for name in ("keras", "layers") if name in uses.names),
        inputs=tuple(views[i] for i in graph.inputs),
        layers=tuple(v for v in views if not v.is_input),
        inputs_expr=_listing(input_variables),
        outputs_expr=_listing([names.variables[i] for i in graph.outputs]),
        inputs_parameter=names.inputs_parameter if several else input_variables[0],
        unpack_inputs=", ".join(input_variables) if several else "",
        input_constructors=_listing([views[i].constructor for i in graph.inputs]),
        register_decorator=REGISTER_DECORATOR[imports],
        loads_weights=loads_weights,
        build_parameters="weights=None" if loads_weights else "",
    )


@functools.cache
def _environment() -> jinja2.Environment:
    return environment()


def render(
    graph: ModelGraph,
    template: str,
    title: str,
    imports: str = "keras",
    loads_weights: bool = False,
) -> str:
    """The unformatted module for `graph`, through `templates/<template>`."""
    view = module_view(graph, title, imports, loads_weights)
    return _environment().get_template(template).render(view=view)
