"""Normalization: BatchNormalization, LayerNormalization."""

from __future__ import annotations

import math

from .. import argtypes as t
from ..ir import Weight
from .base import Call, LayerEntry, ShapeError, keyword, layer, positional, same_shape
from .rules import show

SCALE_AND_CENTER = (
    keyword("center", t.BOOL, True),
    keyword("scale", t.BOOL, True),
    keyword("beta_initializer", t.INITIALIZER, "zeros"),
    keyword("gamma_initializer", t.INITIALIZER, "ones"),
    keyword("beta_regularizer", t.REGULARIZER),
    keyword("gamma_regularizer", t.REGULARIZER),
    keyword("beta_constraint", t.CONSTRAINT),
    keyword("gamma_constraint", t.CONSTRAINT),
)


def axes_size(call: Call) -> int:
    """How many numbers a per-axis weight holds: the product of the normalized axes."""
    shape = call.input
    axes = call["axis"] if isinstance(call["axis"], tuple) else (call["axis"],)
    sizes = []
    for axis in axes:  # type: ignore[union-attr]
        if not -len(shape) < axis < len(shape) or axis in (0, -len(shape)):  # type: ignore[operator]
            raise ShapeError(
                f"axis {axis} is out of range for an input of shape {show(shape)}", "axis"
            )
        size = shape[axis]  # type: ignore[index]
        if size is None:
            raise ShapeError(
                f"the normalized axis {axis} of the input must be known. Received: {show(shape)}",
                "axis",
            )
        sizes.append(size)
    return math.prod(sizes)


def _batch_norm_weights(call: Call) -> list[Weight]:
    size = axes_size(call)
    weights = [Weight(size) for flag in ("scale", "center") if call[flag]]
    return weights + [Weight(size, trainable=False), Weight(size, trainable=False)]


def _layer_norm_weights(call: Call) -> list[Weight]:
    size = axes_size(call)
    return [Weight(size) for flag in ("scale", "center") if call[flag]]


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "BatchNormalization",
        positional("axis", t.AXIS, -1),
        positional("momentum", t.NUMBER, 0.99),
        positional("epsilon", t.NUMBER, 0.001),
        *SCALE_AND_CENTER,
        keyword("moving_mean_initializer", t.INITIALIZER, "zeros"),
        keyword("moving_variance_initializer", t.INITIALIZER, "ones"),
        keyword("synchronized", t.BOOL, False),
        shape=same_shape,
        weights=_batch_norm_weights,
        aliases=("batchnorm",),
        summary="normalizes with batch statistics",
        example="batchnormalization",
    ),
    layer(
        "LayerNormalization",
        positional("axis", t.AXIS, -1),
        positional("epsilon", t.NUMBER, 0.001),
        *SCALE_AND_CENTER,
        keyword("rms_scaling", t.BOOL, False),
        shape=same_shape,
        weights=_layer_norm_weights,
        aliases=("layernorm",),
        summary="normalizes each sample over its last axes",
        example="layernormalization",
    ),
)
