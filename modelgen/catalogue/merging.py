"""Merge layers: Concatenate, Add, Multiply."""

from __future__ import annotations

from .. import argtypes as t
from ..ir import Shape
from .base import Call, LayerEntry, ShapeError, layer, positional
from .rules import broadcast, show


def elementwise_shape(call: Call) -> Shape:
    """Add, Multiply, ...: equal shapes, or shapes that broadcast where a dimension is 1."""
    first = call.inputs[0]
    out: Shape | None = first[1:]
    for other in call.inputs[1:]:
        merged = broadcast(out, other[1:])  # type: ignore[arg-type]
        if merged is None:
            raise ShapeError(f"inputs {show(first)} and {show(other)} have incompatible shapes")
        out = merged
    batches = {s[0] for s in call.inputs} - {None}
    return (batches.pop() if len(batches) == 1 else None, *out)  # type: ignore[misc]


def _concatenate_shape(call: Call) -> Shape:
    shapes = call.inputs
    rank = len(shapes[0])
    for shape in shapes[1:]:
        if len(shape) != rank:
            raise ShapeError(f"inputs {show(shapes[0])} and {show(shape)} have different ranks")
    axis = call["axis"] % rank  # type: ignore[operator]
    if axis == 0:
        raise ShapeError("cannot concatenate along the batch axis", "axis")
    for shape in shapes[1:]:
        for i in range(1, rank):
            a, b = shapes[0][i], shape[i]
            if i != axis and a is not None and b is not None and a != b:
                raise ShapeError(f"inputs {show(shapes[0])} and {show(shape)} differ on axis {i}")
    sizes = [s[axis] for s in shapes]
    total = None if any(s is None for s in sizes) else sum(sizes)  # type: ignore[arg-type]
    out = list(shapes[0])
    out[axis] = total
    return tuple(out)


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "Concatenate",
        positional("axis", t.INT, -1),
        shape=_concatenate_shape,
        inputs=(2, None),
        aliases=("concat",),
        summary="joins its inputs along an axis",
        example="concatenate <- a, b",
    ),
    layer(
        "Add",
        shape=elementwise_shape,
        inputs=(2, None),
        summary="element-wise sum of its inputs",
        example="add <- a, b",
    ),
    layer(
        "Multiply",
        shape=elementwise_shape,
        inputs=(2, None),
        summary="element-wise product of its inputs",
        example="multiply <- a, b",
    ),
)
