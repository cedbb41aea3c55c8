"""Recurrent layers: SimpleRNN, LSTM, GRU."""

from __future__ import annotations

from ..argtypes import BOOL, INITIALIZER, OPTIONAL_ACTIVATION, POSITIVE_INT, RATE, SEED
from ..ir import Shape, Weight
from .base import (
    MASK,
    TRAINING,
    Call,
    LayerEntry,
    Param,
    ParamRule,
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
    activations: tuple[Param, ...] = (positional("activation", OPTIONAL_ACTIVATION, "tanh"),)
    if gated:
        activations += (positional("recurrent_activation", OPTIONAL_ACTIVATION, "sigmoid"),)
    return (
        required("units", POSITIVE_INT),
        *activations,
        keyword("use_bias", BOOL, True),
        keyword("kernel_initializer", INITIALIZER, "glorot_uniform"),
        keyword("recurrent_initializer", INITIALIZER, "orthogonal"),
        keyword("bias_initializer", INITIALIZER, "zeros"),
        *extra,
        *regularizers_and_constraints("kernel", "recurrent", "bias"),
        keyword("dropout", RATE, 0.0),
        keyword("recurrent_dropout", RATE, 0.0),
        keyword("seed", SEED),
        keyword("return_sequences", BOOL, False),
        keyword("go_backwards", BOOL, False),
        keyword("stateful", BOOL, False),
        keyword("unroll", BOOL, False),
    )


def recurrent_shape(call: Call) -> Shape:
    """(batch, time, features) -> (batch, units), or (batch, time, units) with return_sequences."""
    shape = expect_rank(call, 3)
    known(shape[-1], "the features (last) dimension", shape)
    if call.flag("stateful") and shape[0] is None:
        raise ShapeError(
            "stateful=true needs a static batch size: give the input batch_size=. "
            f"Received: {show(shape)}",
            "stateful",
        )
    if call.flag("return_sequences"):
        return (shape[0], shape[1], call.int("units"))
    return (shape[0], call.int("units"))


def gated_weights(gates: int, split_bias: bool = False) -> ParamRule:
    """Kernel, recurrent kernel and bias of a recurrent layer with `gates` gates."""

    def rule(call: Call) -> list[Weight]:
        features = known(call.input[-1], "the features (last) dimension", call.input)
        units = call.int("units")
        weights = [Weight(features * gates * units), Weight(units * gates * units)]
        if call.flag("use_bias"):
            weights.append(Weight((2 if split_bias else 1) * gates * units))
        return weights

    return rule


def _gru_weights(call: Call) -> list[Weight]:
    # reset_after keeps separate input and recurrent biases: a bias of shape (2, 3 * units)
    return gated_weights(3, split_bias=call.flag("reset_after"))(call)


# What a recurrent layer's config and call hold besides its parameters: a layer that
# returns its state, or starts from a given one, is not a chain the DSL can write.
SAVED = (("return_state", (False,)), ("zero_output_for_mask", (True, False)))
CALL_INPUTS = ("sequences",)
CALL_ARGUMENTS = (("initial_state", (None,)), MASK, TRAINING)
CUDNN = (("use_cudnn", ("auto",)),)


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "SimpleRNN",
        *recurrent_params(gated=False),
        shape=recurrent_shape,
        weights=gated_weights(1),
        saved_settings=SAVED,
        call_inputs=CALL_INPUTS,
        call_arguments=CALL_ARGUMENTS,
        summary="fully connected recurrent layer",
        example="simplernn 32 return_sequences=true",
    ),
    layer(
        "LSTM",
        *recurrent_params(keyword("unit_forget_bias", BOOL, True)),
        shape=recurrent_shape,
        weights=gated_weights(4),
        saved_settings=SAVED + CUDNN,
        call_inputs=CALL_INPUTS,
        call_arguments=CALL_ARGUMENTS,
        summary="long short-term memory recurrent layer",
        example="lstm 64 return_sequences=true",
    ),
    layer(
        "GRU",
        *recurrent_params(keyword("reset_after", BOOL, True)),
        shape=recurrent_shape,
        weights=_gru_weights,
        saved_settings=SAVED + CUDNN,
        call_inputs=CALL_INPUTS,
        call_arguments=CALL_ARGUMENTS,
        summary="gated recurrent unit layer",
        example="gru 32",
    ),
)
