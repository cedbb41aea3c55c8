"""Regularization layers: SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..argtypes import DATA_FORMAT, RATE, SEED, SHAPE, ArgType, Nullable
from ..ir import PyValue, Shape, Value
from .base import (
    TRAINING,
    Call,
    LayerEntry,
    Param,
    ShapeRule,
    keyword,
    layer,
    positional,
    required,
    same_shape,
)
from .rules import expect_rank


@dataclass(frozen=True)
class Fraction(ArgType):
    """A number in [0, 1], both ends included."""

    description = "a number in [0, 1]"
    example = "0.1"

    def coerce(self, value: Value) -> PyValue:
        if value.number is not None and 0 <= value.number <= 1:
            return value.number
        raise self.fail(value)


FRACTION = Fraction()


def without_trainable(entry: LayerEntry) -> LayerEntry:
    """The spatial dropouts take only rate, data_format, seed, name and dtype: no trainable=."""
    return dataclasses.replace(
        entry, params=tuple(p for p in entry.params if p.name != "trainable")
    )


def rank_rule(rank: int) -> ShapeRule:
    """Same shape, for an input of exactly `rank` dimensions (batch axis included)."""

    def rule(call: Call) -> Shape:
        return expect_rank(call, rank)

    return rule


def spatial_dropout(rank: int) -> LayerEntry:
    params: tuple[Param, ...] = (required("rate", RATE),)
    if rank == 1:
        params += (positional("seed", SEED),)
    else:
        params += (keyword("data_format", DATA_FORMAT), keyword("seed", SEED))
    return without_trainable(
        layer(
            f"SpatialDropout{rank}D",
            *params,
            shape=rank_rule(rank + 2),
            call_arguments=(TRAINING,),
            summary=f"drops whole feature maps of {rank}D data while training",
            example=f"spatialdropout{rank}d 0.2",
        )
    )


ENTRIES: tuple[LayerEntry, ...] = (
    spatial_dropout(1),
    spatial_dropout(2),
    spatial_dropout(3),
    layer(
        "GaussianNoise",
        required("stddev", FRACTION, example="10"),
        positional("seed", SEED),
        shape=same_shape,
        call_arguments=(TRAINING,),
        summary="adds zero-centred Gaussian noise while training",
        example="gaussiannoise 0.1",
    ),
    layer(
        "GaussianDropout",
        required("rate", RATE),
        positional("seed", SEED),
        shape=same_shape,
        call_arguments=(TRAINING,),
        summary="multiplies by one-centred Gaussian noise while training",
        example="gaussiandropout 0.2",
    ),
    layer(
        "AlphaDropout",
        required("rate", RATE),
        positional("noise_shape", Nullable(SHAPE)),
        positional("seed", SEED),
        shape=same_shape,
        call_arguments=(TRAINING,),
        summary="dropout that keeps the mean and variance of its inputs, for SELU networks",
        example="alphadropout 0.1",
    ),
)
