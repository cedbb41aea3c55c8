"""What a catalogue entry is made of.

A `LayerEntry` is data: the Keras class name and aliases, the constructor's
parameters in order (each with its type and Keras' default), how many inputs the
layer reads and how it is called on them, and two rules:

* `shape_rule(call) -> Shape` gives the output shape, or raises `ShapeError` for
  what Keras would refuse, saying what was expected and what was received;
* `param_rule(call) -> list[Weight]` gives the weights the layer creates.

Both rules receive a `Call`: the layer's arguments with every default filled in,
and the shapes of its inputs. They compute exactly what Keras computes; tests
build every entry in Keras to prove it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from .. import argtypes as t
from ..argtypes import ArgType
from ..ir import PyValue, Shape, Weight

NO_DEFAULT = object()  # a required parameter


class ShapeError(Exception):
    """What Keras would refuse. `argument` names the parameter to point at, if one is to blame;
    `hint` says what to change, when the rule knows (else the error shows where the input
    came from)."""

    def __init__(self, message: str, argument: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.argument = argument
        self.hint = hint


@dataclass(frozen=True)
class Param:
    """A constructor parameter.

    `positional`: it may be given without `key=` in the DSL, in constructor order.
    `required`: Keras has no default for it; the code passes it positionally.
    `default`: Keras' default, which the rules see when the spec leaves it out.
    """

    name: str
    type: ArgType
    positional: bool = False
    required: bool = False
    default: PyValue | object = None


def required(name: str, type_: ArgType) -> Param:
    return Param(name, type_, positional=True, required=True, default=NO_DEFAULT)


def positional(name: str, type_: ArgType, default: PyValue = None) -> Param:
    return Param(name, type_, positional=True, default=default)


def keyword(name: str, type_: ArgType, default: PyValue = None) -> Param:
    return Param(name, type_, default=default)


@dataclass(frozen=True)
class Call:
    """One application of a layer, as the rules see it."""

    entry: LayerEntry
    args: Mapping[str, PyValue]  # every parameter, defaults filled in
    inputs: tuple[Shape, ...]
    inner: Call | None = None  # the wrapped layer of a wrapper

    def __getitem__(self, name: str) -> PyValue:
        return self.args[name]

    @property
    def input(self) -> Shape:
        """The only input's shape, for layers that read one."""
        return self.inputs[0]


ShapeRule = Callable[[Call], Shape]
ParamRule = Callable[[Call], list[Weight]]
CallStyle = Literal["single", "list", "args"]
# (saved config, input shapes) -> {key: the value Keras saves when a spec leaves it out}
SavedDefaults = Callable[[Mapping, list], Mapping]


def no_weights(call: Call) -> list[Weight]:
    return []


def same_shape(call: Call) -> Shape:
    return call.input


