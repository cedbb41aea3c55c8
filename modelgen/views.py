"""What every style's view is built from: `graph.ModelGraph` -> the model as text.

`shared_view` makes the parts all four styles share: the Python names, literal
reprs, each layer's constructor call, each operation's `keras.ops` call and the
imports they use. Each style in `styles.py` builds its own view on it (only the
fields its template places), and `ModuleView` is what the module frame
(`templates/_module.py.j2`) places for every style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .catalogue import LayerEntry
from .graph import Argument, Block, LayerNode, ModelGraph
from .ir import KerasObject, Parameter, PyValue
from .naming import Names, assign_names


@dataclass(frozen=True)
class ImportFlavour:
    """How one `--imports` flavour spells what the generated code uses."""

    keras: str  # the line that imports `keras`
    layers: str  # the line that imports `layers`
    # tf.keras has no `keras.saving` module; `keras.utils` holds the same decorator in both.
    register_decorator: str  # what a subclass style's model class is registered with


# Every `--imports` flavour, by name; the first is the default.
FLAVOURS = {
    "keras": ImportFlavour(
        keras="import keras",
        layers="from keras import layers",
        register_decorator="keras.saving.register_keras_serializable",
    ),
    "tensorflow": ImportFlavour(
        keras="from tensorflow import keras",
        layers="from tensorflow.keras import layers",
        register_decorator="keras.utils.register_keras_serializable",
    ),
}


@dataclass(frozen=True)
class RenderOptions:
    """How the module is written, whatever the style."""

    imports: str = "keras"  # a key of FLAVOURS
    loads_weights: bool = False  # build_model(weights=None) loads a .weights.h5 file


def literal(value: PyValue) -> str:
    """A Python literal for a spec value; `repr` escapes every string safely.

    A Keras object with settings is its constructor: `keras.regularizers.L2(l2=0.0001)`
    (its module and class come from the catalogue's own table, never from the spec).
    """
    if isinstance(value, KerasObject):
        settings = ", ".join(f"{name}={literal(v)}" for name, v in value.settings)
        return f"keras.{value.module}.{value.class_name}({settings})"
    if isinstance(value, Parameter):  # in a block's class: the argument its __init__ takes
        return value.name
    if isinstance(value, tuple):
        items = ", ".join(literal(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    return repr(value)


def one_or_list(names: list[str]) -> str:
    """`x` for one name, `[a, b]` for several: how Keras takes inputs and outputs."""
    return names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"


def called_on(entry: LayerEntry, sources: list[str]) -> str:
    """What a layer is called on, as its catalogue entry says: `x`, a list `[a, b]`, or
    several arguments `a, b`."""
    if entry.call_style == "list":
        return "[" + ", ".join(sources) + "]"
    return ", ".join(sources)


class UsedNames:
    """The module-level names (`keras`, `layers`) the rendered body refers to."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def __call__(self, name: str) -> str:
        self.names.add(name)
        return name


@dataclass(frozen=True)
class NodeText:
    """One node as every style writes it."""

    variable: str  # holds its output in functional code and in the subclass's `call`
    attribute: str  # `self.<attribute>` in the subclass; "" for an input or an operation
    constructor: str  # `layers.Dense(300, activation="relu")`; "" for an operation
    sources: str  # what it is called on: `x`, `[input_1, hidden2]`; "" for an input
    operation: str  # `keras.ops.add(x, 3.0)`; "" for a layer
    # The subclass builds some layers in __init__ (see LayerEntry.build_in_init):
    # the input shape to build with, and why, as a comment; both "" for most layers.
    build_shape: str
    build_reason: str

    def applied(self) -> str:
        """The node applied to its sources, in one expression: `layers.Dense(300)(x)`,
        or `keras.ops.add(x, 3.0)`."""
        return self.operation or f"{self.constructor}({self.sources})"


@dataclass(frozen=True)
class BlockView:
    """A block's class, the same in every style: a `keras.layers.Layer` subclass."""

    class_name: str
    register_decorator: str
    signature: str  # what __init__ takes after self: `filters, stride=2, **kwargs`
    parameters: tuple[str, ...]  # kept as attributes
    config: str  # what get_config adds to Layer's: `{"filters": self.filters}`, or ""
    attributes: tuple[NodeText, ...]  # its layers, made in __init__
    symbolic_inputs: str  # what build calls `call` on, or "" (no layer to build)
    inputs_parameter: str  # the `call` argument
    unpack_inputs: str  # `a, b` for several inputs, or ""
    calls: tuple[NodeText, ...]  # the lines of `call`, sources first
    outputs: str  # what `call` returns


@dataclass(frozen=True)
class SharedView:
    """The model as text, the same for every style."""

    names: Names
    model_name: str  # as a Python literal
    inputs: tuple[NodeText, ...]
    layers: tuple[NodeText, ...]  # every non-input node, sources first
    outputs: tuple[str, ...]  # the variables holding the model's outputs
    imports: tuple[str, ...]  # the import lines for the names the text uses
    blocks: tuple[BlockView, ...] = ()  # the classes of the blocks it uses, inner ones first


@dataclass(frozen=True)
class ModuleView:
    """What the module frame places for every style: the docstring, the imports and
    `build_model`, which builds the model (`model = <expression>`), maybe loads weights,
    and returns it."""

    docstring: str
    imports: tuple[str, ...]
    blocks: tuple[BlockView, ...]  # the block classes, defined first
    build_parameters: str  # what build_model takes
    loads_weights: bool
    # `model = <expression>`; `return <expression>` when nothing follows building it
    model_statement: str
    returns_variable: bool  # build_model ends with `return model`


@dataclass(frozen=True)
class StyleView:
    """A style's view: the module frame, and (in each style's subclass) what its
    template places in it."""

    module: ModuleView


def _call(
    entry: LayerEntry,
    given: tuple[Argument, ...],
    label: str | None,
    uses: UsedNames,
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
    if entry.is_input:
        callee = f"{uses('keras')}.Input"
    elif entry.defined_here:
        callee = entry.class_name
    else:
        callee = f"{uses('layers')}.{entry.keyword}"
    return f"{callee}({', '.join(arguments)})"


def _constructor(node: LayerNode, uses: UsedNames, labels_name: bool = True) -> str:
    """`node`'s constructor call; its label is its `name=` unless it is in a block's body
    (`labels_name=False`), where a label names only the attribute and the variable."""
    arguments = []
    if node.wrapped is not None:
        arguments.append(_call(node.wrapped.entry, node.wrapped.arguments, None, uses))
    label = node.label if labels_name else None
    return _call(node.entry, node.arguments, label, uses, arguments)


def _operation(node: LayerNode, sources: str, uses: UsedNames) -> str:
    """`keras.ops.add(x, 3.0)`: the sources, then the arguments in catalogue order."""
    given = ", ".join(_in_call(argument.value) for argument in node.arguments)
    return f"{uses('keras')}.ops.{node.entry.operation}({sources}, {given})"


def _in_call(value: PyValue) -> str:
    """`literal`, as a block's `call` writes it: a parameter is the attribute `__init__` kept."""
    if isinstance(value, Parameter):
        return f"self.{value.name}"
    if isinstance(value, tuple):
        items = ", ".join(_in_call(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    return literal(value)


def _build_in_init(node: LayerNode) -> str:
    """Why the subclass must build `node` in __init__, itself or the layer it wraps; "" if not."""
    for entry in (node.entry, node.wrapped.entry if node.wrapped else None):
        if entry is not None and entry.build_in_init:
            return entry.build_in_init
    return ""


def _node_text(
    graph: ModelGraph, node: LayerNode, names: Names, uses: UsedNames, labels_name: bool = True
) -> NodeText:
    sources = called_on(node.entry, [names.variables[s] for s in node.sources])
    reason = _build_in_init(node)
    operation = node.entry.is_operation
    return NodeText(
        variable=names.variables[node.index],
        attribute="" if operation else names.attributes[node.index],
        constructor="" if operation else _constructor(node, uses, labels_name),
        sources=sources,
        operation=_operation(node, sources, uses) if operation else "",
        # (a graph whose shapes were never inferred renders without it)
        build_shape=literal(graph.facts[node.sources[0]].output_shape)
        if reason and graph.facts
        else "",
        build_reason=reason,
    )


def shared_view(graph: ModelGraph, options: RenderOptions) -> SharedView:
    """Names, constructor and operation calls for every node, then the imports they used."""
    names = assign_names(graph)
    uses = UsedNames()
    uses("keras")  # every style builds a keras.Model or keras.Sequential
    texts = [_node_text(graph, node, names, uses) for node in graph.nodes]
    flavour = FLAVOURS[options.imports]
    blocks = tuple(block_view(block, flavour, uses) for block in graph.blocks())
    return SharedView(
        names=names,
        model_name=literal(graph.name),
        inputs=tuple(texts[i] for i in graph.inputs),
        layers=tuple(texts[node.index] for node in graph.nodes if not node.is_input),
        outputs=tuple(names.variables[i] for i in graph.outputs),
        imports=tuple(
            line
            for name, line in (("keras", flavour.keras), ("layers", flavour.layers))
            if name in uses.names
        ),
        blocks=blocks,
    )


def _saved(name: str, takes_objects: bool, uses: UsedNames) -> str:
    """How get_config saves a parameter: as it is, or serialized when it may be a Keras
    object (a regularizer), which a config holds as its class and settings."""
    if takes_objects:
        return f"{uses('keras')}.utils.serialize_keras_object(self.{name})"
    return f"self.{name}"


def block_view(block: Block, flavour: ImportFlavour, uses: UsedNames) -> BlockView:
    """A block's class: made once, however often the model uses the block."""
    body = block.body
    names = assign_names(body, frozenset(p.name for p in block.params))
    texts = [_node_text(body, node, names, uses, labels_name=False) for node in body.nodes]
    uses("layers")  # its base class
    inputs = [names.variables[i] for i in body.inputs]
    several = len(inputs) > 1
    signature = [p.name if p.required else f"{p.name}={literal(p.default)}" for p in block.params]
    layers = tuple(texts[node.index] for node in body.nodes if not node.is_input)
    symbolic = (
        "[keras.KerasTensor(shape) for shape in input_shape]"
        if several
        else "keras.KerasTensor(input_shape)"
    )
    return BlockView(
        class_name=block.class_name,
        register_decorator=flavour.register_decorator,
        signature=", ".join([*signature, "**kwargs"]),
        parameters=tuple(p.name for p in block.params),
        config="{"
        + ", ".join(f"{p.name!r}: {_saved(p.name, p.takes_objects, uses)}" for p in block.params)
        + "}"
        if block.params
        else "",
        attributes=tuple(text for text in layers if not text.operation),
        symbolic_inputs=symbolic if any(not text.operation for text in layers) else "",
        inputs_parameter=names.inputs_parameter if several else inputs[0],
        unpack_inputs=", ".join(inputs) if several else "",
        calls=layers,
        outputs=one_or_list([names.variables[i] for i in body.outputs]),
    )


_SAFE_FILENAME = re.compile(r"[\w.\- ]{1,80}")


def docstring(graph: ModelGraph, title: str) -> str:
    source = Path(graph.spec.filename).name
    origin = f" from {source}" if _SAFE_FILENAME.fullmatch(source) else ""
    return f"Keras model {graph.name}: {title}.\n\nGenerated by modelgen{origin}. Edit the spec and regenerate.\n"


def module_view(
    graph: ModelGraph,
    shared: SharedView,
    title: str,
    options: RenderOptions,
    expression: str,
    more_statements: bool,
) -> ModuleView:
    """The frame around a style's code: `model = expression`, then (if `more_statements`)
    the style's statements using `model`. With nothing after it, not even loading
    weights, build_model returns the expression at once."""
    returns_at_once = not more_statements and not options.loads_weights
    return ModuleView(
        docstring=docstring(graph, title),
        imports=shared.imports,
        blocks=shared.blocks,
        build_parameters="weights=None" if options.loads_weights else "",
        loads_weights=options.loads_weights,
        model_statement=f"return {expression}" if returns_at_once else f"model = {expression}",
        returns_variable=not returns_at_once,
    )
