"""Pooling: MaxPooling1D/2D, AveragePooling2D, GlobalAveragePooling1D/2D."""

from __future__ import annotations

from .. import argtypes as t
from ..ir import Shape
from .base import Call, LayerEntry, Param, keyword, layer, positional
from .rules import conv_length, ints, join_channels, positive_spatial, split_channels


def pooling_params(rank: int) -> tuple[Param, ...]:
    sizes = t.IntTuple(rank)
    return (
        positional("pool_size", sizes, 2),
        positional("strides", t.Optional(sizes)),
        positional("padding", t.PADDING, "valid"),
        keyword("data_format", t.DATA_FORMAT),
    )


def pooling_shape(rank: int):
    def rule(call: Call) -> Shape:
        spatial, channels = split_channels(call, rank)
        pool = ints(call["pool_size"], rank)
        strides = pool if call["strides"] is None else ints(call["strides"], rank)
        out = [
            conv_length(n, k, s, call["padding"])  # type: ignore[arg-type]
            for n, k, s in zip(spatial, pool, strides, strict=True)
        ]
        positive_spatial(call, out, "pool_size")
        return join_channels(call, out, channels)

    return rule


GLOBAL_POOLING_PARAMS = (keyword("data_format", t.DATA_FORMAT), keyword("keepdims", t.BOOL, False))


def global_pooling_shape(rank: int):
    def rule(call: Call) -> Shape:
        spatial, channels = split_channels(call, rank)
        if call["keepdims"]:
            return join_channels(call, [1] * len(spatial), channels)
        return (call.input[0], channels)

    return rule


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "MaxPooling1D",
        *pooling_params(1),
        shape=pooling_shape(1),
        aliases=("maxpool1d",),
        summary="1D max pooling",
        example="maxpooling1d 2",
    ),
    layer(
        "MaxPooling2D",
        *pooling_params(2),
        shape=pooling_shape(2),
        aliases=("maxpool2d",),
        summary="2D max pooling",
        example="maxpooling2d 2x2",
    ),
    layer(
        "AveragePooling2D",
        *pooling_params(2),
        shape=pooling_shape(2),
        aliases=("avgpool2d",),
        summary="2D average pooling",
        example="averagepooling2d 2x2",
    ),
    layer(
        "GlobalAveragePooling1D",
        *GLOBAL_POOLING_PARAMS,
        shape=global_pooling_shape(1),
        aliases=("gap1d",),
        summary="averages over the steps axis",
        example="globalaveragepooling1d",
    ),
    layer(
        "GlobalAveragePooling2D",
        *GLOBAL_POOLING_PARAMS,
        shape=global_pooling_shape(2),
        aliases=("gap2d",),
        summary="averages over the spatial axes",
        example="globalaveragepooling2d",
    ),
)
