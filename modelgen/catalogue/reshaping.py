"""Shape layers: ZeroPadding, Cropping, UpSampling (1D/2D/3D), Permute, RepeatVector.

Reshape and Flatten live in core.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..argtypes import DATA_FORMAT, POSITIVE_INT, ArgType, Choice, IntTuple
from ..ir import PyValue, Shape, Value, ValueKind
from .base import (
    Call,
    LayerEntry,
    ShapeError,
    ShapeRule,
    int_tuple,
    keyword,
    layer,
    positional,
    required,
)
from .rules import expect_rank, join_channels, show, split_channels


def _natural(value: Value) -> bool:
    return value.integer is not None and value.integer >= 0


def _pair(value: Value) -> bool:
    items = value.data
    return (
        value.kind is ValueKind.TUPLE
        and isinstance(items, tuple)
        and len(items) == 2
        and all(_natural(i) for i in items)
    )


@dataclass(frozen=True)
class Margins(ArgType):
    """What ZeroPadding and Cropping take: how much to add or cut on each side of each axis.

    1D: an int (both sides), or `(before, after)`. 2D/3D: an int (every side), `rank`
    ints (both sides of each axis), or `rank` items each an int or a `(before, after)`
    pair: `((1, 2), (3, 4))`, `(1x2, 3)`.
    """

    rank: int

    @property
    def description(self) -> str:
        if self.rank == 1:
            return "a non-negative integer, or 2 of them (before, after) such as 1x2"
        pairs = ", ".join(["(1, 2)"] * self.rank)
        return (
            f"a non-negative integer, {self.rank} of them (one per axis) such as "
            f"{'x'.join(['1'] * self.rank)}, or {self.rank} (before, after) pairs such as ({pairs})"
        )

    @property
    def example(self) -> str:
        return "x".join(["1"] * max(self.rank, 2))

    def canonical(self, value: PyValue) -> PyValue:
        """Every form as Keras saves it: a (before, after) pair per axis (1D: one pair)."""
        pairs: tuple[PyValue, ...]
        if isinstance(value, int):
            pairs = ((value, value),) * self.rank
        elif self.rank == 1:
            pairs = (_items(value),)
        else:
            pairs = tuple((v, v) if isinstance(v, int) else _items(v) for v in _items(value))
        return pairs[0] if self.rank == 1 else pairs

    def coerce(self, value: Value) -> PyValue:
        if value.integer is not None and value.integer >= 0:
            return value.integer
        if self.rank == 1 and _pair(value):
            return value.python()
        items = value.data
        if (
            self.rank > 1
            and value.kind is ValueKind.TUPLE
            and isinstance(items, tuple)
            and len(items) == self.rank
            and all(_natural(i) or _pair(i) for i in items)
        ):
            return value.python()
        raise self.fail(value)


def _items(value: PyValue) -> tuple[PyValue, ...]:
    """`tuple(value)` of a tuple or a string; `TypeError` for any other value, as `tuple()`
    raises (the importer gives `canonical` what a config holds, and reports that error)."""
    if isinstance(value, str):
        return tuple(value)
    if not isinstance(value, tuple):
        raise TypeError(f"{value!r} is not a tuple")
    return value


def pairs(call: Call, name: str, rank: int) -> list[tuple[int, int]]:
    """A `Margins` parameter as one (before, after) pair per axis."""
    value = call.args[name]
    axes = (value,) if rank == 1 else value if isinstance(value, tuple) else (value,) * rank
    return [_pair_of(int_tuple(axis, 2, name)) for axis in axes]


def _pair_of(sides: tuple[int, ...]) -> tuple[int, int]:
    before, after = sides
    return before, after


@dataclass(frozen=True)
class Axes(ArgType):
    """Permute's dims: a tuple of axes; the shape rule checks that they permute 1..n."""

    description = "a tuple of axes such as 2x1 or (3, 1, 2)"
    example = "2x1"

    def coerce(self, value: Value) -> PyValue:
        items = value.data
        if (
            value.kind is ValueKind.TUPLE
            and isinstance(items, tuple)
            and all(i.kind is ValueKind.INT for i in items)
        ):
            return value.python()
        raise self.fail(value)


MARGINS_1D, MARGINS_2D, MARGINS_3D = Margins(1), Margins(2), Margins(3)
INTERPOLATION = Choice(
    "interpolation", ("nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5")
)
AXES = Axes()


def zero_padding_shape(rank: int) -> ShapeRule:
    def rule(call: Call) -> Shape:
        spatial, channels = split_channels(call, rank)
        out = [
            None if n is None else n + before + after
            for n, (before, after) in zip(spatial, pairs(call, "padding", rank), strict=True)
        ]
        return join_channels(call, out, channels)

    return rule


