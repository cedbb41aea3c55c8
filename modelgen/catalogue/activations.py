"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax."""

from __future__ import annotations

import math

from ..argtypes import AXIS, CONSTRAINT, INITIALIZER, NUMBER, REGULARIZER, Nullable, Number
from ..ir import Shape, Weight
from .base import MASK, Call, LayerEntry, ShapeError, keyword, layer, positional, same_shape
from .rules import itemsize, show

NON_NEGATIVE = Number(minimum=0.0, preferred="6")


def _alpha_shape(call: Call) -> list[int]:
    """PReLU's alpha: the input's shape without the batch axis, shared axes set to 1.

    Keras sets `shape[axis - 1]` with Python indexing, so 0 and negative axes wrap around.
    """
    shape = list(call.input[1:])
    for axis in call.axes("shared_axes"):
        if not -len(shape) <= axis - 1 < len(shape):
            raise ShapeError(
                f"expected shared axes from 1 to {len(shape)} for an input {show(call.input)}. "
                f"Received: shared_axes={call.args['shared_axes']}",
                "shared_axes",
            )
        shape[axis - 1] = 1
    sizes = [d for d in shape if d is not None]
    if len(sizes) < len(shape):
        raise ShapeError(
            f"alpha would have the shape {show(shape)}: every axis that is not shared must be "
            f"known. Received: {show(call.input)}",
            "shared_axes",
        )
    return sizes


def _prelu_shape(call: Call) -> Shape:
    _alpha_shape(call)
    return call.input


def _prelu_weights(call: Call) -> list[Weight]:
    return [Weight(math.prod(_alpha_shape(call)), True, itemsize(call))]


def _softmax_shape(call: Call) -> Shape:
    """Keras builds any axis; one outside the input, none, or the same twice fails when it runs."""
    rank = len(call.input)
    axes = call.axes("axis")
    runs = "Keras builds the layer but fails when it runs"
    if not axes:
        raise ShapeError(f"expected at least one axis ({runs}). Received: axis=()", "axis")
    seen: set[int] = set()
    for axis in axes:
        if not -rank <= axis < rank:
            raise ShapeError(
                f"expected axes from {-rank} to {rank - 1} for an input of rank {rank} "
                f"(batch axis included; {runs}). Received: axis={call.args['axis']} "
                f"for an input {show(call.input)}",
                "axis",
            )
        if axis % rank in seen:
            raise ShapeError(
                f"expected distinct axes; axis {axis % rank} is given twice ({runs}). "
                f"Received: axis={call.args['axis']}",
                "axis",
            )
        seen.add(axis % rank)
    return call.input


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "ReLU",
        positional("max_value", Nullable(NON_NEGATIVE)),
        positional("negative_slope", NON_NEGATIVE, 0.0),
        positional("threshold", NON_NEGATIVE, 0.0),
        shape=same_shape,
        summary="rectified linear unit, optionally capped, leaky or thresholded",
        example="relu 6",
    ),
    layer(
        "LeakyReLU",
        positional("negative_slope", NON_NEGATIVE, 0.3),
        shape=same_shape,
        summary="ReLU that lets negative inputs through scaled by negative_slope",
        example="leakyrelu 0.1",
    ),
    layer(
        "PReLU",
        keyword("alpha_initializer", INITIALIZER, "Zeros"),
        keyword("alpha_regularizer", REGULARIZER),
        keyword("alpha_constraint", CONSTRAINT),
        keyword("shared_axes", Nullable(AXIS)),
        shape=_prelu_shape,
        weights=_prelu_weights,
        saved_as_given=("shared_axes",),  # () saves as [], none as null
        summary="leaky ReLU whose slopes are learned, one per input unit unless axes are shared",
        example="prelu shared_axes=(1, 2)",
    ),
    layer(
        "ELU",
        positional("alpha", NUMBER, 1.0),
        shape=same_shape,
        summary="exponential linear unit",
        example="elu 0.5",
    ),
    layer(
        "Softmax",
        positional("axis", AXIS, -1),
        shape=_softmax_shape,
        saved_as_given=("axis",),
        call_arguments=(MASK,),
        applies_activation=("softmax", "axis"),
        summary="softmax over an axis, or over several axes together",
        example="softmax",
    ),
)
