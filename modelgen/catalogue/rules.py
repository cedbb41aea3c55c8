"""Shape arithmetic the catalogue's rules share, written as Keras computes it.

Every function here mirrors a Keras 3 helper (conv_output_length,
deconv_output_length, the merge layers' broadcasting, ...); messages say what
was expected and what was received.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from ..argtypes import DTYPE_ITEMSIZE
from ..ir import Shape, Weight
from .base import Call, ShapeError


def show(shape: Sequence[int | None]) -> str:
    """`(None, 10, 10)`, as Keras prints shapes."""
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def expect_rank(call: Call, *ranks: int) -> Shape:
    """The input's shape, if its rank (batch axis included) is one of `ranks`."""
    shape = call.input
    if len(shape) not in ranks:
        wanted = " or ".join(str(r) for r in ranks)
        raise ShapeError(
            f"expected an input of rank {wanted} (batch axis included). Received: {show(shape)}",
            hint=_rank_hint(shape, min(ranks), max(ranks)),
        )
    return shape


def _rank_hint(shape: Shape, lowest: int, highest: int) -> str:
    """How to bring `shape` to a rank from `lowest` to `highest`."""
    if len(shape) > highest:
        return "flatten it first ('flatten'), or pool it ('globalaveragepooling2d' for images)"
    dims = shape[1:]
    if len(shape) + 1 == lowest and dims and all(d is not None for d in dims):
        target = "x".join(str(d) for d in (*dims, 1))
        return f"add a channels axis first: 'reshape {target}'"
    return f"reshape it to rank {lowest} first (batch axis included), e.g. with 'reshape'"


def expect_min_rank(call: Call, rank: int) -> Shape:
    shape = call.input
    if len(shape) < rank:
        raise ShapeError(
            f"expected an input of rank {rank} or more (batch axis included). Received: {show(shape)}",
            hint=_rank_hint(shape, rank, rank),
        )
    return shape


def known(dimension: int | None, what: str, shape: Shape) -> int:
    """A dimension that must be known, e.g. the last one a Dense layer reads."""
    if dimension is None:
        raise ShapeError(
            f"{what} of the input must be known. Received: {show(shape)}",
            hint="the layer's weights are sized by it: give that dimension a size, not '?'",
        )
    return dimension


def last_dimension(call: Call) -> int:
    shape = expect_min_rank(call, 2)
    return known(shape[-1], "the last dimension", shape)


def channels_first(call: Call) -> bool:
    return call.args.get("data_format") == "channels_first"


def split_channels(call: Call, rank: int) -> tuple[tuple[int | None, ...], int | None]:
    """(spatial dimensions, channels) of a `rank`-D input, honouring data_format."""
    shape = expect_rank(call, rank + 2)
    if channels_first(call):
        return shape[2:], shape[1]
    return shape[1:-1], shape[-1]


def join_channels(call: Call, spatial: Sequence[int | None], channels: int | None) -> Shape:
    batch = call.input[0]
    if channels_first(call):
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def conv_length(
    length: int | None, kernel: int, stride: int, padding: str, dilation: int = 1
) -> int | None:
    """keras.src.ops.operation_utils.compute_conv_output_shape, one dimension."""
    if length is None:
        return None
    span = dilation * (kernel - 1) + 1
    if padding == "valid":
        out = (length - span) // stride + 1
    else:  # "same" and "causal" keep ceil(length / stride)
        out = math.ceil(length / stride)
    return out


def deconv_length(
    length: int | None,
    kernel: int,
    stride: int,
    padding: str,
    dilation: int = 1,
    output_padding: int | None = None,
) -> int | None:
    """keras.src.utils.conv_utils.deconv_output_length."""
    if length is None:
        return None
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(kernel - stride, 0)
        return length * stride
    pad = 0 if padding == "valid" else kernel // 2
    return (length - 1) * stride + kernel - 2 * pad + output_padding


def positive_spatial(call: Call, spatial: Sequence[int | None], argument: str) -> None:
    """Keras refuses a convolution or pooling whose output would have no size."""
    if any(d is not None and d <= 0 for d in spatial):
        raise ShapeError(
            f"the output would have a dimension of size 0 or less: {show(spatial)}. "
            f"Received input {show(call.input)}",
            argument,
            f"make {argument} smaller than the input, or use padding=same",
        )


def broadcast(first: Shape, second: Shape) -> Shape | None:
    """The merge layers' element-wise broadcasting (without the batch axis); None if incompatible."""
    if len(first) < len(second):
        first, second = second, first
    if not second:
        return first
    out = list(first[: len(first) - len(second)])
    for i, j in zip(first[len(first) - len(second) :], second, strict=True):
        if i is None or j is None:
            out.append(None)
        elif i == 1:
            out.append(j)
        elif j == 1 or i == j:
            out.append(i)
        else:
            return None
    return tuple(out)


def dense_weights(inputs: int, units: int, use_bias: bool) -> list[Weight]:
    weights = [Weight(inputs * units)]
    if use_bias:
        weights.append(Weight(units))
    return weights


def product(dimensions: Sequence[int | None]) -> int | None:
    """The number of elements, or None if any dimension is unknown."""
    sizes = [d for d in dimensions if d is not None]
    return math.prod(sizes) if len(sizes) == len(dimensions) else None


def itemsize(call: Call) -> int:
    """Bytes per number of the layer's own variables (Keras builds these in integer dtypes too)."""
    return DTYPE_ITEMSIZE.get(str(call.args.get("dtype")), 4)


def as_declared(call: Call, weights: list[Weight]) -> list[Weight]:
    """Apply the layer's own `trainable=` and `dtype=` to the weights its rule gives."""
    size = DTYPE_ITEMSIZE.get(str(call.args.get("dtype")))
    frozen = call.args.get("trainable") is False
    return [
        dataclasses.replace(
            w,
            itemsize=size if size and w.itemsize == 4 else w.itemsize,
            trainable=w.trainable and not frozen,
        )
        for w in weights
    ]
