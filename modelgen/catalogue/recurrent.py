"""Recurrent layers: SimpleRNN, LSTM, GRU."""

from __future__ import annotations

from .. import argtypes as t
from ..ir import Shape, Weight
from .base import (
    MASK,
    TRAINING,
    Call,
    LayerEntry,
    Param,
    ShapeError,
    keyword,
    layer,
    positional,
    regularizers_and_constraints,
    required,
)
from .rules import expect_rank, known, show


def recurrent_params(*extra: Param, gated: bool = True) -> tuple[Param, ...]:
    """The constructor of keras.layers.RNN's subclasses; `gated` ones have a recurrent_activation."""
    activations = (positional("activation", t.OPTIONAL_ACTIVATION, "tanh"),)
    if gated:
        activations += (positional("recurrent_activation", t.OPTIONAL_ACTIVATION, "sigmoid"),)
    return (
        required("units", t.POSITIVE_INT),
        *activations,
        keyword("use_bias", t.BOOL, True),
        keyword("kernel_initializer", t.INITIALIZER, "glorot_uniform"),
        keyword("recurrent_initializer", t.INITIALIZER, "orthogonal"),
        keyword("bias_initializer", t.INITIALIZER, "zeros"),
        *extra,
        *regularizers_and_constraints("kernel", "recurrent", "bias"),
        keyword("dropout", t.RATE, 0.0),
        keyword("recurrent_dropout", t.RATE, 0.0),
        keyword("seed", t.SEED),
        keyword("return_sequences", t.BOOL, False),
        keyword("go_backwards", t.BOOL, False),
        keyword("stateful", t.BOOL, False),
        keyword("unroll", t.BOOL, False),
    )


def recurrent_shape(call: Call) -> Shape:
    """(batch, time, features) -> (batch, units), or (batch, time, units) with return_sequences."""
    shape = expect_rank(call, 3)
    known(shape[-1], "the features (last) dimension", shape)
    if call["stateful"] and shape[0] is None:
        raise ShapeError(
            "stateful=true needs a static batch size: give the input batch_size=. "
            f"Received: {show(shape)}",
            "stateful",
        )
    if call["return_sequences"]:
        return (shape[0], shape[1], call["units"])  # type: ignore[return-value]
    return (shape[0], call["units"])  # type: ignore[return-value]


def gated_weights(gates: int, split_bias: bool = False):
    """Kernel, recurrent kernel and bias of a recurrent layer with `gates` gates."""

    def rule(call: Call) -> list[Weight]:
        features, units = call.input[-1], call["units"]
        weights = [Weight(features * gates * units), Weight(units * gates * units)]  # type: ignore[operator]
        if call["use_bias"]:
            weights.append(Weight((2 if split_bias else 1) * gates * units))  # type: ignore[operator]
        return weights

    return rule


def _gru_weights(call: Call) -> list[Weight]:
    # reset_after keeps separate input and recurrent biases: a bias of shape (2, 3 * units)
    return gated_weights(3, split_bias=bool(call["reset_after"]))(call)


# What a recurrent layer's config and call hold besides its parameters: a layer that
# returns its state, or starts from a given one, is not a chain the DSL can write.
SAVED = (("return_state", (False,)), ("zero_output_for_mask", (True, False)))
CALL = {
    "call_inputs": ("sequences",),
    "call_arguments": (("initial_state", (None,)), MASK, TRAINING),
}
CUDNN = (("use_cudnn", ("auto",)),)


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "SimpleRNN",
        *recurrent_params(gated=False),
        shape=recurrent_shape,
        weights=gated_weights(1),
        saved_settings=SAVED,
        **CALL,
        summary="fully connected recurrent layer",
        example="simplernn 32 return_sequences=true",
    ),
    layer(
        "LSTM",
        *recurrent_params(keyword("unit_forget_bias", t.BOOL, True)),
        shape=recurrent_shape,
        weights=gated_weights(4),
        saved_settings=SAVED + CUDNN,
        **CALL,
        summary="long short-term memory recurrent layer",
        example="lstm 64 return_sequences=true",
    ),
    layer(
        "GRU",
        *recurrent_params(keyword("reset_after", t.BOOL, True)),
        shape=recurrent_shape,
        weights=_gru_weights,
        saved_settings=SAVED + CUDNN,
        **CALL,
        summary="gated recurrent unit layer",
        example="gru 32",
    ),
)
