"""Core layers: Input, Dense, Activation, Flatten, Dropout, Reshape, Embedding."""

from __future__ import annotations

from .. import argtypes as t
from ..ir import Shape, Weight
from .base import (
    TRAINING,
    Call,
    LayerEntry,
    ShapeError,
    keyword,
    layer,
    positional,
    regularizers_and_constraints,
    required,
    same_shape,
)
from .rules import dense_weights, last_dimension, product, show


def _input_shape(call: Call) -> Shape:
    return (call["batch_size"], *call["shape"])  # type: ignore[misc]


INPUT = LayerEntry(
    "Input",
    (
        required("shape", t.SHAPE),
        keyword("batch_size", t.Optional(t.POSITIVE_INT)),
        keyword("dtype", t.DTYPE),
        keyword("name", t.TEXT),
    ),
    shape_rule=_input_shape,
    min_inputs=0,
    max_inputs=0,
    summary="a model input; its shape leaves out the batch axis",
    example="input 28x28",
)


def _dense_shape(call: Call) -> Shape:
    last_dimension(call)
    return (*call.input[:-1], call["units"])  # type: ignore[misc]


def _dense_weights(call: Call) -> list[Weight]:
    return dense_weights(last_dimension(call), call["units"], call["use_bias"])  # type: ignore[arg-type]


def _flatten_shape(call: Call) -> Shape:
    rest = call.input[1:]
    return (call.input[0], product(rest) if rest else 1)


def _reshape_shape(call: Call) -> Shape:
    target: tuple[int, ...] = call["target_shape"]  # type: ignore[assignment]
    size = product(call.input[1:])
    known_target = [d for d in target if d != -1]
    if size is None:
        return (call.input[0], *(None if d == -1 else d for d in target))
    if -1 in target:
        rest = product(known_target) or 1
        if size % rest:
            raise ShapeError(
                f"cannot reshape {show(call.input)} ({size} values) into {show(target)}",
                "target_shape",
                f"the known dimensions must divide {size}",
            )
        return (call.input[0], *(size // rest if d == -1 else d for d in target))
    if product(target) != size:
        raise ShapeError(
            f"cannot reshape {show(call.input)} ({size} values) into {show(target)} "
            f"({product(target)} values)",
            "target_shape",
            f"the target must hold {size} values; -1 stands for the dimension that makes it so, "
            f"e.g. {_with_rest(target)}",
        )
    return (call.input[0], *target)


def _with_rest(target: tuple[int, ...]) -> str:
    """`target` with its last dimension left to Keras: (5, 2) -> (5, -1)."""
    return (
        "("
        + ", ".join(str(d) for d in (*target[:-1], -1))
        + ("," if len(target) == 1 else "")
        + ")"
    )


def _embedding_shape(call: Call) -> Shape:
    return (*call.input, call["output_dim"])  # type: ignore[misc]


def _embedding_weights(call: Call) -> list[Weight]:
    return [Weight(call["input_dim"] * call["output_dim"])]  # type: ignore[operator]


ENTRIES: tuple[LayerEntry, ...] = (
    INPUT,
    layer(
        "Dense",
        required("units", t.POSITIVE_INT),
        positional("activation", t.OPTIONAL_ACTIVATION),
        positional("use_bias", t.BOOL, True),
        keyword("kernel_initializer", t.INITIALIZER, "glorot_uniform"),
        keyword("bias_initializer", t.INITIALIZER, "zeros"),
        *regularizers_and_constraints("kernel", "bias"),
        shape=_dense_shape,
        weights=_dense_weights,
        call_arguments=(TRAINING,),
        summary="fully connected layer on the last axis",
        example="dense 128 relu",
    ),
    layer(
        "Activation",
        required("activation", t.ACTIVATION),
        shape=same_shape,
        summary="applies an activation function",
        example="activation softmax",
    ),
    layer(
        "Flatten",
        keyword("data_format", t.DATA_FORMAT),
        shape=_flatten_shape,
        summary="flattens all but the batch axis",
        example="flatten",
    ),
    layer(
        "Dropout",
        required("rate", t.RATE),
        positional("noise_shape", t.Optional(t.SHAPE)),
        positional("seed", t.SEED),
        shape=same_shape,
        summary="zeroes a fraction of the inputs while training",
        example="dropout 0.5",
        call_arguments=(TRAINING,),
    ),
    layer(
        "Reshape",
        required("target_shape", t.TARGET_SHAPE),
        shape=_reshape_shape,
        summary="reshapes to a fixed shape; -1 stands for the rest",
        example="reshape 7x7x16",
    ),
    layer(
        "Embedding",
        required("input_dim", t.POSITIVE_INT),
        required("output_dim", t.POSITIVE_INT),
        keyword("embeddings_initializer", t.INITIALIZER, "uniform"),
        keyword("embeddings_regularizer", t.REGULARIZER),
        keyword("embeddings_constraint", t.CONSTRAINT),
        keyword("mask_zero", t.BOOL, False),
        shape=_embedding_shape,
        weights=_embedding_weights,
        saved_settings=(("activity_regularizer", (None,)),),
        summary="maps integer ids to dense vectors",
        example="embedding 10000 64",
    ),
)
