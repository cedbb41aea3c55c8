"""Normalization: BatchNormalization, LayerNormalization, GroupNormalization, Normalization, Rescaling."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..argtypes import (
    AXIS,
    BOOL,
    CONSTRAINT,
    INITIALIZER,
    INT,
    NUMBER,
    REGULARIZER,
    ArgType,
    Nullable,
)
from ..ir import PyValue, Shape, Value, Weight
from .base import MASK, TRAINING, Call, LayerEntry, ShapeError, keyword, layer, positional, required
from .rules import itemsize, show


@dataclass(frozen=True)
class Numbers(ArgType):
    """A number, or a tuple of numbers (one per channel), as Rescaling and Normalization take them."""

    description = "a number or a tuple of numbers such as (0.5, 0.25)"
    example = "0.5"

    def coerce(self, value: Value) -> PyValue:
        if value.number is not None:
            return value.number
        if isinstance(value.data, tuple) and all(i.number is not None for i in value.data):
            return value.python()
        raise self.fail(value)


@dataclass(frozen=True)
class Groups(ArgType):
    """GroupNormalization's `groups`: a positive integer, or -1 for one group per channel."""

    description = "a positive integer, or -1 for one group per channel"
    example = "8"

    def coerce(self, value: Value) -> PyValue:
        if value.integer is not None and (value.integer == -1 or value.integer >= 1):
            return value.integer
        raise self.fail(value)


NUMBERS = Numbers()
OPTIONAL_NUMBERS = Nullable(NUMBERS)
GROUPS = Groups()

CENTER_AND_SCALE = (keyword("center", BOOL, True), keyword("scale", BOOL, True))
BETA_AND_GAMMA_INITIALIZERS = (
    keyword("beta_initializer", INITIALIZER, "zeros"),
    keyword("gamma_initializer", INITIALIZER, "ones"),
)
BETA_AND_GAMMA_REGULARIZERS_AND_CONSTRAINTS = (
    keyword("beta_regularizer", REGULARIZER),
    keyword("gamma_regularizer", REGULARIZER),
    keyword("beta_constraint", CONSTRAINT),
    keyword("gamma_constraint", CONSTRAINT),
)
SCALE_AND_CENTER = (
    *CENTER_AND_SCALE,
    *BETA_AND_GAMMA_INITIALIZERS,
    *BETA_AND_GAMMA_REGULARIZERS_AND_CONSTRAINTS,
)


def axis_index(call: Call, axis: int) -> int:
    """`axis` as an index into the input's shape (batch axis included), if Keras can index with it."""
    rank = len(call.input)
    if not -rank <= axis < rank:
        raise ShapeError(
            f"expected an axis from {-rank} to {rank - 1} for an input of rank {rank} "
            f"(batch axis included). Received: axis={axis} for an input {show(call.input)}",
            "axis",
        )
    return axis % rank


def axis_size(call: Call, axis: int) -> int:
    """The size of a normalized axis, which Keras needs to know to create the weights."""
    size = call.input[axis_index(call, axis)]
    if size is None:
        raise ShapeError(
            f"the normalized axis {axis} of the input must be known. Received: {show(call.input)}",
            "axis",
        )
    return size


def distinct_axes(call: Call, axes: tuple[int, ...]) -> list[int]:
    """The axes as indices; an axis named twice (as 2 and -1, say) is refused."""
    indices = [axis_index(call, a) for a in axes]
    for i, index in enumerate(indices):
        if index in indices[:i]:
            raise ShapeError(
                f"expected distinct axes; axis {index} is given twice "
                f"(Keras builds the layer but fails when it runs). Received: axis={axes}",
                "axis",
            )
    return indices


FLOAT_DTYPES = (None, "float16", "bfloat16", "float32", "float64")


def _batch_norm_shape(call: Call) -> Shape:
    axis_size(call, call.int("axis"))
    if call.flag("renorm") and call.args.get("dtype") not in FLOAT_DTYPES:
        # renorm's moving standard deviation starts as the square root of a float
        raise ShapeError(
            f"expected a float dtype with renorm=true. Received: dtype={call.args['dtype']}",
            "renorm",
        )
    return call.input


