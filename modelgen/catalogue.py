"""The layer catalogue: one declarative entry per Keras layer.

An entry says what the DSL accepts for a layer and how the code names it: its
keyword (the Keras class name, matched case-insensitively) and aliases, its
parameters in the Keras constructor's order with their types, which of them may be
given positionally, and how many inputs the layer takes. Adding a layer means
adding an entry here; the parser, validator, renderer and CLI read the data.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import argtypes as t
from .argtypes import ArgType


@dataclass(frozen=True)
class Param:
    """A constructor parameter.

    `positional`: it may be given without `key=` in the DSL, in constructor order.
    `required`: Keras has no default for it; the code passes it positionally.
    """

    name: str
    type: ArgType
    positional: bool = False
    required: bool = False


def required(name: str, type_: ArgType) -> Param:
    return Param(name, type_, positional=True, required=True)


def positional(name: str, type_: ArgType) -> Param:
    return Param(name, type_, positional=True)


def keyword(name: str, type_: ArgType) -> Param:
    return Param(name, type_)


@dataclass(frozen=True)
class LayerEntry:
    keyword: str  # the Keras class name
    params: tuple[Param, ...]
    min_inputs: int = 1
    max_inputs: int | None = 1  # None: any number
    aliases: tuple[str, ...] = ()
    summary: str = ""

    @property
    def is_input(self) -> bool:
        return self.max_inputs == 0

    @property
    def takes_list(self) -> bool:
        """Merge layers are called on a list of tensors, the others on one tensor."""
        return self.max_inputs is None or self.max_inputs > 1

    @property
    def positional_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.positional)

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    @property
    def arity(self) -> str:
        if self.max_inputs == self.min_inputs:
            return str(self.min_inputs)
        return (
            f"{self.min_inputs}+"
            if self.max_inputs is None
            else f"{self.min_inputs}-{self.max_inputs}"
        )


# Every layer also takes these (keras.layers.Layer's own keyword arguments).
COMMON = (keyword("name", t.TEXT), keyword("dtype", t.DTYPE), keyword("trainable", t.BOOL))


def _layer(
    keyword_: str,
    *params: Param,
    inputs: tuple[int, int | None] = (1, 1),
    aliases: tuple[str, ...] = (),
    summary: str = "",
) -> LayerEntry:
    return LayerEntry(keyword_, params + COMMON, inputs[0], inputs[1], aliases, summary)


def _weights(*prefixes: str) -> tuple[Param, ...]:
    """The regularizer and constraint keywords of a layer with weights named by `prefixes`."""
    params = [keyword(f"{p}_regularizer", t.REGULARIZER) for p in prefixes]
    params.append(keyword("activity_regularizer", t.REGULARIZER))
    params += [keyword(f"{p}_constraint", t.CONSTRAINT) for p in prefixes]
    return tuple(params)


def _conv(rank: int) -> tuple[Param, ...]:
    ints = t.IntTuple(rank)
    return (
        required("filters", t.POSITIVE_INT),
        required("kernel_size", ints),
        positional("strides", ints),
        positional("padding", t.CONV1D_PADDING if rank == 1 else t.PADDING),
        keyword("data_format", t.DATA_FORMAT),
        keyword("dilation_rate", ints),
        keyword("groups", t.POSITIVE_INT),
        keyword("activation", t.OPTIONAL_ACTIVATION),
        keyword("use_bias", t.BOOL),
        keyword("kernel_initializer", t.INITIALIZER),
        keyword("bias_initializer", t.INITIALIZER),
        *_weights("kernel", "bias"),
    )


def _pooling(rank: int) -> tuple[Param, ...]:
    ints = t.IntTuple(rank)
    return (
        positional("pool_size", ints),
        positional("strides", t.Optional(ints)),
        positional("padding", t.PADDING),
        keyword("data_format", t.DATA_FORMAT),
    )


_GLOBAL_POOLING = (keyword("data_format", t.DATA_FORMAT), keyword("keepdims", t.BOOL))


def _recurrent(extra: tuple[Param, ...] = ()) -> tuple[Param, ...]:
    return (
        required("units", t.POSITIVE_INT),
        positional("activation", t.OPTIONAL_ACTIVATION),
        positional("recurrent_activation", t.OPTIONAL_ACTIVATION),
        keyword("use_bias", t.BOOL),
        keyword("kernel_initializer", t.INITIALIZER),
        keyword("recurrent_initializer", t.INITIALIZER),
        keyword("bias_initializer", t.INITIALIZER),
        *extra,
        *_weights("kernel", "recurrent", "bias"),
        keyword("dropout", t.RATE),
        keyword("recurrent_dropout", t.RATE),
        keyword("seed", t.SEED),
        keyword("return_sequences", t.BOOL),
        keyword("go_backwards", t.BOOL),
        keyword("stateful", t.BOOL),
        keyword("unroll", t.BOOL),
    )


_NORMALIZATION_SCALE = (
    keyword("center", t.BOOL),
    keyword("scale", t.BOOL),
    keyword("beta_initializer", t.INITIALIZER),
    keyword("gamma_initializer", t.INITIALIZER),
    keyword("beta_regularizer", t.REGULARIZER),
    keyword("gamma_regularizer", t.REGULARIZER),
    keyword("beta_constraint", t.CONSTRAINT),
    keyword("gamma_constraint", t.CONSTRAINT),
)

INPUT = LayerEntry(
    "Input",
    (
        required("shape", t.SHAPE),
        keyword("batch_size", t.Optional(t.POSITIVE_INT)),
        keyword("dtype", t.DTYPE),
        keyword("name", t.TEXT),
    ),
    min_inputs=0,
    max_inputs=0,
    summary="a model input; its shape leaves out the batch axis",
)

ENTRIES: tuple[LayerEntry, ...] = (
    INPUT,
    _layer(
        "Dense",
        required("units", t.POSITIVE_INT),
        positional("activation", t.OPTIONAL_ACTIVATION),
        positional("use_bias", t.BOOL),
        keyword("kernel_initializer", t.INITIALIZER),
        keyword("bias_initializer", t.INITIALIZER),
        *_weights("kernel", "bias"),
        summary="fully connected layer",
    ),
    _layer(
        "Activation",
        required("activation", t.ACTIVATION),
        summary="applies an activation function",
    ),
    _layer(
        "Flatten", keyword("data_format", t.DATA_FORMAT), summary="flattens all but the batch axis"
    ),
    _layer(
        "Concatenate",
        positional("axis", t.INT),
        inputs=(2, None),
        aliases=("concat",),
        summary="joins its inputs along an axis",
    ),
    _layer("Add", inputs=(2, None), summary="element-wise sum of its inputs"),
    _layer("Multiply", inputs=(2, None), summary="element-wise product of its inputs"),
    _layer(
        "Dropout",
        required("rate", t.RATE),
        positional("noise_shape", t.Optional(t.SHAPE)),
        positional("seed", t.SEED),
        summary="zeroes a fraction of the inputs while training",
    ),
    _layer(
        "Reshape", required("target_shape", t.TARGET_SHAPE), summary="reshapes to a fixed shape"
    ),
    _layer("Conv1D", *_conv(1), summary="1D convolution"),
    _layer("Conv2D", *_conv(2), summary="2D convolution"),
    _layer("MaxPooling1D", *_pooling(1), aliases=("maxpool1d",), summary="1D max pooling"),
    _layer("MaxPooling2D", *_pooling(2), aliases=("maxpool2d",), summary="2D max pooling"),
    _layer(
        "AveragePooling2D",
        *_pooling(2),
        aliases=("avgpool2d",),
        summary="2D average pooling",
    ),
    _layer(
        "GlobalAveragePooling1D",
        *_GLOBAL_POOLING,
        aliases=("gap1d",),
        summary="averages over the steps axis",
    ),
    _layer(
        "GlobalAveragePooling2D",
        *_GLOBAL_POOLING,
        aliases=("gap2d",),
        summary="averages over the spatial axes",
    ),
    _layer(
        "BatchNormalization",
        positional("axis", t.AXIS),
        positional("momentum", t.NUMBER),
        positional("epsilon", t.NUMBER),
        *_NORMALIZATION_SCALE,
        keyword("moving_mean_initializer", t.INITIALIZER),
        keyword("moving_variance_initializer", t.INITIALIZER),
        keyword("synchronized", t.BOOL),
        aliases=("batchnorm",),
        summary="normalizes with batch statistics",
    ),
    _layer(
        "LayerNormalization",
        positional("axis", t.AXIS),
        positional("epsilon", t.NUMBER),
        *_NORMALIZATION_SCALE,
        keyword("rms_scaling", t.BOOL),
        aliases=("layernorm",),
        summary="normalizes each sample over its last axes",
    ),
    _layer(
        "Embedding",
        required("input_dim", t.POSITIVE_INT),
        required("output_dim", t.POSITIVE_INT),
        keyword("embeddings_initializer", t.INITIALIZER),
        keyword("embeddings_regularizer", t.REGULARIZER),
        keyword("embeddings_constraint", t.CONSTRAINT),
        keyword("mask_zero", t.BOOL),
        summary="maps integer ids to dense vectors",
    ),
    _layer(
        "LSTM",
        *_recurrent((keyword("unit_forget_bias", t.BOOL),)),
        summary="long short-term memory recurrent layer",
    ),
    _layer(
        "GRU",
        *_recurrent((keyword("reset_after", t.BOOL),)),
        summary="gated recurrent unit layer",
    ),
)


def _index(entries: tuple[LayerEntry, ...]) -> dict[str, LayerEntry]:
    index: dict[str, LayerEntry] = {}
    for entry in entries:
        for word in (entry.keyword, *entry.aliases):
            assert word.lower() not in index, f"duplicate catalogue keyword {word}"
            index[word.lower()] = entry
    return index


_BY_WORD = _index(ENTRIES)


def lookup(word: str) -> LayerEntry | None:
    """The entry for a layer keyword or alias, case-insensitively."""
    return _BY_WORD.get(word.lower())


def keywords() -> list[str]:
    """Every word `lookup` accepts, as users would write them (lower case)."""
    return sorted(_BY_WORD)
