"""Argument types of the catalogue: what a layer parameter accepts.

Each type checks one literal from the spec and gives the Python value that goes
into the generated code, or raises `ArgumentTypeError` with a message that says
what was expected and what was received. The names Keras accepts as strings
(activations, initializers, ...) were read off Keras 3.15.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import suggest
from .ir import PyValue, Value, ValueKind

_ALIASES = {"uniform": "random_uniform", "normal": "random_normal", "zero": "zeros", "one": "ones"}


class ArgumentTypeError(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def _received(value: Value) -> str:
    return f"Received: {value.text!r} ({value.kind.value})"


class ArgType:
    """Base class: `describe` for messages and `modelgen layers`, `coerce` to check."""

    description = "a value"

    def coerce(self, value: Value) -> PyValue:
        raise NotImplementedError

    def canonical(self, value: PyValue) -> PyValue:
        """The one form of a value among those that mean the same to Keras (`3` and `(3, 3)`
        for a 2D kernel), so that a spec and a Keras config can be compared."""
        return value

    def fail(self, value: Value, hint: str | None = None) -> ArgumentTypeError:
        return ArgumentTypeError(f"expected {self.description}. {_received(value)}", hint)


@dataclass(frozen=True)
class Integer(ArgType):
    minimum: int | None = None

    @property
    def description(self) -> str:  # type: ignore[override]
        if self.minimum == 1:
            return "a positive integer"
        if self.minimum == 0:
            return "a non-negative integer"
        return "an integer"

    def coerce(self, value: Value) -> PyValue:
        if value.kind is not ValueKind.INT:
            raise self.fail(value)
        assert isinstance(value.data, int)
        if self.minimum is not None and value.data < self.minimum:
            raise self.fail(value)
        return value.data


@dataclass(frozen=True)
class Number(ArgType):
    minimum: float | None = None
    below: float | None = None  # exclusive upper bound

    @property
    def description(self) -> str:  # type: ignore[override]
        if self.minimum is not None and self.below is not None:
            return f"a number in [{self.minimum:g}, {self.below:g})"
        return "a number"

    def coerce(self, value: Value) -> PyValue:
        if value.kind not in (ValueKind.INT, ValueKind.FLOAT):
            raise self.fail(value)
        number = value.data
        assert isinstance(number, (int, float))
        if (self.minimum is not None and number < self.minimum) or (
            self.below is not None and number >= self.below
        ):
            raise self.fail(value)
        return number


@dataclass(frozen=True)
class Boolean(ArgType):
    description = "true or false"

    def coerce(self, value: Value) -> PyValue:
        if value.kind is not ValueKind.BOOL:
            raise self.fail(value)
        return value.data  # type: ignore[return-value]


@dataclass(frozen=True)
class Text(ArgType):
    description = "a word or a quoted string"

    def coerce(self, value: Value) -> PyValue:
        if value.kind not in (ValueKind.WORD, ValueKind.STRING):
            raise self.fail(value)
        return value.data  # type: ignore[return-value]


@dataclass(frozen=True)
class Choice(ArgType):
    """One of a fixed set of names, written as a word or a quoted string."""

    what: str
    options: tuple[str, ...]

    def canonical(self, value: PyValue) -> PyValue:
        if isinstance(value, str):
            # Keras' other spellings of the same object: "Zeros", "uniform", ...
            word = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", value).lower()
            return _ALIASES.get(word, word)
        return value

    @property
    def description(self) -> str:  # type: ignore[override]
        if len(self.options) <= 4:
            return f"{self.what}: " + ", ".join(self.options)
        return f"{self.what} name"

    def coerce(self, value: Value) -> PyValue:
        if value.kind not in (ValueKind.WORD, ValueKind.STRING):
            raise self.fail(value)
        assert isinstance(value.data, str)
        if value.data not in self.options:
            raise ArgumentTypeError(
                f"unknown {self.what} {value.data!r}",
                suggest(value.data, self.options) or f"choose one of: {', '.join(self.options)}",
            )
        return value.data


@dataclass(frozen=True)
class IntTuple(ArgType):
    """An int, or a tuple of `rank` ints (`3`, `3x3`, `(1, 2)`); what Keras calls `int or tuple`."""

    rank: int
    minimum: int = 1

    @property
    def description(self) -> str:  # type: ignore[override]
        kind = "a positive integer" if self.minimum >= 1 else "a non-negative integer"
        if self.rank == 1:
            return f"{kind}, or a tuple of one such as (3,)"
        example = "x".join(["3"] * self.rank)
        return f"{kind} or {self.rank} of them such as {example}"

    def canonical(self, value: PyValue) -> PyValue:
        if isinstance(value, int) and not isinstance(value, bool):
            return (value,) * self.rank
        return value

    def coerce(self, value: Value) -> PyValue:
        if value.kind is ValueKind.INT:
            if value.data < self.minimum:  # type: ignore[operator]
                raise self.fail(value)
            return value.data
        if value.kind is ValueKind.TUPLE:
            items = value.data
            assert isinstance(items, tuple)
            if len(items) == self.rank and all(
                i.kind is ValueKind.INT and i.data >= self.minimum  # type: ignore[operator]
                for i in items
            ):
                return value.python()
        raise self.fail(value)


@dataclass(frozen=True)
class Shape(ArgType):
    """A tensor shape without the batch axis: `784`, `28x28`, `?x8`, `(28, 28, 1)`."""

    description = "a shape such as 28x28 or ?x8 (an integer per dimension, '?' for unknown)"

    def coerce(self, value: Value) -> PyValue:
        if value.kind is ValueKind.INT and value.data >= 1:  # type: ignore[operator]
            return (value.data,)
        if value.kind is ValueKind.TUPLE:
            items = value.data
            assert isinstance(items, tuple)
            if all(
                i.kind is ValueKind.NONE or (i.kind is ValueKind.INT and i.data >= 1)  # type: ignore[operator]
                for i in items
            ):
                return value.python()
        raise self.fail(value)


@dataclass(frozen=True)
class TargetShape(ArgType):
    """A Reshape target: positive ints, with at most one -1 for "the rest"."""

    description = "a shape such as 7x4x16 or (7, -1)"

    def coerce(self, value: Value) -> PyValue:
        items = (value,) if value.kind is ValueKind.INT else value.data
        if value.kind in (ValueKind.INT, ValueKind.TUPLE) and isinstance(items, tuple):
            dims = [i.data for i in items if i.kind is ValueKind.INT]
            if len(dims) == len(items) and all(d >= 1 or d == -1 for d in dims):  # type: ignore[operator]
                if dims.count(-1) <= 1:
                    return tuple(dims)  # type: ignore[arg-type]
        raise self.fail(value)


@dataclass(frozen=True)
class Axis(ArgType):
    description = "an axis (integer) or a tuple of axes"

    def canonical(self, value: PyValue) -> PyValue:
        if value is None:
            return ()
        if isinstance(value, int) and not isinstance(value, bool):
            return (value,)
        return tuple(sorted(value))  # type: ignore[arg-type]

    def coerce(self, value: Value) -> PyValue:
        if value.kind is ValueKind.INT:
            return value.data  # type: ignore[return-value]
        if value.kind is ValueKind.TUPLE and all(
            i.kind is ValueKind.INT
            for i in value.data  # type: ignore[union-attr]
        ):
            return value.python()
        raise self.fail(value)


@dataclass(frozen=True)
class Optional(ArgType):
    """`inner`, or `none`."""

    inner: ArgType

    @property
    def description(self) -> str:  # type: ignore[override]
        return f"{self.inner.description}, or none"

    def canonical(self, value: PyValue) -> PyValue:
        if value is None:
            return self.inner.canonical(None) if isinstance(self.inner, Axis) else None
        return self.inner.canonical(value)

    def coerce(self, value: Value) -> PyValue:
        if value.kind is ValueKind.NONE:
            return None
        try:
            return self.inner.coerce(value)
        except ArgumentTypeError as error:
            if error.message.startswith("expected "):
                raise self.fail(value, error.hint) from None
            raise


ACTIVATION_NAMES = (
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus",
    "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh",
    "tanh_shrink", "threshold",
)  # fmt: skip
# "constant" is left out: Keras cannot make it from its name alone (it needs a value).
INITIALIZER_NAMES = (
    "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity",
    "lecun_normal", "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform",
    "truncated_normal", "variance_scaling", "zeros",
)  # fmt: skip
REGULARIZER_NAMES = ("l1", "l2", "l1l2", "orthogonal_regularizer")
CONSTRAINT_NAMES = ("max_norm", "min_max_norm", "non_neg", "unit_norm")
# Bytes per number of each dtype a layer may take. Keras reads "int8" as a
# quantization policy and refuses it on every layer, so it is not offered.
DTYPE_ITEMSIZE = {
    "bool": 1, "uint8": 1, "int16": 2, "uint16": 2, "float16": 2, "bfloat16": 2,
    "int32": 4, "uint32": 4, "float32": 4, "int64": 8, "uint64": 8, "float64": 8,
}  # fmt: skip
DTYPE_NAMES = tuple(sorted(DTYPE_ITEMSIZE))

ACTIVATION = Choice("activation", ACTIVATION_NAMES)
OPTIONAL_ACTIVATION = Optional(ACTIVATION)
INITIALIZER = Choice("initializer", INITIALIZER_NAMES)
REGULARIZER = Optional(Choice("regularizer", REGULARIZER_NAMES))
CONSTRAINT = Optional(Choice("constraint", CONSTRAINT_NAMES))
DTYPE = Choice("dtype", DTYPE_NAMES)
PADDING = Choice("padding", ("valid", "same"))
CONV1D_PADDING = Choice("padding", ("valid", "same", "causal"))
DATA_FORMAT = Optional(Choice("data format", ("channels_last", "channels_first")))
BOOL = Boolean()
TEXT = Text()
INT = Integer()
POSITIVE_INT = Integer(minimum=1)
SEED = Optional(Integer(minimum=0))
NUMBER = Number()
RATE = Number(minimum=0.0, below=1.0)
SHAPE = Shape()
TARGET_SHAPE = TargetShape()
AXIS = Axis()
