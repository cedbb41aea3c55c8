"""Convolutions: Conv1D/2D/3D, Conv1D/2D/3DTranspose, SeparableConv1D/2D, DepthwiseConv1D/2D."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..argtypes import (
    BOOL,
    CONV1D_PADDING,
    DATA_FORMAT,
    INITIALIZER,
    OPTIONAL_ACTIVATION,
    PADDING,
    POSITIVE_INT,
    ArgType,
    IntTuple,
    Nullable,
)
from ..ir import PyValue, Shape, Weight
from .base import (
    Call,
    LayerEntry,
    Param,
    ParamRule,
    ShapeError,
    ShapeRule,
    keyword,
    layer,
    positional,
    regularizers_and_constraints,
    required,
)
from .rules import (
    conv_length,
    deconv_length,
    join_channels,
    known,
    positive_spatial,
    show,
    split_channels,
)


@dataclass(frozen=True)
class NonNegativeInts(IntTuple):
    """An int, or a tuple of `rank` ints, each 0 or more: a transposed convolution's output_padding."""

    minimum: int = 0

    @property
    def description(self) -> str:
        if self.rank == 1:
            return "a non-negative integer, or a tuple of one such as (1,)"
        example = "x".join(["1"] * self.rank)
        return f"a non-negative integer or {self.rank} of them such as {example}"


def ones(rank: int) -> PyValue:
    """Keras' default for strides and dilation_rate: `1` in 1D, `(1, 1)` in 2D, ..."""
    return 1 if rank == 1 else (1,) * rank


def conv_params(rank: int, padding: ArgType) -> tuple[Param, ...]:
    sizes = IntTuple(rank)
    return (
        required("filters", POSITIVE_INT, example="16"),
        required("kernel_size", sizes),
        positional("strides", sizes, ones(rank)),
        positional("padding", padding, "valid"),
        keyword("data_format", DATA_FORMAT),
        keyword("dilation_rate", sizes, ones(rank)),
        keyword("groups", POSITIVE_INT, 1),
        keyword("activation", OPTIONAL_ACTIVATION),
        keyword("use_bias", BOOL, True),
        keyword("kernel_initializer", INITIALIZER, "glorot_uniform"),
        keyword("bias_initializer", INITIALIZER, "zeros"),
        *regularizers_and_constraints("kernel", "bias"),
    )


def conv_transpose_params(rank: int) -> tuple[Param, ...]:
    sizes = IntTuple(rank)
    output_padding = keyword("output_padding", Nullable(NonNegativeInts(rank)))
    data_format = keyword("data_format", DATA_FORMAT)
    # Conv3DTranspose takes data_format before output_padding; the others after.
    middle = (data_format, output_padding) if rank == 3 else (output_padding, data_format)
    return (
        required("filters", POSITIVE_INT, example="16"),
        required("kernel_size", sizes),
        positional("strides", sizes, ones(rank)),
        positional("padding", PADDING, "valid"),
        *middle,
        keyword("dilation_rate", sizes, ones(rank)),
        keyword("activation", OPTIONAL_ACTIVATION),
        keyword("use_bias", BOOL, True),
        keyword("kernel_initializer", INITIALIZER, "glorot_uniform"),
        keyword("bias_initializer", INITIALIZER, "zeros"),
        *regularizers_and_constraints("kernel", "bias"),
    )


def separable_params(rank: int) -> tuple[Param, ...]:
    sizes = IntTuple(rank)
    return (
        required("filters", POSITIVE_INT, example="16"),
        required("kernel_size", sizes),
        positional("strides", sizes, ones(rank)),
        positional("padding", PADDING, "valid"),
        keyword("data_format", DATA_FORMAT),
        keyword("dilation_rate", sizes, ones(rank)),
        keyword("depth_multiplier", POSITIVE_INT, 1),
        keyword("activation", OPTIONAL_ACTIVATION),
        keyword("use_bias", BOOL, True),
        keyword("depthwise_initializer", INITIALIZER, "glorot_uniform"),
        keyword("pointwise_initializer", INITIALIZER, "glorot_uniform"),
        keyword("bias_initializer", INITIALIZER, "zeros"),
        *regularizers_and_constraints("depthwise", "pointwise", "bias"),
    )