def cropping_shape(rank: int) -> ShapeRule:
    def rule(call: Call) -> Shape:
        spatial, channels = split_channels(call, rank)
        cropping = pairs(call, "cropping", rank)
        out = [
            None if n is None else n - before - after
            for n, (before, after) in zip(spatial, cropping, strict=True)
        ]
        if any(d is not None and d <= 0 for d in out):
            cut = ", ".join(f"({before}, {after})" for before, after in cropping)
            raise ShapeError(
                f"cropping ({cut}) must cut less than each axis; it would leave {show(out)}. "
                f"Received input {show(call.input)}",
                "cropping",
            )
        return join_channels(call, out, channels)

    return rule


def up_sampling_shape(rank: int) -> ShapeRule:
    def rule(call: Call) -> Shape:
        spatial, channels = split_channels(call, rank)
        out = [
            None if n is None else n * size
            for n, size in zip(spatial, call.ints("size", rank), strict=True)
        ]
        return join_channels(call, out, channels)

    return rule


def _permute_shape(call: Call) -> Shape:
    dims = call.sizes("dims")
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise ShapeError(
            f"dims must order the axes 1 to {len(dims)} (the batch axis, 0, stays first), "
            f"each once. Received: dims={show(dims)}",
            "dims",
        )
    shape = call.input
    if len(shape) != len(dims) + 1:
        raise ShapeError(
            f"dims={show(dims)} permutes {len(dims)} axes, so it expects an input of rank "
            f"{len(dims) + 1} (batch axis included). Received: {show(shape)}",
            "dims",
        )
    return (shape[0], *(shape[d] for d in dims))


def _repeat_vector_shape(call: Call) -> Shape:
    batch, features = expect_rank(call, 2)
    return (batch, call.int("n"), features)


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "ZeroPadding1D",
        positional("padding", MARGINS_1D, 1),
        keyword("data_format", DATA_FORMAT),
        shape=zero_padding_shape(1),
        summary="adds zeros at the start and end of the steps axis",
        example="zeropadding1d 2",
    ),
    layer(
        "ZeroPadding2D",
        positional("padding", MARGINS_2D, (1, 1)),
        keyword("data_format", DATA_FORMAT),
        shape=zero_padding_shape(2),
        summary="adds rows and columns of zeros around images",
        example="zeropadding2d ((1, 2), (1, 2))",
    ),
    layer(
        "ZeroPadding3D",
        positional("padding", MARGINS_3D, ((1, 1), (1, 1), (1, 1))),
        keyword("data_format", DATA_FORMAT),
        shape=zero_padding_shape(3),
        summary="adds zeros around volumes",
        example="zeropadding3d 1x2x2",
    ),
    layer(
        "Cropping1D",
        positional("cropping", MARGINS_1D, (1, 1)),
        shape=cropping_shape(1),
        summary="cuts steps off the start and end of the steps axis",
        example="cropping1d (2, 1)",
    ),
    layer(
        "Cropping2D",
        positional("cropping", MARGINS_2D, ((0, 0), (0, 0))),
        keyword("data_format", DATA_FORMAT),
        shape=cropping_shape(2),
        summary="cuts rows and columns off the edges of images",
        example="cropping2d ((2, 2), (4, 4))",
    ),
    layer(
        "Cropping3D",
        positional("cropping", MARGINS_3D, ((1, 1), (1, 1), (1, 1))),
        keyword("data_format", DATA_FORMAT),
        shape=cropping_shape(3),
        summary="cuts the edges off volumes",
        example="cropping3d 1x2x2",
    ),
    layer(
        "UpSampling1D",
        positional("size", POSITIVE_INT, 2),
        shape=up_sampling_shape(1),
        summary="repeats each step size times",
        example="upsampling1d 2",
    ),
    layer(
        "UpSampling2D",
        positional("size", IntTuple(2), (2, 2)),
        keyword("data_format", DATA_FORMAT),
        keyword("interpolation", INTERPOLATION, "nearest"),
        shape=up_sampling_shape(2),
        summary="enlarges images by size, repeating rows and columns or interpolating",
        example="upsampling2d 2x2 interpolation=bilinear",
    ),
    layer(
        "UpSampling3D",
        positional("size", IntTuple(3), (2, 2, 2)),
        keyword("data_format", DATA_FORMAT),
        shape=up_sampling_shape(3),
        summary="enlarges volumes by size, repeating along each axis",
        example="upsampling3d 2x2x2",
    ),
    layer(
        "Permute",
        required("dims", AXES, example="10"),
        shape=_permute_shape,
        summary="reorders the axes after the batch axis (numbered from 1)",
        example="permute 2x1",
    ),
    layer(
        "RepeatVector",
        required("n", POSITIVE_INT),
        shape=_repeat_vector_shape,
        summary="repeats a vector n times: (batch, features) to (batch, n, features)",
        example="repeatvector 10",
    ),
)
