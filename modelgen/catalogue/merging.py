"""Merge layers: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot."""

from __future__ import annotations

from dataclasses import dataclass

from ..argtypes import BOOL, INT, ArgType, all_integers
from ..ir import PyValue, Shape, Value
from .base import Call, LayerEntry, ShapeError, keyword, layer, positional, required
from .rules import broadcast, show


@dataclass(frozen=True)
class DotAxes(ArgType):
    """Dot's `axes`: one axis for both inputs, or a pair (axis of the first, axis of the second)."""

    description = "an axis (integer), or two such as (1, 2): one for each input"
    example = "(1, 2)"

    def coerce(self, value: Value) -> PyValue:
        if value.integer is not None:
            return value.integer
        if isinstance(value.data, tuple) and len(value.data) == 2 and all_integers(value):
            return value.python()
        raise self.fail(value)


def _batch_size(call: Call) -> int | None:
    """The batch size the inputs agree on; Keras refuses inputs of different known batch sizes."""
    known = [s for s in call.inputs if s[0] is not None]
    for shape in known[1:]:
        if shape[0] != known[0][0]:
            raise ShapeError(
                f"inputs {show(known[0])} and {show(shape)} have different batch sizes",
                hint="give every input the same batch_size, or leave it out",
            )
    return known[0][0] if known else None


def elementwise_shape(call: Call) -> Shape:
    """Add, Multiply, ...: equal shapes, or shapes that broadcast where a dimension is 1.

    As in Keras, the shapes (without the batch axis) are aligned on their last axes,
    so inputs of different ranks merge when the shorter one fits the longer one's end.
    """
    batch = _batch_size(call)
    first = call.inputs[0]
    out: Shape = first[1:]
    for other in call.inputs[1:]:
        merged = broadcast(out, other[1:])
        if merged is None:
            raise ShapeError(
                f"inputs {show(first)} and {show(other)} have incompatible shapes",
                hint="give the inputs equal shapes (a dimension of 1 broadcasts), "
                "e.g. the same units on each branch",
            )
        out = merged
    return (batch, *out)


def _concatenate_shape(call: Call) -> Shape:
    shapes = call.inputs
    first, rank = shapes[0], len(shapes[0])
    for shape in shapes[1:]:
        if len(shape) != rank:
            raise ShapeError(
                f"inputs {show(first)} and {show(shape)} have different ranks",
                hint="flatten or reshape an input so that all have the same rank",
            )
    axis = call.int("axis")
    if not -rank <= axis < rank:
        raise ShapeError(
            f"expected an axis from {-rank} to {rank - 1} for inputs of rank {rank} "
            f"(batch axis included). Received: axis={axis}",
            "axis",
        )
    axis %= rank
    for i in range(rank):  # every other axis, the batch axis included, must agree where known
        if i == axis:
            continue
        sized = [s for s in shapes if s[i] is not None]
        for shape in sized[1:]:
            if shape[i] != sized[0][i]:
                raise ShapeError(
                    f"inputs {show(sized[0])} and {show(shape)} differ on axis {i}",
                    hint=f"only the axis joined along (axis={call.int('axis')}) may differ: "
                    "resize, crop or pool an input to match",
                )
    sizes = [s[axis] for s in shapes]
    known = [d for d in sizes if d is not None]
    out = list(first)  # Keras keeps the first input's dimensions, unknown ones included
    out[axis] = sum(known) if len(known) == len(sizes) else None
    return tuple(out)


def _dot_axes(call: Call) -> tuple[int, int]:
    """The two axes Dot reduces, as indices into the inputs' shapes (batch axis included)."""
    first, second = call.inputs
    axes = call.args["axes"]  # as written, for messages
    given = call.axes("axes")  # one for both inputs, or one for each
    if len(given) == 1:
        (axis,) = given
        pair = (axis % len(first), axis % len(second)) if axis < 0 else (axis, axis)
    else:
        pair = (given[0], given[1])
    for axis, shape in zip(pair, (first, second), strict=True):
        if not -len(shape) <= axis < len(shape):
            raise ShapeError(
                f"expected an axis from {-len(shape)} to {len(shape) - 1} for the input "
                f"{show(shape)} (batch axis included). Received: axes={axes}",
                "axes",
            )
    a, b = pair[0] % len(first), pair[1] % len(second)
    if 0 in (a, b):
        raise ShapeError(
            "expected axes other than the batch axis 0 "
            f"(Keras builds the layer but fails when it runs). Received: axes={axes}",
            "axes",
        )
    if first[a] != second[b]:  # Keras compares unknown sizes too: None differs from 4
        raise ShapeError(
            f"inputs {show(first)} and {show(second)} differ on the axes of the dot product: "
            f"{first[a]} (axis {a}) != {second[b]} (axis {b})",
            "axes",
            "choose axes of equal size, one in each input",
        )
    if None not in (first[0], second[0]) and first[0] != second[0]:
        raise ShapeError(
            f"inputs {show(first)} and {show(second)} have different batch sizes "
            "(Keras builds the layer but fails when it runs)"
        )
    return a, b


def _dot_shape(call: Call) -> Shape:
    a, b = _dot_axes(call)
    first, second = call.inputs
    out = [*first[:a], *first[a + 1 :], *second[1:b], *second[b + 1 :]]
    return tuple(out) if len(out) > 1 else (*out, 1)


def _merge(keyword_: str, summary: str, inputs: tuple[int, int | None] = (2, None)) -> LayerEntry:
    return layer(
        keyword_,
        shape=elementwise_shape,
        inputs=inputs,
        summary=summary,
        example=f"{keyword_.lower()} <- a, b",
    )


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "Concatenate",
        positional("axis", INT, -1),
        shape=_concatenate_shape,
        inputs=(2, None),
        aliases=("concat",),
        summary="joins its inputs along an axis",
        example="concatenate <- a, b",
    ),
    _merge("Add", "element-wise sum of its inputs"),
    _merge("Subtract", "element-wise difference of its two inputs: first minus second", (2, 2)),
    _merge("Multiply", "element-wise product of its inputs"),
    _merge("Average", "element-wise mean of its inputs"),
    _merge("Maximum", "element-wise maximum of its inputs"),
    _merge("Minimum", "element-wise minimum of its inputs"),
    layer(
        "Dot",
        required("axes", DotAxes(), example="10"),
        keyword("normalize", BOOL, False),
        shape=_dot_shape,
        inputs=(2, 2),
        summary="dot products of its two inputs' samples along an axis of each",
        example="dot 1 <- a, b",
    ),
)