def _batch_norm_weights(call: Call) -> list[Weight]:
    size, bytes_ = axis_size(call, call.int("axis")), itemsize(call)
    weights = [Weight(size, True, bytes_) for flag in ("scale", "center") if call.flag(flag)]
    # the moving mean and variance; renorm adds a moving stddev and its own mean and stddev
    moving = 5 if call.flag("renorm") else 2
    return weights + [Weight(size, False, bytes_)] * moving


def _layer_norm_size(call: Call) -> int:
    axes = distinct_axes(call, call.axes("axis"))
    return math.prod(axis_size(call, a) for a in axes)


def _layer_norm_shape(call: Call) -> Shape:
    _layer_norm_size(call)
    return call.input


def _layer_norm_weights(call: Call) -> list[Weight]:
    size, bytes_ = _layer_norm_size(call), itemsize(call)
    rms = call.flag("rms_scaling")
    gamma = call.flag("scale") or rms
    beta = call.flag("center") and not rms
    return [Weight(size, True, bytes_) for present in (gamma, beta) if present]


def _group_channels(call: Call) -> int:
    channels = axis_size(call, call.int("axis"))
    groups = call.int("groups")
    if groups == -1:
        return channels
    if groups > channels or channels % groups:
        raise ShapeError(
            f"expected a number of groups that divides the {channels} channels of axis "
            f"{call.args['axis']}. Received: groups={groups} for an input {show(call.input)}",
            "groups",
        )
    return channels


def _group_norm_shape(call: Call) -> Shape:
    _group_channels(call)
    return call.input


def _group_norm_weights(call: Call) -> list[Weight]:
    channels, bytes_ = _group_channels(call), itemsize(call)
    return [Weight(channels, True, bytes_) for flag in ("scale", "center") if call.flag(flag)]


def _kept_axes(call: Call) -> list[int]:
    """Normalization's kept axes, sorted, as Keras builds them; their sizes must be known."""
    shape = call.input
    kept = sorted(axis_index(call, a) for a in call.axes("axis"))
    for index in kept:
        if shape[index] is None:
            raise ShapeError(
                f"the kept axis {index} of the input must be known. Received: {show(shape)}",
                "axis",
            )
    return kept


def _normalization_shape(call: Call) -> Shape:
    shape, kept = call.input, _kept_axes(call)
    mean, variance = call.args["mean"], call.args["variance"]
    if (mean is None) != (variance is None):
        given, missing = ("mean", "variance") if variance is None else ("variance", "mean")
        raise ShapeError(
            f"expected both mean and variance, or neither. Received: {given} and no {missing}",
            given,
        )
    if mean is None:
        # The mean and variance weights hold one number per kept axis; Keras then
        # reshapes them to the input's rank, which fails if an axis was named twice.
        if _size(shape, kept) != _size(shape, set(kept)):
            twice = next(i for i in kept if kept.count(i) > 1)
            raise ShapeError(
                f"expected distinct axes; axis {twice} is given twice. Received: axis={call.args['axis']}",
                "axis",
            )
        return shape
    mean_shape, variance_shape = _value_shape(mean), _value_shape(variance)
    if mean_shape != variance_shape:
        raise ShapeError(
            f"expected a variance of the mean's shape {show(mean_shape)}. "
            f"Received: {show(variance_shape)}",
            "variance",
        )
    if len(mean_shape) > len(call.axes("axis")):
        raise ShapeError(
            f"expected a single number for the mean when no axis is kept. Received: mean={mean}",
            "mean",
        )
    if mean_shape and mean_shape[0] not in (1, shape[kept[-1]]):
        raise ShapeError(
            f"expected 1 or {shape[kept[-1]]} numbers for the mean and variance (the size of "
            f"axis {kept[-1]} of the input {show(shape)}). Received: {mean_shape[0]}",
            "mean",
        )
    return shape


def _size(shape: Shape, kept: Iterable[int]) -> int:
    """The number of elements on the kept axes, which `_kept_axes` checked are known."""
    sizes = [shape[i] for i in kept]
    known = [d for d in sizes if d is not None]
    assert len(known) == len(sizes), "the kept axes are known"
    return math.prod(known)


