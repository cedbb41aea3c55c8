"""Attention: MultiHeadAttention, Attention.

Both read a query and a value, and optionally a key (the value when left out):
MultiHeadAttention is called as `layer(query, value[, key])`, Attention on a
list `[query, value[, key]]`. Keras checks little of their shapes while
building (both compute their output shape without running the attention), so
the rules also refuse what would fail as soon as the model runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..argtypes import (
    AXIS,
    BOOL,
    INITIALIZER,
    POSITIVE_INT,
    RATE,
    SEED,
    Choice,
    Dimensions,
    Nullable,
)
from ..ir import PyValue, Shape, Value, Weight
from .base import (
    MASK,
    TRAINING,
    Call,
    LayerEntry,
    ShapeError,
    keyword,
    layer,
    regularizers_and_constraints,
    required,
)
from .rules import dense_weights, show


@dataclass(frozen=True)
class KnownDimensions(Dimensions):
    """Known sizes only: `16`, `2x8` or `(2, 8)`."""

    description = "a positive integer or a shape such as 2x8"

    def coerce(self, value: Value) -> PyValue:
        dimensions = super().coerce(value)
        if not isinstance(dimensions, tuple) or None in dimensions:
            raise self.fail(value)
        return dimensions


def query_value_key(call: Call) -> tuple[Shape, Shape, Shape]:
    """The query, value and key shapes; the key is the value when only two inputs are given."""
    query, value = call.inputs[0], call.inputs[1]
    return query, value, call.inputs[2] if len(call.inputs) > 2 else value


def _same_rank(query: Shape, value: Shape, key: Shape) -> None:
    if not len(query) == len(value) == len(key):
        raise ShapeError(
            "query, value and key must have the same rank. "
            f"Received: query {show(query)}, value {show(value)}, key {show(key)}"
        )


def _clash(a: int | None, b: int | None) -> bool:
    return a is not None and b is not None and a != b


# ------------------------------------------------------------------ MultiHeadAttention


def _attention_axes(call: Call, rank: int) -> tuple[int, ...]:
    """The axes attended over, counted from the batch axis; by default all but batch and features."""
    given = call.args["attention_axes"]  # as written, for messages
    if given is None:
        return tuple(range(1, rank - 1))
    axes = call.axes("attention_axes")
    normalized = tuple(a if a >= 0 else rank + a for a in axes)
    if (
        not axes
        or any(not 1 <= a <= rank - 2 for a in normalized)
        or len(set(normalized)) < len(axes)
    ):
        raise ShapeError(
            f"attention_axes must be distinct axes between the batch and the features "
            f"(1 to {rank - 2}) of a query of rank {rank}. Received: {given}",
            "attention_axes",
        )
    return normalized


def _mha_shape(call: Call) -> Shape:
    query, value, key = query_value_key(call)
    if value[1:-1] != key[1:-1]:  # Keras compares them as written: 5 and None differ
        raise ShapeError(
            "all dimensions of value and key but the last must be equal. "
            f"Received: value {show(value)}, key {show(key)}"
        )
    if len(query) < 3:
        raise ShapeError(
            f"expected a query of rank 3 or more: (batch, steps, features). Received: {show(query)}"
        )
    _same_rank(query, value, key)
    for what, shape in (("query", query), ("value", value), ("key", key)):
        if shape[-1] is None:
            raise ShapeError(
                f"the last dimension of the {what} must be known. Received: {show(shape)}"
            )
    axes = _attention_axes(call, len(query))
    for axis in range(1, len(query) - 1):
        if axis not in axes and _clash(query[axis], value[axis]):
            raise ShapeError(
                f"query and value must be equal on axis {axis}, which is not attended over. "
                f"Received: query {show(query)}, value {show(value)}",
                "attention_axes" if call.args["attention_axes"] is not None else None,
            )
    output_shape = call.optional_sizes("output_shape")
    return (*query[:-1], *output_shape) if output_shape else query


def _mha_weights(call: Call) -> list[Weight]:
    """The query, key, value (and gate) projections to (heads, size), and the output projection."""
    # the shape rule has checked that the last dimensions are known
    query_size, value_size, key_size = (_known_last(shape) for shape in query_value_key(call))
    heads, key_dim = call.int("num_heads"), call.int("key_dim")
    value_dim = call.optional_int("value_dim") or key_dim
    use_bias = call.flag("use_bias")
    output = math.prod(call.optional_sizes("output_shape") or (query_size,))
    weights = dense_weights(query_size, heads * key_dim, use_bias)
    weights += dense_weights(key_size, heads * key_dim, use_bias)
    if call.flag("use_gate"):
        weights += dense_weights(query_size, heads * value_dim, use_bias)
    weights += dense_weights(value_size, heads * value_dim, use_bias)
    weights += dense_weights(heads * value_dim, output, use_bias)
    return weights


def _known_last(shape: Shape) -> int:
    last = shape[-1]
    assert last is not None, "the shape rule refuses an unknown last dimension"
    return last


# ---------------------------------------------------------------------------- Attention


def _attention_shape(call: Call) -> Shape:
    query, value, key = query_value_key(call)
    _same_rank(query, value, key)
    if len(query) < 2:  # Keras builds it, but the scores' transpose fails on the first call
        raise ShapeError(
            f"expected inputs of rank 2 or more (batch axis included). Received: query {show(query)}"
        )
    # the scores are query . key (dot) or sum(tanh(query + key)) (concat, which broadcasts)
    q, k = query[-1], key[-1]
    if _clash(q, k) and not (call.word("score_mode") == "concat" and 1 in (q, k)):
        raise ShapeError(
            f"query and key must have the same last dimension for score_mode={call.word('score_mode')}. "
            f"Received: query {show(query)}, key {show(key)}"
        )
    if _clash(key[-2], value[-2]):
        raise ShapeError(
            f"key and value must have the same number of steps. "
            f"Received: value {show(value)}, key {show(key)}"
        )
    for axis in range(1, len(query) - 2):
        if _clash(query[axis], value[axis]) or _clash(value[axis], key[axis]):
            raise ShapeError(
                f"query, value and key must be equal on axis {axis}. "
                f"Received: query {show(query)}, value {show(value)}, key {show(key)}"
            )
    return (*query[:-1], value[-1])


def _attention_weights(call: Call) -> list[Weight]:
    """A scalar scale if use_scale, a scalar concat_score_weight for score_mode=concat."""
    return [Weight(1)] * (call.flag("use_scale") + (call.word("score_mode") == "concat"))


def _mha_saved_defaults(config: Mapping, shapes: list) -> dict:
    """Keras saves attention_axes left out as every axis but batch and features, value_dim
    as key_dim."""
    if not shapes:
        return {}
    return {
        "attention_axes": tuple(range(1, len(shapes[0]) - 1)),
        "value_dim": config.get("key_dim"),
    }


ENTRIES: tuple[LayerEntry, ...] = (
    layer(
        "MultiHeadAttention",
        required("num_heads", POSITIVE_INT),
        required("key_dim", POSITIVE_INT),
        keyword("value_dim", Nullable(POSITIVE_INT)),
        keyword("dropout", RATE, 0.0),
        keyword("use_bias", BOOL, True),
        keyword("output_shape", Nullable(KnownDimensions())),
        keyword("attention_axes", Nullable(AXIS)),
        keyword("kernel_initializer", INITIALIZER, "glorot_uniform"),
        keyword("bias_initializer", INITIALIZER, "zeros"),
        *regularizers_and_constraints("kernel", "bias"),
        keyword("use_gate", BOOL, False),
        keyword("seed", SEED),
        shape=_mha_shape,
        weights=_mha_weights,
        saved_settings=(("sliding_window", (None,)),),
        saved_defaults=_mha_saved_defaults,
        call_inputs=("query", "value", "key"),
        call_arguments=(
            ("query_mask", (None,)),
            ("value_mask", (None,)),
            ("key_mask", (None,)),
            ("attention_mask", (None,)),
            ("return_attention_scores", (False,)),
            TRAINING,
            ("use_causal_mask", (False,)),
        ),
        inputs=(2, 3),
        call_style="args",
        reads_query_and_value=True,
        summary="multi-head attention of a query over a value (and key): <- query, value[, key]",
        example="multiheadattention 4 16 <- query, value",
    ),
    layer(
        "Attention",
        keyword("use_scale", BOOL, False),
        keyword("score_mode", Choice("score mode", ("dot", "concat")), "dot"),
        keyword("dropout", RATE, 0.0),
        keyword("seed", SEED),
        shape=_attention_shape,
        weights=_attention_weights,
        call_arguments=(
            MASK,
            TRAINING,
            ("return_attention_scores", (False,)),
            ("use_causal_mask", (False,)),
        ),
        inputs=(2, 3),
        call_style="list",
        reads_query_and_value=True,
        summary="dot-product (Luong) attention: <- query, value[, key]",
        example="attention <- query, value",
    ),
)
