"""Pooling: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D, GlobalMax/GlobalAveragePooling1D/2D/3D."""

from __future__ import annotations

from collections.abc import Mapping

from ..argtypes import BOOL, DATA_FORMAT, PADDING, IntTuple, Nullable
from ..ir import PyValue, Shape
from .base import (
    MASK,
    NO_DEFAULT,
    Call,
    LayerEntry,
    NoDefault,
    Param,
    ShapeError,
    ShapeRule,
    keyword,
    layer,
    positional,
)
from .rules import conv_length, join_channels, positive_spatial, split_channels


def pooling_params(rank: int, pool_size: PyValue | NoDefault = NO_DEFAULT) -> tuple[Param, ...]:
    """`pool_size` defaults to 2 on every axis for max pooling; average pooling has no default.

    Without a default, pool_size stays a positional parameter written `pool_size=...` in
    the code (as the example specs' golden files show it), and the shape rule asks for it.
    """
    sizes = IntTuple(rank)
    return (
        Param("pool_size", sizes, positional=True, default=pool_size),
        positional("strides", Nullable(sizes)),
        positional("padding", PADDING, "valid"),
        keyword("data_format", DATA_FORMAT),
    )


def strides_of_pool_size(config: Mapping, shapes: list) -> dict:
    """Keras saves strides left out as the pool size."""
    return {"strides": config.get("pool_size")}


def pooling_shape(rank: int) -> ShapeRule:
    def rule(call: Call) -> Shape:
        if call.args.get("pool_size") is None:
            raise ShapeError(
                "needs pool_size (Keras has no default for it), "
                f"e.g. '{call.entry.keyword.lower()} {'x'.join(['2'] * rank)}'"
            )
        spatial, channels = split_channels(call, rank)
        pool = call.ints("pool_size", rank)
        strides = call.optional_ints("strides", rank)
        if strides is None:
            strides = pool
        padding = call.word("padding")
        out = [
            conv_length(n, k, s, padding) for n, k, s in zip(spatial, pool, strides, strict=True)
        ]
        positive_spatial(call, out, "pool_size")
        return join_channels(call, out, channels)

    return rule


GLOBAL_POOLING_PARAMS = (keyword("data_format", DATA_FORMAT), keyword("keepdims", BOOL, False))


def global_pooling_shape(rank: int) -> ShapeRule:
    def rule(call: Call) -> Shape:
        spatial, channels = split_channels(call, rank)
        if call.flag("keepdims"):
            return join_channels(call, [1] * len(spatial), channels)
        return (call.input[0], channels)

    return rule


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "MaxPooling1D",
        *pooling_params(1, 2),
        saved_defaults=strides_of_pool_size,
        shape=pooling_shape(1),
        aliases=("maxpool1d",),
        summary="1D max pooling",
        example="maxpooling1d 2",
    ),
    layer(
        "MaxPooling2D",
        *pooling_params(2, (2, 2)),
        saved_defaults=strides_of_pool_size,
        shape=pooling_shape(2),
        aliases=("maxpool2d",),
        summary="2D max pooling",
        example="maxpooling2d 2x2",
    ),
    layer(
        "MaxPooling3D",
        *pooling_params(3, (2, 2, 2)),
        saved_defaults=strides_of_pool_size,
        shape=pooling_shape(3),
        aliases=("maxpool3d",),
        summary="3D max pooling",
        example="maxpooling3d 2x2x2",
    ),
    layer(
        "AveragePooling1D",
        *pooling_params(1),
        saved_defaults=strides_of_pool_size,
        shape=pooling_shape(1),
        aliases=("avgpool1d",),
        summary="1D average pooling",
        example="averagepooling1d 2",
    ),
    layer(
        "AveragePooling2D",
        *pooling_params(2),
        saved_defaults=strides_of_pool_size,
        shape=pooling_shape(2),
        aliases=("avgpool2d",),
        summary="2D average pooling",
        example="averagepooling2d 2x2",
    ),
    layer(
        "AveragePooling3D",
        *pooling_params(3),
        saved_defaults=strides_of_pool_size,
        shape=pooling_shape(3),
        aliases=("avgpool3d",),
        summary="3D average pooling",
        example="averagepooling3d 2x2x2",
    ),
    layer(
        "GlobalMaxPooling1D",
        *GLOBAL_POOLING_PARAMS,
        shape=global_pooling_shape(1),
        aliases=("gmp1d", "globalmaxpool1d"),
        summary="maximum over the steps axis",
        example="globalmaxpooling1d",
    ),
    layer(
        "GlobalMaxPooling2D",
        *GLOBAL_POOLING_PARAMS,
        shape=global_pooling_shape(2),
        aliases=("gmp2d", "globalmaxpool2d"),
        summary="maximum over the spatial axes",
        example="globalmaxpooling2d",
    ),
    layer(
        "GlobalMaxPooling3D",
        *GLOBAL_POOLING_PARAMS,
        shape=global_pooling_shape(3),
        aliases=("gmp3d", "globalmaxpool3d"),
        summary="maximum over the spatial axes",
        example="globalmaxpooling3d",
    ),
    layer(
        "GlobalAveragePooling1D",
        *GLOBAL_POOLING_PARAMS,
        shape=global_pooling_shape(1),
        aliases=("gap1d", "globalavgpool1d"),
        call_arguments=(MASK,),
        summary="averages over the steps axis",
        example="globalaveragepooling1d",
    ),
    layer(
        "GlobalAveragePooling2D",
        *GLOBAL_POOLING_PARAMS,
        shape=global_pooling_shape(2),
        aliases=("gap2d", "globalavgpool2d"),
        summary="averages over the spatial axes",
        example="globalaveragepooling2d",
    ),
    layer(
        "GlobalAveragePooling3D",
        *GLOBAL_POOLING_PARAMS,
        shape=global_pooling_shape(3),
        aliases=("gap3d", "globalavgpool3d"),
        summary="averages over the spatial axes",
        example="globalaveragepooling3d",
    ),
)