def _value_shape(value: PyValue) -> tuple[int, ...]:
    return (len(value),) if isinstance(value, tuple) else ()


def _normalization_weights(call: Call) -> list[Weight]:
    if call.args["mean"] is not None:
        return []  # given mean and variance are constants, not weights
    size, bytes_ = _size(call.input, _kept_axes(call)), itemsize(call)
    # mean and variance, and an int64 sample count kept for older saved models
    return [Weight(size, False, bytes_), Weight(size, False, bytes_), Weight(1, False, 8)]


def _rescaling_shape(call: Call) -> Shape:
    """Keras builds any scale and offset; a tuple that cannot broadcast fails when it runs."""
    last = call.input[-1]
    for name in ("scale", "offset"):
        value = call.args[name]
        if isinstance(value, tuple) and last is not None and len(value) not in (1, last):
            raise ShapeError(
                f"expected 1 or {last} numbers for {name} (the size of the last axis of the "
                f"input {show(call.input)}; Keras builds the layer but fails when it runs). "
                f"Received: {len(value)}",
                name,
            )
    return call.input


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "BatchNormalization",
        positional("axis", INT, -1),
        positional("momentum", NUMBER, 0.99),
        positional("epsilon", NUMBER, 0.001),
        *CENTER_AND_SCALE,
        *BETA_AND_GAMMA_INITIALIZERS,
        keyword("moving_mean_initializer", INITIALIZER, "zeros"),
        keyword("moving_variance_initializer", INITIALIZER, "ones"),
        *BETA_AND_GAMMA_REGULARIZERS_AND_CONSTRAINTS,
        keyword("renorm", BOOL, False),
        keyword("renorm_momentum", NUMBER, 0.99),
        keyword("synchronized", BOOL, False),
        shape=_batch_norm_shape,
        weights=_batch_norm_weights,
        saved_settings=(("renorm_clipping", (None, {})),),
        call_arguments=(TRAINING, MASK),
        aliases=("batchnorm",),
        summary="normalizes with batch statistics along one axis",
        example="batchnormalization",
    ),
    layer(
        "LayerNormalization",
        positional("axis", AXIS, -1),
        positional("epsilon", NUMBER, 0.001),
        *SCALE_AND_CENTER,
        keyword("rms_scaling", BOOL, False),
        shape=_layer_norm_shape,
        weights=_layer_norm_weights,
        aliases=("layernorm",),
        summary="normalizes each sample over its last axes",
        example="layernormalization",
    ),
    layer(
        "GroupNormalization",
        positional("groups", GROUPS, 32),
        positional("axis", INT, -1),
        positional("epsilon", NUMBER, 0.001),
        *SCALE_AND_CENTER,
        shape=_group_norm_shape,
        weights=_group_norm_weights,
        aliases=("groupnorm",),
        summary="normalizes each sample over groups of channels (groups must divide the channels)",
        example="groupnormalization 8",
    ),
    layer(
        "Normalization",
        positional("axis", Nullable(AXIS), -1),
        keyword("mean", OPTIONAL_NUMBERS),
        keyword("variance", OPTIONAL_NUMBERS),
        keyword("invert", BOOL, False),
        shape=_normalization_shape,
        weights=_normalization_weights,
        # Keras saves the axes as a tuple in the order given: -1 as (-1,), (2, -1) as is
        saved_as_given=("axis",),
        saved_defaults=lambda config, shapes: {"axis": (-1,)},
        summary="standardizes features with a mean and variance, given or adapted from data",
        example="normalization mean=0.5 variance=0.25",
        build_in_init="Build now: built while Keras traces call(), its statistics would be unusable",
    ),
    layer(
        "Rescaling",
        required("scale", NUMBERS, example="10"),
        positional("offset", NUMBERS, 0.0),
        shape=_rescaling_shape,
        summary="computes inputs * scale + offset, e.g. to map pixel values into [-1, 1]",
        example="rescaling 0.0078431 offset=-1",
    ),
)