def depthwise_params(rank: int) -> tuple[Param, ...]:
    sizes = IntTuple(rank)
    return (
        required("kernel_size", sizes),
        positional("strides", sizes, ones(rank)),
        positional("padding", PADDING, "valid"),
        positional("depth_multiplier", POSITIVE_INT, 1),
        keyword("data_format", DATA_FORMAT),
        keyword("dilation_rate", sizes, ones(rank)),
        keyword("activation", OPTIONAL_ACTIVATION),
        keyword("use_bias", BOOL, True),
        keyword("depthwise_initializer", INITIALIZER, "glorot_uniform"),
        keyword("bias_initializer", INITIALIZER, "zeros"),
        *regularizers_and_constraints("depthwise", "bias"),
    )


def no_strides_with_dilation(call: Call, rank: int) -> None:
    """Conv and ConvTranspose refuse strides > 1 together with dilation_rate > 1, on any axes."""
    strides, dilation = call.ints("strides", rank), call.ints("dilation_rate", rank)
    if max(strides) > 1 and max(dilation) > 1:
        raise ShapeError(
            "strides > 1 cannot be combined with dilation_rate > 1. "
            f"Received: strides={show(strides)}, dilation_rate={show(dilation)}",
            "dilation_rate",
        )


def input_channels(call: Call, rank: int) -> tuple[tuple[int | None, ...], int]:
    """(spatial dimensions, channels) of the input; the channels make weights, so must be known."""
    spatial, channels = split_channels(call, rank)
    return spatial, known(channels, "the channels dimension", call.input)


def conv_spatial(call: Call, rank: int, spatial: tuple[int | None, ...]) -> list[int | None]:
    """The output's spatial dimensions of a (depthwise, separable) convolution."""
    kernel, strides = call.ints("kernel_size", rank), call.ints("strides", rank)
    dilation, padding = call.ints("dilation_rate", rank), call.word("padding")
    out = [
        conv_length(n, k, s, padding, d)
        for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True)
    ]
    positive_spatial(call, out, "kernel_size")
    return out


def conv_shape(rank: int) -> ShapeRule:
    def rule(call: Call) -> Shape:
        no_strides_with_dilation(call, rank)
        spatial, channels = input_channels(call, rank)
        groups, filters = call.int("groups"), call.int("filters")
        if channels % groups or filters % groups:
            raise ShapeError(
                f"groups={groups} must divide both the input channels ({channels}) "
                f"and filters ({filters})",
                "groups",
            )
        return join_channels(call, conv_spatial(call, rank, spatial), filters)

    return rule


