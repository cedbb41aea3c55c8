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

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeGuard

from ..argtypes import BOOL, CONSTRAINT, DTYPE, REGULARIZER, TEXT, ArgType
from ..ir import PyValue, Shape, Weight


class NoDefault(enum.Enum):
    """The default of a required parameter: Keras has none."""

    NO_DEFAULT = "no default"


NO_DEFAULT = NoDefault.NO_DEFAULT


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
    `example`: the literal a hint shows for it, when not its type's (a filter count: 16).
    """

    name: str
    type: ArgType
    positional: bool = False
    required: bool = False
    default: PyValue | NoDefault = None
    example: str = ""


def required(name: str, type_: ArgType, example: str = "") -> Param:
    return Param(name, type_, positional=True, required=True, default=NO_DEFAULT, example=example)


def positional(name: str, type_: ArgType, default: PyValue = None) -> Param:
    return Param(name, type_, positional=True, default=default)


def keyword(name: str, type_: ArgType, default: PyValue = None) -> Param:
    return Param(name, type_, default=default)


def _is_int(value: PyValue) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def int_tuple(value: PyValue, rank: int, name: str) -> tuple[int, ...]:
    """An `int or tuple` value as a tuple: an int stands for `rank` of itself.

    `TypeError` naming the parameter `name` if it is neither (a catalogue bug: the
    parameter's argument type lets only these through)."""
    items = value if isinstance(value, tuple) else (value,) * rank
    if not all(_is_int(item) for item in items):
        raise TypeError(f"parameter {name!r} is {value!r}, not an int or a tuple of ints")
    return tuple(item for item in items if _is_int(item))


@dataclass(frozen=True)
class Call:
    """One application of a layer, as the rules see it.

    The rules read its arguments through the typed accessors below (`call.int("units")`,
    `call.ints("kernel_size", rank)`, ...), which check what the parameter's argument
    type guarantees and raise `TypeError` naming the parameter if it does not hold;
    `args` gives the raw values, for messages that show them as written.
    """

    entry: LayerEntry
    args: Mapping[str, PyValue]  # every parameter, defaults filled in
    inputs: tuple[Shape, ...]
    inner: Call | None = None  # the wrapped layer of a wrapper

    @property
    def input(self) -> Shape:
        """The only input's shape, for layers that read one."""
        return self.inputs[0]

    def _wrong(self, name: str, expected: str) -> TypeError:
        return TypeError(
            f"{self.entry.keyword}: parameter {name!r} is {self.args[name]!r}, not {expected}"
        )

    def optional_int(self, name: str) -> int | None:
        value = self.args[name]
        if value is None or _is_int(value):
            return value
        raise self._wrong(name, "an int or None")

    def flag(self, name: str) -> bool:
        value = self.args[name]
        if isinstance(value, bool):
            return value
        raise self._wrong(name, "true or false")

    def word(self, name: str) -> str:
        value = self.args[name]
        if isinstance(value, str):
            return value
        raise self._wrong(name, "a string")

    def ints(self, name: str, rank: int) -> tuple[int, ...]:
        """An `int or tuple` parameter (kernel_size, strides, ...) as a tuple: an int
        stands for `rank` of itself, as in Keras."""
        return int_tuple(self.args[name], rank, name)

    def optional_ints(self, name: str, rank: int) -> tuple[int, ...] | None:
        return None if self.args[name] is None else self.ints(name, rank)

    def shape(self, name: str) -> Shape:
        """A shape parameter: a tuple of sizes, None for unknown."""
        value = self.args[name]
        if isinstance(value, tuple) and all(d is None or _is_int(d) for d in value):
            return tuple(d for d in value if d is None or _is_int(d))
        raise self._wrong(name, "a tuple of ints and Nones")

    def sizes(self, name: str) -> tuple[int, ...]:
        """A tuple of ints: a Reshape target, an output shape of known sizes."""
        value = self.args[name]
        if isinstance(value, tuple) and all(_is_int(d) for d in value):
            return tuple(d for d in value if _is_int(d))
        raise self._wrong(name, "a tuple of ints")

    def optional_sizes(self, name: str) -> tuple[int, ...] | None:
        return None if self.args[name] is None else self.sizes(name)

    def axes(self, name: str) -> tuple[int, ...]:
        """An `axis` parameter (an int, a tuple of ints, or None for none) as a tuple."""
        value = self.args[name]
        if value is None:
            return ()
        if _is_int(value):
            return (value,)
        return self.sizes(name)

    # Last: below it, `int` in an annotation would name this method, not the type.
    def int(self, name: str) -> int:
        value = self.args[name]
        if _is_int(value):
            return value
        raise self._wrong(name, "an int")


ShapeRule = Callable[[Call], Shape]
ParamRule = Callable[[Call], list[Weight]]
CallStyle = Literal["single", "list", "args"]
# (saved config, input shapes) -> {key: the value Keras saves when a spec leaves it out}
SavedDefaults = Callable[[Mapping, list], Mapping]


def no_weights(call: Call) -> list[Weight]:
    return []


def same_shape(call: Call) -> Shape:
    return call.input


ANY_ONE_INPUT = ("*",)  # `wraps` of a wrapper that takes any layer reading one input


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
    # `keras.ops.add(x, 3.0)`.
    operation: str = ""
    # The class Keras shows in a summary and saves in a config, when not the keyword:
    # an Input is an InputLayer, `add_constant` an Add.
    saved_class: str = ""
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
    # What a project's data.py (`modelgen init`) makes for the model: the parameter that
    # bounds the integer ids the layer reads (Embedding's input_dim), and
    ids_below: str = ""
    # the activation the layer applies itself, with the parameter naming its axis
    # (Softmax's ("softmax", "axis")): over the last axis, the output holds classes.
    applies_activation: tuple[str, str] | None = None
    # It reads a query and a value (an attention layer): one source read as both is
    # self-attention, which the arity error says how to write.
    reads_query_and_value: bool = False
    # A class the generated module defines itself (a block's), called by its class name
    # rather than as `layers.<keyword>`.
    defined_here: bool = False

    @property
    def class_name(self) -> str:
        """The class Keras shows for it in a summary and saves in a config."""
        return self.saved_class or self.keyword

    @property
    def is_operation(self) -> bool:
        return bool(self.operation)

    @property
    def is_input(self) -> bool:
        return self.max_inputs == 0

    @property
    def is_wrapper(self) -> bool:
        return bool(self.wraps)

    def may_wrap(self, inner: LayerEntry) -> bool:
        """Whether this wrapper may wrap the layer `inner`."""
        if self.wraps == ANY_ONE_INPUT:
            return not (inner.is_input or inner.is_wrapper or inner.min_inputs != 1)
        return inner.keyword in self.wraps

    @property
    def wrappable(self) -> str:
        """The layers this wrapper may wrap, in words: `any layer that reads one input`,
        `lstm, gru` (its error and `modelgen layers NAME` say it so)."""
        if self.wraps == ANY_ONE_INPUT:
            return "any layer that reads one input"
        return ", ".join(w.lower() for w in self.wraps)

    @property
    def positional_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.positional)

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def defaults(self) -> dict[str, PyValue]:
        return {p.name: p.default for p in self.params if p.default is not NO_DEFAULT}

    @property
    def arity(self) -> str:
        """How many inputs it reads, in short (`modelgen layers`, docs/dsl.md): 1, 2+, 2-3."""
        return self.inputs_read()

    def inputs_read(self, or_more: str = "+", to: str = "-") -> str:
        """How many inputs it reads: `arity`, or in words for a message with
        `or_more=" or more"` and `to=" to "` (2 or more, 2 to 3)."""
        if self.max_inputs == self.min_inputs:
            return str(self.min_inputs)
        if self.max_inputs is None:
            return f"{self.min_inputs}{or_more}"
        return f"{self.min_inputs}{to}{self.max_inputs}"

    def reads(self, count: int) -> bool:
        """Whether it may read `count` inputs."""
        return self.min_inputs <= count and (self.max_inputs is None or count <= self.max_inputs)


# Every layer also takes these (keras.layers.Layer's own keyword arguments).
COMMON = (
    keyword("name", TEXT),
    keyword("dtype", DTYPE),
    keyword("trainable", BOOL, True),
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
    ids_below: str = "",
    applies_activation: tuple[str, str] | None = None,
    reads_query_and_value: bool = False,
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
        ids_below=ids_below,
        applies_activation=applies_activation,
        reads_query_and_value=reads_query_and_value,
    )


def regularizers_and_constraints(*prefixes: str) -> tuple[Param, ...]:
    """The regularizer and constraint keywords of a layer with weights named by `prefixes`."""
    params = [keyword(f"{p}_regularizer", REGULARIZER) for p in prefixes]
    params.append(keyword("activity_regularizer", REGULARIZER))
    params += [keyword(f"{p}_constraint", CONSTRAINT) for p in prefixes]
    return tuple(params)
