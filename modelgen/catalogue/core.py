"""Core layers: Input, Dense, Activation, Flatten, Dropout, Reshape, Embedding."""

from __future__ import annotations

from ..argtypes import (
    ACTIVATION,
    BOOL,
    CONSTRAINT,
    DATA_FORMAT,
    DTYPE,
    INITIALIZER,
    OPTIONAL_ACTIVATION,
    POSITIVE_INT,
    RATE,
    REGULARIZER,
    SEED,
    SHAPE,
    TARGET_SHAPE,
    TEXT,
    Nullable,
)
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
    return (call.optional_int("batch_size"), *call.shape("shape"))


INPUT = LayerEntry(
    "Input",
    (
        required("shape", SHAPE),
        keyword("batch_size", Nullable(POSITIVE_INT)),
        keyword("dtype", DTYPE),
        keyword("name", TEXT),
    ),
    shape_rule=_input_shape,
    min_inputs=0,
    max_inputs=0,
    summary="a model input; its shape leaves out the batch axis",
    example="input 28x28",
    saved_class="InputLayer",
    # what else Keras saves for an input, each with the only value the DSL writes
    saved_settings=(("sparse", (False,)), ("ragged", (False,)), ("optional", (False,))),
)


def _dense_shape(call: Call) -> Shape:
    last_dimension(call)
    return (*call.input[:-1], call.int("units"))


def _dense_weights(call: Call) -> list[Weight]:
    return dense_weights(last_dimension(call), call.int("units"), call.flag("use_bias"))


def _flatten_shape(call: Call) -> Shape:
    rest = call.input[1:]
    return (call.input[0], product(rest) if rest else 1)


def _reshape_shape(call: Call) -> Shape:
    target = call.sizes("target_shape")
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
    return (*call.input, call.int("output_dim"))


def _embedding_weights(call: Call) -> list[Weight]:
    return [Weight(call.int("input_dim") * call.int("output_dim"))]


ENTRIES: tuple[LayerEntry, ...] = (
    INPUT,
    layer(
        "Dense",
        required("units", POSITIVE_INT),
        positional("activation", OPTIONAL_ACTIVATION),
        positional("use_bias", BOOL, True),
        keyword("kernel_initializer", INITIALIZER, "glorot_uniform"),
        keyword("bias_initializer", INITIALIZER, "zeros"),
        *regularizers_and_constraints("kernel", "bias"),
        shape=_dense_shape,
        weights=_dense_weights,
        call_arguments=(TRAINING,),
        summary="fully connected layer on the last axis",
        example="dense 128 relu",
    ),
    layer(
        "Activation",
        required("activation", ACTIVATION),
        shape=same_shape,
        summary="applies an activation function",
        example="activation softmax",
    ),
    layer(
        "Flatten",
        keyword("data_format", DATA_FORMAT),
        shape=_flatten_shape,
        summary="flattens all but the batch axis",
        example="flatten",
    ),
    layer(
        "Dropout",
        required("rate", RATE),
        positional("noise_shape", Nullable(SHAPE)),
        positional("seed", SEED),
        shape=same_shape,
        summary="zeroes a fraction of the inputs while training",
        example="dropout 0.5",
        call_arguments=(TRAINING,),
    ),
    layer(
        "Reshape",
        required("target_shape", TARGET_SHAPE, example="7x4x16"),
        shape=_reshape_shape,
        summary="reshapes to a fixed shape; -1 stands for the rest",
        example="reshape 7x7x16",
    ),
    layer(
        "Embedding",
        required("input_dim", POSITIVE_INT, example="1000"),
        required("output_dim", POSITIVE_INT, example="64"),
        keyword("embeddings_initializer", INITIALIZER, "uniform"),
        keyword("embeddings_regularizer", REGULARIZER),
        keyword("embeddings_constraint", CONSTRAINT),
        keyword("mask_zero", BOOL, False),
        shape=_embedding_shape,
        weights=_embedding_weights,
        saved_settings=(("activity_regularizer", (None,)),),
        ids_below="input_dim",  # its inputs are ids in [0, input_dim)
        summary="maps integer ids to dense vectors",
        example="embedding 10000 64",
    ),
)