def conv_weights(rank: int) -> ParamRule:
    def rule(call: Call) -> list[Weight]:
        _, channels = input_channels(call, rank)
        kernel = math.prod(call.ints("kernel_size", rank))
        filters = call.int("filters")
        weights = [Weight(kernel * (channels // call.int("groups")) * filters)]
        if call.flag("use_bias"):
            weights.append(Weight(filters))
        return weights

    return rule


def conv_transpose_shape(rank: int) -> ShapeRule:
    def rule(call: Call) -> Shape:
        strides = call.ints("strides", rank)
        extra = call.optional_ints("output_padding", rank)
        if extra is not None and any(p >= s for p, s in zip(extra, strides, strict=True)):
            raise ShapeError(
                "output_padding must be less than strides on every axis. "
                f"Received: output_padding={show(extra)}, strides={show(strides)}",
                "output_padding",
            )
        no_strides_with_dilation(call, rank)
        spatial, _ = input_channels(call, rank)
        kernel, dilation = call.ints("kernel_size", rank), call.ints("dilation_rate", rank)
        padding = call.word("padding")
        out = [
            deconv_length(n, k, s, padding, d, None if extra is None else extra[i])
            for i, (n, k, s, d) in enumerate(zip(spatial, kernel, strides, dilation, strict=True))
        ]
        positive_spatial(call, out, "kernel_size" if extra is None else "output_padding")
        return join_channels(call, out, call.int("filters"))

    return rule


def conv_transpose_weights(rank: int) -> ParamRule:
    def rule(call: Call) -> list[Weight]:
        _, channels = input_channels(call, rank)
        kernel = math.prod(call.ints("kernel_size", rank))
        filters = call.int("filters")
        weights = [Weight(kernel * filters * channels)]
        if call.flag("use_bias"):
            weights.append(Weight(filters))
        return weights

    return rule


def separable_shape(rank: int) -> ShapeRule:
    def rule(call: Call) -> Shape:
        spatial, _ = input_channels(call, rank)
        return join_channels(call, conv_spatial(call, rank, spatial), call.int("filters"))

    return rule


def separable_weights(rank: int) -> ParamRule:
    def rule(call: Call) -> list[Weight]:
        _, channels = input_channels(call, rank)
        depthwise = channels * call.int("depth_multiplier")
        filters = call.int("filters")
        weights = [
            Weight(math.prod(call.ints("kernel_size", rank)) * depthwise),
            Weight(depthwise * filters),
        ]
        if call.flag("use_bias"):
            weights.append(Weight(filters))
        return weights

    return rule


def depthwise_shape(rank: int) -> ShapeRule:
    def rule(call: Call) -> Shape:
        spatial, channels = input_channels(call, rank)
        out = conv_spatial(call, rank, spatial)
        return join_channels(call, out, channels * call.int("depth_multiplier"))

    return rule


def depthwise_weights(rank: int) -> ParamRule:
    def rule(call: Call) -> list[Weight]:
        _, channels = input_channels(call, rank)
        depthwise = channels * call.int("depth_multiplier")
        weights = [Weight(math.prod(call.ints("kernel_size", rank)) * depthwise)]
        if call.flag("use_bias"):
            weights.append(Weight(depthwise))
        return weights

    return rule


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "Conv1D",
        *conv_params(1, CONV1D_PADDING),
        shape=conv_shape(1),
        weights=conv_weights(1),
        aliases=("convolution1d",),
        summary="1D convolution over steps",
        example="conv1d 32 5 relu padding=causal",
    ),
    layer(
        "Conv2D",
        *conv_params(2, PADDING),
        shape=conv_shape(2),
        weights=conv_weights(2),
        aliases=("convolution2d",),
        summary="2D convolution",
        example="conv2d 32 3x3 relu padding=same",
    ),
    layer(
        "Conv3D",
        *conv_params(3, PADDING),
        shape=conv_shape(3),
        weights=conv_weights(3),
        aliases=("convolution3d",),
        summary="3D convolution over volumes (or frames of images)",
        example="conv3d 16 3x3x3 relu padding=same",
    ),
    layer(
        "Conv1DTranspose",
        *conv_transpose_params(1),
        shape=conv_transpose_shape(1),
        weights=conv_transpose_weights(1),
        aliases=("convolution1dtranspose",),
        summary="transposed 1D convolution: upsamples the steps",
        example="conv1dtranspose 16 3 strides=2 padding=same",
    ),
    layer(
        "Conv2DTranspose",
        *conv_transpose_params(2),
        shape=conv_transpose_shape(2),
        weights=conv_transpose_weights(2),
        aliases=("convolution2dtranspose",),
        summary="transposed 2D convolution: upsamples images",
        example="conv2dtranspose 16 3x3 strides=2 padding=same relu",
    ),
    layer(
        "Conv3DTranspose",
        *conv_transpose_params(3),
        shape=conv_transpose_shape(3),
        weights=conv_transpose_weights(3),
        aliases=("convolution3dtranspose",),
        summary="transposed 3D convolution: upsamples volumes",
        example="conv3dtranspose 8 3x3x3 strides=2 padding=same",
    ),
    layer(
        "SeparableConv1D",
        *separable_params(1),
        shape=separable_shape(1),
        weights=separable_weights(1),
        aliases=("separableconvolution1d",),
        summary="depthwise 1D convolution of each channel, then a pointwise one mixing them",
        example="separableconv1d 32 5 relu padding=same",
    ),
    layer(
        "SeparableConv2D",
        *separable_params(2),
        shape=separable_shape(2),
        weights=separable_weights(2),
        aliases=("separableconvolution2d",),
        summary="depthwise 2D convolution of each channel, then a pointwise one mixing them",
        example="separableconv2d 64 3x3 relu padding=same",
    ),
    layer(
        "DepthwiseConv1D",
        *depthwise_params(1),
        shape=depthwise_shape(1),
        weights=depthwise_weights(1),
        summary="1D convolution of each channel on its own (depth_multiplier outputs each)",
        example="depthwiseconv1d 3 padding=same depth_multiplier=2",
    ),
    layer(
        "DepthwiseConv2D",
        *depthwise_params(2),
        shape=depthwise_shape(2),
        weights=depthwise_weights(2),
        summary="2D convolution of each channel on its own (depth_multiplier outputs each)",
        example="depthwiseconv2d 3x3 relu padding=same",
    ),
)
