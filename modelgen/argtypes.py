"""Argument types of the catalogue: what a layer parameter accepts.

Each type checks one literal from the spec and gives the Python value that goes
into the generated code, or raises `ArgumentTypeError` with a message that says
what was expected and what was received. The names Keras accepts as strings
(activations, initializers, ...) were read off Keras 3.15.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from .errors import suggest
from .ir import CallData, KerasObject, Name, PyValue, Value, ValueKind

# Keras' other names for some initializers.
_ALIASES = {"uniform": "random_uniform", "normal": "random_normal", "zero": "zeros", "one": "ones"}


class ArgumentTypeError(Exception):
    def __init__(self, message: str, hint: str | None = None, at: Value | Name | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.at = at  # the part of the value to blame, when not all of it


# A quoted number, shape or constant: the quotes are the mistake.
_LITERAL = re.compile(
    r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|true|false|none|(\d+|\?)([xX](\d+|\?))+", re.I
)


def all_integers(value: Value) -> bool:
    """`value` is a tuple of integer literals."""
    return isinstance(value.data, tuple) and all(i.integer is not None for i in value.data)


def _received(value: Value) -> str:
    return f"Received: {value.text!r} ({value.kind.value})"


# The integers Keras takes. It keeps sizes and counts in 64 bits, so a larger literal
# cannot reach a tensor (validation refuses one anywhere, in every type). TensorFlow's
# kernels read strides, kernel and pool sizes, dilation rates and paddings as 32-bit
# attributes: past INT32_MAX, a convolution crashes the interpreter. And a seed must
# suit every backend's random generator: JAX and NumPy keep it as a uint32, PyTorch
# and OpenVINO as an int32, TensorFlow as an int64; so 0 to INT32_MAX.
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
SEED_MAX = INT32_MAX


def too_large(
    value: Value, low: int, high: int, what: str, hint: str | None = None
) -> ArgumentTypeError:
    """`value` is outside [low, high], the range of `what` ("seed every backend takes")."""
    shown = value.text if len(value.text) <= 24 else value.text[:20] + "..."
    number = value.integer
    assert number is not None, "only an integer literal is too large"
    more = number > high
    return ArgumentTypeError(
        f"{shown} is {'more' if more else 'less'} than {high if more else low}, "
        f"the {'largest' if more else 'smallest'} {what}",
        hint or f"use a value from {low} to {high}",
        value,
    )


class ArgType:
    """Base class: `description` for messages and `modelgen layers`, `example` for hints
    (a literal this type accepts, as the spec writes it), `coerce` to check."""

    @property
    def description(self) -> str:
        return "a value"

    @property
    def example(self) -> str:
        return ""

    def coerce(self, value: Value) -> PyValue:
        raise NotImplementedError

    def canonical(self, value: PyValue) -> PyValue:
        """The one form of a value among those that mean the same to Keras (`3` and `(3, 3)`
        for a 2D kernel), so that a spec and a Keras config can be compared."""
        return value

    def fail(self, value: Value, hint: str | None = None) -> ArgumentTypeError:
        return ArgumentTypeError(
            f"expected {self.description}. {_received(value)}", hint or self.hint_for(value)
        )

    def hint_for(self, value: Value) -> str | None:
        """What to write instead, when it is plain from what was written."""
        if value.kind is ValueKind.STRING and _LITERAL.fullmatch(str(value.data)):
            return f"write it without quotes: {value.data}"
        return None


@dataclass(frozen=True)
class Integer(ArgType):
    minimum: int | None = None
    maximum: int | None = None  # below INT64_MAX: a tighter limit Keras applies
    what: str = ""  # what has that limit, for messages: "a seed"

    @property
    def description(self) -> str:
        if self.maximum is not None:
            return f"an integer from {self.minimum} to {self.maximum}"
        if self.minimum == 1:
            return "a positive integer"
        if self.minimum == 0:
            return "a non-negative integer"
        return "an integer"

    @property
    def example(self) -> str:
        if self.minimum is None:
            return "-1"
        return "10" if self.minimum == 1 else str(self.minimum)

    def coerce(self, value: Value) -> PyValue:
        if value.kind is not ValueKind.INT:
            raise self.fail(value)
        assert isinstance(value.data, int)
        if self.minimum is not None and value.data < self.minimum:
            raise self.fail(value)
        if self.maximum is not None and value.data > self.maximum:
            raise too_large(value, self.minimum or 0, self.maximum, self.what)
        return value.data

    def hint_for(self, value: Value) -> str | None:
        number = value.data
        if isinstance(number, float) and abs(number) < 1e15 and number.is_integer():
            return f"write {int(number)}, without a decimal point"
        return super().hint_for(value)


@dataclass(frozen=True)
class Number(ArgType):
    minimum: float | None = None
    below: float | None = None  # exclusive upper bound
    preferred: str = ""  # the example hints give, when not one the bounds suggest

    @property
    def description(self) -> str:
        if self.minimum is not None and self.below is not None:
            return f"a number in [{self.minimum:g}, {self.below:g})"
        if self.minimum == 0:
            return "a non-negative number"
        if self.minimum is not None:
            return f"a number of {self.minimum:g} or more"
        return "a number"

    @property
    def example(self) -> str:
        if self.preferred:
            return self.preferred
        if self.minimum is not None and self.below is not None:
            return f"{(self.minimum + self.below) / 2:g}"
        if self.minimum is not None:
            return f"{max(self.minimum, 0.01):g}"
        return "0.5"

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
    example = "true"

    def coerce(self, value: Value) -> PyValue:
        if value.kind is not ValueKind.BOOL or not isinstance(value.data, bool):
            raise self.fail(value)
        return value.data


@dataclass(frozen=True)
class Text(ArgType):
    description = "a word or a quoted string"
    example = '"name"'

    def coerce(self, value: Value) -> PyValue:
        if value.kind not in (ValueKind.WORD, ValueKind.STRING) or not isinstance(value.data, str):
            raise self.fail(value)
        return value.data

    def hint_for(self, value: Value) -> str | None:
        if value.kind in (ValueKind.INT, ValueKind.FLOAT, ValueKind.BOOL, ValueKind.NONE):
            return f'quote it: "{value.text}"'
        return super().hint_for(value)


@dataclass(frozen=True)
class Choice(ArgType):
    """One of a fixed set of names, written as a word or a quoted string."""

    what: str
    options: tuple[str, ...]
    preferred: str = ""  # the example hints give, when not the first option
    # The option Keras saves for a parameter given none, which then means none (an
    # activation's "linear"; a data format's "channels_last", the backend's default).
    saved_for_none: str = ""

    def canonical(self, value: PyValue) -> PyValue:
        return _snake(value) if isinstance(value, str) else value

    @property
    def description(self) -> str:
        if len(self.options) <= 4:
            return f"{self.what}: " + ", ".join(self.options)
        return f"{self.what} name"

    @property
    def example(self) -> str:
        return self.preferred or self.options[0]

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
    maximum: int = INT32_MAX  # TensorFlow reads strides, sizes and rates in 32 bits

    @property
    def description(self) -> str:
        kind = "a positive integer" if self.minimum >= 1 else "a non-negative integer"
        if self.rank == 1:
            return f"{kind}, or a tuple of one such as (3,)"
        example = "x".join(["3"] * self.rank)
        return f"{kind} or {self.rank} of them such as {example}"

    @property
    def example(self) -> str:
        return "x".join(["3"] * self.rank) if self.rank > 1 else "3"

    def canonical(self, value: PyValue) -> PyValue:
        if isinstance(value, int) and not isinstance(value, bool):
            return (value,) * self.rank
        return value

    def coerce(self, value: Value) -> PyValue:
        items = (value,) if value.kind is ValueKind.INT else value.data
        if value.kind in (ValueKind.INT, ValueKind.TUPLE) and isinstance(items, tuple):
            if (value.kind is ValueKind.INT or len(items) == self.rank) and all(
                _at_least(i, self.minimum) for i in items
            ):
                for item in items:
                    if item.integer is not None and item.integer > self.maximum:
                        raise too_large(item, self.minimum, self.maximum, _INT32_WHAT)
                return value.python()
        raise self.fail(value)


_INT32_WHAT = "value TensorFlow takes for strides, sizes and rates (32 bits)"


def _at_least(value: Value, minimum: int) -> bool:
    """`value` is an integer literal of `minimum` or more."""
    return value.integer is not None and value.integer >= minimum


@dataclass(frozen=True)
class Dimensions(ArgType):
    """The dimensions of a tensor without the batch axis (its shape, written in a spec):
    `784`, `28x28`, `?x8`, `(28, 28, 1)`."""

    description = "a shape such as 28x28 or ?x8 (an integer per dimension, '?' for unknown)"
    example = "28x28"

    def coerce(self, value: Value) -> PyValue:
        if value.integer is not None and value.integer >= 1:
            return (value.integer,)
        if value.kind is ValueKind.TUPLE:
            items = value.data
            assert isinstance(items, tuple)
            if all(i.kind is ValueKind.NONE or _at_least(i, 1) for i in items):
                return value.python()
        raise self.fail(value)


@dataclass(frozen=True)
class TargetShape(ArgType):
    """A Reshape target: positive ints, with at most one -1 for "the rest"."""

    description = "a shape such as 7x4x16 or (7, -1)"
    example = "(7, -1)"

    def coerce(self, value: Value) -> PyValue:
        items = (value,) if value.kind is ValueKind.INT else value.data
        if value.kind in (ValueKind.INT, ValueKind.TUPLE) and isinstance(items, tuple):
            dims = [i.integer for i in items if i.integer is not None]
            if len(dims) == len(items) and all(d >= 1 or d == -1 for d in dims):
                if dims.count(-1) <= 1:
                    return tuple(dims)
        raise self.fail(value)


@dataclass(frozen=True)
class Axis(ArgType):
    description = "an axis (integer) or a tuple of axes"
    example = "-1"

    def canonical(self, value: PyValue) -> PyValue:
        if value is None:
            return ()
        if isinstance(value, int) and not isinstance(value, bool):
            return (value,)
        if not isinstance(value, tuple | str):  # what sorted() would refuse
            raise TypeError(f"{value!r} is not an axis or a tuple of axes")
        return tuple(sorted(value))  # type: ignore[type-var]  # a config's items may not order: TypeError, the importer's to report

    def coerce(self, value: Value) -> PyValue:
        if value.integer is not None:
            return value.integer
        if value.kind is ValueKind.TUPLE and all_integers(value):
            return value.python()
        raise self.fail(value)


@dataclass(frozen=True)
class Nullable(ArgType):
    """`inner`, or `none`."""

    inner: ArgType

    @property
    def description(self) -> str:
        return f"{self.inner.description}, or none"

    @property
    def example(self) -> str:
        return self.inner.example

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
# Bytes per number of each dtype a layer may take. Keras reads "int8" as a
# quantization policy and refuses it on every layer, so it is not offered.
DTYPE_ITEMSIZE = {
    "bool": 1, "uint8": 1, "int16": 2, "uint16": 2, "float16": 2, "bfloat16": 2,
    "int32": 4, "uint32": 4, "float32": 4, "int64": 8, "uint64": 8, "float64": 8,
}  # fmt: skip
DTYPE_NAMES = tuple(sorted(DTYPE_ITEMSIZE))

ACTIVATION = Choice("activation", ACTIVATION_NAMES, preferred="relu", saved_for_none="linear")
OPTIONAL_ACTIVATION = Nullable(ACTIVATION)
DTYPE = Choice("dtype", DTYPE_NAMES)
PADDING = Choice("padding", ("valid", "same"))
CONV1D_PADDING = Choice("padding", ("valid", "same", "causal"))
DATA_FORMAT = Nullable(
    Choice("data format", ("channels_last", "channels_first"), saved_for_none="channels_last")
)
BOOL = Boolean()
TEXT = Text()
INT = Integer()
POSITIVE_INT = Integer(minimum=1)
SEED = Nullable(
    Integer(
        minimum=0,
        maximum=SEED_MAX,
        what="seed every Keras backend takes (JAX keeps one as a uint32, PyTorch as an int32)",
    )
)
NUMBER = Number()
RATE = Number(minimum=0.0, below=1.0)
SHAPE = Dimensions()
TARGET_SHAPE = TargetShape()
AXIS = Axis()


# ---------------------------------------------------------------- Keras objects


@dataclass(frozen=True)
class Setting:
    """One constructor argument of a Keras initializer, regularizer or constraint."""

    name: str
    type: ArgType
    default: PyValue
    float32: bool = False  # Keras keeps it as a float32, and saves it so: 0.01 -> 0.00999...


@dataclass(frozen=True)
class ObjectClass:
    word: str  # how the spec names it: `variance_scaling`
    class_name: str  # Keras' class: `VarianceScaling`
    settings: tuple[Setting, ...]
    needs_settings: bool = False  # `constant` alone would be ambiguous: say `constant(0.5)`


def as_float32(number: float) -> float:
    """The shortest decimal that is the same float32 as `number`: 0.009999999776 -> 0.01."""
    (single,) = struct.unpack("f", struct.pack("f", number))
    for digits in range(1, 18):
        candidate = float(f"{single:.{digits}g}")
        if struct.unpack("f", struct.pack("f", candidate))[0] == single:
            return candidate
    return single


@dataclass(frozen=True)
class KerasObjects(ArgType):
    """An initializer, regularizer or constraint: a name with Keras' default settings
    (`he_normal`, written as a string in the code), or a name with settings
    (`variance_scaling(2.0, mode=fan_out)`, written as the Keras class)."""

    what: str  # "initializer"
    module: str  # "initializers": keras.initializers
    classes: tuple[ObjectClass, ...]

    @property
    def description(self) -> str:
        example = next(c for c in self.classes if c.settings)
        return f"{self.what} name, or one with settings such as {example.word}(...)"

    @property
    def example(self) -> str:
        chosen = next(c for c in self.classes if c.settings and not c.needs_settings)
        return chosen.word if self.what == "initializer" else _example_call(chosen)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(c.word for c in self.classes)

    def by_word(self, word: str) -> ObjectClass | None:
        return next((c for c in self.classes if c.word == word), None)

    def by_class(self, class_name: str) -> ObjectClass | None:
        word = _ALIASES.get(_snake(class_name), _snake(class_name))
        return next(
            (c for c in self.classes if class_name in (c.class_name, c.word) or c.word == word),
            None,
        )

    def _known(self, word: str, at: Value) -> ObjectClass:
        found = self.by_word(word)
        if found is None:
            raise ArgumentTypeError(
                f"unknown {self.what} {word!r}",
                suggest(word, self.words) or f"choose one of: {', '.join(self.words)}",
                at,
            )
        return found

    def coerce(self, value: Value) -> PyValue:
        if value.kind in (ValueKind.WORD, ValueKind.STRING):
            assert isinstance(value.data, str)
            if self._known(value.data, value).needs_settings:
                raise ArgumentTypeError(
                    f"the {value.data} {self.what} needs its settings",
                    f"e.g. {value.data}(0.5)",
                )
            return value.data
        if not isinstance(value.data, CallData):
            raise self.fail(value)
        call = value.data
        chosen = self._known(call.callee.text, value)
        given: dict[str, Value] = {}
        if len(call.positional) > len(chosen.settings):
            raise ArgumentTypeError(
                f"{chosen.word} takes at most {len(chosen.settings)} "
                + ("setting" if len(chosen.settings) == 1 else "settings"),
                f"its settings are: {_names(chosen)}",
                call.positional[len(chosen.settings)],
            )
        for setting, item in zip(chosen.settings, call.positional, strict=False):
            given[setting.name] = item
        for keyword in call.keywords:
            key = keyword.key.text
            if not any(s.name == key for s in chosen.settings):
                raise ArgumentTypeError(
                    f"{chosen.word} has no setting {key!r}",
                    suggest(key, [s.name for s in chosen.settings])
                    or f"its settings are: {_names(chosen)}",
                    keyword.key,
                )
            if key in given:
                raise ArgumentTypeError(
                    f"{chosen.word}: setting {key!r} is given twice",
                    "give each setting once",
                    keyword.key,
                )
            given[key] = keyword.value
        settings = []
        for setting in chosen.settings:  # Keras' order, whatever order the spec used
            if setting.name in given:
                item = given[setting.name]
                try:
                    settings.append((setting.name, setting.type.coerce(item)))
                except ArgumentTypeError as error:
                    raise ArgumentTypeError(
                        f"{chosen.word}({setting.name}=...): {error.message}",
                        error.hint or f"for example: {_example_call(chosen, setting)}",
                        error.at or item,
                    ) from None
        return KerasObject(self.module, chosen.class_name, tuple(settings))

    def canonical(self, value: PyValue) -> PyValue:
        """A name and an object with the same settings are one thing: the object, with
        only the settings that differ from Keras' defaults, at Keras' precision."""
        if isinstance(value, str):
            chosen = self.by_class(value)
            return KerasObject(self.module, chosen.class_name, ()) if chosen else value
        if not isinstance(value, KerasObject):
            return value
        chosen = self.by_class(value.class_name)
        if chosen is None:
            return value
        settings = []
        given = dict(value.settings)
        for setting in chosen.settings:
            if setting.name not in given:
                continue
            item = setting.type.canonical(given[setting.name])
            if setting.float32 and isinstance(item, float):
                item = as_float32(item)
            default = setting.type.canonical(setting.default)
            if setting.float32 and isinstance(default, float):
                default = as_float32(default)
            if item != default:
                settings.append((setting.name, item))
        return KerasObject(self.module, chosen.class_name, tuple(settings))


def _snake(class_name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", class_name).lower()


def _example_call(chosen: ObjectClass, setting: Setting | None = None) -> str:
    """`l2(0.01)`, or `random_normal(stddev=0.5)` to show one setting."""
    if setting is None:
        return f"{chosen.word}({chosen.settings[0].type.example})"
    return f"{chosen.word}({setting.name}={setting.type.example})"


def _names(chosen: ObjectClass) -> str:
    return ", ".join(s.name for s in chosen.settings) or "none"


def _objects(what: str, module: str, *classes: ObjectClass) -> KerasObjects:
    return KerasObjects(what, module, classes)


def _seeded(word: str, class_name: str, *settings: Setting) -> ObjectClass:
    return ObjectClass(word, class_name, (*settings, Setting("seed", SEED, None)))


_FAN_MODE = Choice("mode", ("fan_in", "fan_out", "fan_avg"))
_DISTRIBUTION = Choice("distribution", ("truncated_normal", "untruncated_normal", "uniform"))
_NON_NEGATIVE = Number(minimum=0.0)
_MEAN_AND_STDDEV = (Setting("mean", NUMBER, 0.0), Setting("stddev", NUMBER, 0.05))

# Read off Keras 3.15. Identity's gain is left out: Keras does not save it.
INITIALIZER = _objects(
    "initializer",
    "initializers",
    ObjectClass("constant", "Constant", (Setting("value", NUMBER, 0.0),), needs_settings=True),
    _seeded("glorot_normal", "GlorotNormal"),
    _seeded("glorot_uniform", "GlorotUniform"),
    _seeded("he_normal", "HeNormal"),
    _seeded("he_uniform", "HeUniform"),
    ObjectClass("identity", "Identity", ()),
    _seeded("lecun_normal", "LecunNormal"),
    _seeded("lecun_uniform", "LecunUniform"),
    ObjectClass("ones", "Ones", ()),
    _seeded("orthogonal", "Orthogonal", Setting("gain", NUMBER, 1.0)),
    _seeded("random_normal", "RandomNormal", *_MEAN_AND_STDDEV),
    _seeded(
        "random_uniform",
        "RandomUniform",
        Setting("minval", NUMBER, -0.05),
        Setting("maxval", NUMBER, 0.05),
    ),
    _seeded("truncated_normal", "TruncatedNormal", *_MEAN_AND_STDDEV),
    _seeded(
        "variance_scaling",
        "VarianceScaling",
        Setting("scale", Number(minimum=0.0), 1.0),
        Setting("mode", _FAN_MODE, "fan_in"),
        Setting("distribution", _DISTRIBUTION, "truncated_normal"),
    ),
    ObjectClass("zeros", "Zeros", ()),
)
REGULARIZER = Nullable(
    _objects(
        "regularizer",
        "regularizers",
        ObjectClass("l1", "L1", (Setting("l1", _NON_NEGATIVE, 0.01, float32=True),)),
        ObjectClass("l2", "L2", (Setting("l2", _NON_NEGATIVE, 0.01, float32=True),)),
        ObjectClass(
            "l1l2",
            "L1L2",
            (
                Setting("l1", _NON_NEGATIVE, 0.0, float32=True),
                Setting("l2", _NON_NEGATIVE, 0.0, float32=True),
            ),
        ),
        ObjectClass(
            "orthogonal_regularizer",
            "OrthogonalRegularizer",
            (
                Setting("factor", _NON_NEGATIVE, 0.01, float32=True),
                Setting("mode", Choice("mode", ("rows", "columns")), "rows"),
            ),
        ),
    )
)
CONSTRAINT = Nullable(
    _objects(
        "constraint",
        "constraints",
        ObjectClass(
            "max_norm",
            "MaxNorm",
            (Setting("max_value", _NON_NEGATIVE, 2), Setting("axis", AXIS, 0)),
        ),
        ObjectClass(
            "min_max_norm",
            "MinMaxNorm",
            (
                Setting("min_value", _NON_NEGATIVE, 0.0),
                Setting("max_value", _NON_NEGATIVE, 1.0),
                Setting("rate", _NON_NEGATIVE, 1.0),
                Setting("axis", AXIS, 0),
            ),
        ),
        ObjectClass("non_neg", "NonNeg", ()),
        ObjectClass("unit_norm", "UnitNorm", (Setting("axis", AXIS, 0),)),
    )
)
# Each object type by the keras module its classes live in: keras.initializers, ...
OBJECT_TYPES: dict[str, KerasObjects] = {
    kind.module: kind
    for kind in (INITIALIZER, REGULARIZER.inner, CONSTRAINT.inner)
    if isinstance(kind, KerasObjects)
}
