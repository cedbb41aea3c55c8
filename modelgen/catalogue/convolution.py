"""Convolutions: Conv1D, Conv2D."""

from __future__ import annotations

import math

from .. import argtypes as t
from ..ir import Shape, Weight
from .base import (
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
from .rules import conv_length, ints, join_channels, known, positive_spatial, split_channels


def conv_params(rank: int, padding: t.ArgType) -> tuple[Param, ...]:
    sizes = t.IntTuple(rank)
    return (
        required("filters", t.POSITIVE_INT),
        required("kernel_size", sizes),
        positional("strides", sizes, 1),
        positional("padding", padding, "valid"),
        keyword("data_format", t.DATA_FORMAT),
        keyword("dilation_rate", sizes, 1),
        keyword("groups", t.POSITIVE_INT, 1),
        keyword("activation", t.OPTIONAL_ACTIVATION),
        keyword("use_bias", t.BOOL, True),
        keyword("kernel_initializer", t.INITIALIZER, "glorot_uniform"),
        keyword("bias_initializer", t.INITIALIZER, "zeros"),
        *regularizers_and_constraints("kernel", "bias"),
    )


def conv_shape(rank: int):
    def rule(call: Call) -> Shape:
        spatial, channels = split_channels(call, rank)
        known(channels, "the channels dimension", call.input)
        groups = call["groups"]
        if channels % groups or call["filters"] % groups:  # type: ignore[operator]
            raise ShapeError(
                f"groups={groups} must divide both the input channels ({channels}) "
                f"and filters ({call['filters']})",
                "groups",
            )
        kernel, strides = ints(call["kernel_size"], rank), ints(call["strides"], rank)
        dilation = ints(call["dilation_rate"], rank)
        out = [
            conv_length(n, k, s, call["padding"], d)  # type: ignore[arg-type]
            for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True)
        ]
        positive_spatial(call, out, "kernel_size")
        return join_channels(call, out, call["filters"])  # type: ignore[arg-type]

    return rule


def conv_weights(rank: int):
    def rule(call: Call) -> list[Weight]:
        _, channels = split_channels(call, rank)
        kernel = math.prod(ints(call["kernel_size"], rank))
        filters: int = call["filters"]  # type: ignore[assignment]
        weights = [Weight(kernel * (channels // call["groups"]) * filters)]  # type: ignore[operator]
        if call["use_bias"]:
            weights.append(Weight(filters))
        return weights

    return rule


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "Conv1D",
        *conv_params(1, t.CONV1D_PADDING),
        shape=conv_shape(1),
        weights=conv_weights(1),
        summary="1D convolution over steps",
        example="conv1d 32 5 relu padding=causal",
    ),
    layer(
        "Conv2D",
        *conv_params(2, t.PADDING),
        shape=conv_shape(2),
        weights=conv_weights(2),
        summary="2D convolution",
        example="conv2d 32 3x3 relu padding=same",
    ),
)