@dataclass(frozen=True)
class LayerEntry:
    keyword: str  # the Keras class name
    params: tuple[Param, ...]
    shape_rule: ShapeRule
    param_rule: ParamRule = no_weights
    min_inputs: int = 1
    max_inputs: int | None = 1  # None: any number
    call_style: CallStyle = "single"  # layer(x), layer([a, b]) or layer(a, b)
    aliases: tuple[str, ...] = ()
    summary: str = ""
    wraps: tuple[str, ...] = ()  # a wrapper: the keywords of the layers it may wrap
    example: str = ""  # a statement that uses it, for docs and `modelgen layers NAME`
    # Why a subclassed keras.Model must build this layer in __init__, before Keras
    # traces call() ("" if it need not): the subclass style says so in a comment.
    build_in_init: str = ""
    # A Keras operation rather than a layer: the `keras.ops` function that applies it,
    # `keras.ops.add(x, 3.0)`, and the class Keras' summary shows for it (`Add`).
    operation: str = ""
    operation_class: str = ""
    # Other classes Keras records for the same operation: `x / 2` is a TrueDivide.
    recorded_as: tuple[str, ...] = ()
    # What the importer needs to account for every key of a saved config and every
    # argument of a saved call (a test holds these against the installed Keras):
    # config keys that are not parameters the DSL writes, each with the values that
    # mean what leaving it out means;
    saved_settings: tuple[tuple[str, tuple], ...] = ()
    # the values Keras saves for keys a spec left out when it computes them from the
    # rest of the config and the input shapes (pooling's strides are its pool_size);
    saved_defaults: SavedDefaults | None = None
    # parameters Keras saves exactly as given, where equal values save differently
    # (Softmax's axis: 1 or [1]): written, and compared with the default, as saved;
    saved_as_given: tuple[str, ...] = ()
    # the call's tensor parameters, which the sources give, and its other arguments,
    # each with the values that mean what a call that leaves it out means.
    call_inputs: tuple[str, ...] = ("inputs",)
    call_arguments: tuple[tuple[str, tuple], ...] = ()

    @property
    def class_name(self) -> str:
        """The class Keras shows for it in a summary and saves in a config."""
        return self.operation_class or self.keyword

    @property
    def is_operation(self) -> bool:
        return bool(self.operation)

    @property
    def is_input(self) -> bool:
        return self.max_inputs == 0

    @property
    def is_wrapper(self) -> bool:
        return bool(self.wraps)

    @property
    def positional_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.positional)

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def defaults(self) -> dict[str, PyValue]:
        return {p.name: p.default for p in self.params if p.default is not NO_DEFAULT}  # type: ignore[misc]

    @property
    def arity(self) -> str:
        if self.max_inputs == self.min_inputs:
            return str(self.min_inputs)
        if self.max_inputs is None:
            return f"{self.min_inputs}+"
        return f"{self.min_inputs}-{self.max_inputs}"


# Every layer also takes these (keras.layers.Layer's own keyword arguments).
COMMON = (
    keyword("name", t.TEXT),
    keyword("dtype", t.DTYPE),
    keyword("trainable", t.BOOL, True),
)
# Keys any layer's config may hold for Keras' quantization and LoRA, with the values of
# a layer that uses neither.
COMMON_SAVED: tuple[tuple[str, tuple], ...] = (
    ("quantization_config", (None,)),
    ("lora_rank", (None,)),
    ("lora_alpha", (None,)),
    ("lora_enabled", (False,)),
)
# Call arguments many layers take. Keras saves a call that leaves `training` out with
# the signature's default (Dropout's False); a functional model replaces a saved None
# or False by the training flag it is called with, or runs the layer in inference
# mode. Only `training=True` differs.
TRAINING: tuple[str, tuple] = ("training", (None, False))
MASK: tuple[str, tuple] = ("mask", (None,))


def layer(
    keyword_: str,
    *params: Param,
    shape: ShapeRule,
    weights: ParamRule = no_weights,
    inputs: tuple[int, int | None] = (1, 1),
    call_style: CallStyle | None = None,
    aliases: tuple[str, ...] = (),
    summary: str = "",
    wraps: tuple[str, ...] = (),
    example: str = "",
    build_in_init: str = "",
    saved_settings: tuple[tuple[str, tuple], ...] = (),
    saved_defaults: SavedDefaults | None = None,
    saved_as_given: tuple[str, ...] = (),
    call_inputs: tuple[str, ...] = ("inputs",),
    call_arguments: tuple[tuple[str, tuple], ...] = (),
) -> LayerEntry:
    """A catalogue entry; the common keyword arguments are added to `params`, the common
    saved settings to `saved_settings`."""
    style: CallStyle = call_style or ("single" if inputs[1] == 1 else "list")
    return LayerEntry(
        keyword_,
        params + COMMON,
        shape,
        weights,
        inputs[0],
        inputs[1],
        style,
        aliases,
        summary,
        wraps,
        example,
        build_in_init,
        saved_settings=saved_settings + COMMON_SAVED,
        saved_defaults=saved_defaults,
        saved_as_given=saved_as_given,
        call_inputs=call_inputs,
        call_arguments=call_arguments,
    )


def regularizers_and_constraints(*prefixes: str) -> tuple[Param, ...]:
    """The regularizer and constraint keywords of a layer with weights named by `prefixes`."""
    params = [keyword(f"{p}_regularizer", t.REGULARIZER) for p in prefixes]
    params.append(keyword("activity_regularizer", t.REGULARIZER))
    params += [keyword(f"{p}_constraint", t.CONSTRAINT) for p in prefixes]
    return tuple(params)
