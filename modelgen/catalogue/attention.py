"""Attention: MultiHeadAttention, Attention.

Both read a query and a value, and optionally a key (the value when left out):
MultiHeadAttention is called as `layer(query, value[, key])`, Attention on a
list `[query, value[, key]]`. Keras checks little of their shapes while
building (both compute their output shape without running the attention), so
the rules also refuse what would fail as soon as the model runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import argtypes as t
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
from .rules import dense_weights, product, show


@dataclass(frozen=True)
class Dimensions(t.Shape):
    """Known sizes only: `16`, `2x8` or `(2, 8)`."""

    description = "a positive integer or a shape such as 2x8"

    def coerce(self, value: Value) -> PyValue:
        dimensions = super().coerce(value)
        if None in dimensions:  # type: ignore[operator]
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
    given = call["attention_axes"]
    if given is None:
        return tuple(range(1, rank - 1))
    axes = given if isinstance(given, tuple) else (given,)
    normalized = tuple(a if a >= 0 else rank + a for a in axes)  # type: ignore[operator]
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
                "attention_axes" if call["attention_axes"] is not None else None,
            )
    output_shape: tuple[int, ...] | None = call["output_shape"]  # type: ignore[assignment]
    return (*query[:-1], *output_shape) if output_shape else query


def _mha_weights(call: Call) -> list[Weight]:
    """The query, key, value (and gate) projections to (heads, size), and the output projection."""
    query, value, key = query_value_key(call)
    heads: int = call["num_heads"]  # type: ignore[assignment]
    key_dim: int = call["key_dim"]  # type: ignore[assignment]
    value_dim: int = call["value_dim"] or key_dim  # type: ignore[assignment]
    use_bias = call["use_bias"]
    output = call["output_shape"] or (query[-1],)
    weights = dense_weights(query[-1], heads * key_dim, use_bias)  # type: ignore[arg-type]
    weights += dense_weights(key[-1], heads * key_dim, use_bias)  # type: ignore[arg-type]
    if call["use_gate"]:
        weights += dense_weights(query[-1], heads * value_dim, use_bias)  # type: ignore[arg-type]
    weights += dense_weights(value[-1], heads * value_dim, use_bias)  # type: ignore[arg-type]
    weights += dense_weights(heads * value_dim, product(output), use_bias)  # type: ignore[arg-type]
    return weights


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
    if _clash(q, k) and not (call["score_mode"] == "concat" and 1 in (q, k)):
        raise ShapeError(
            f"query and key must have the same last dimension for score_mode={call['score_mode']}. "
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
    return [Weight(1)] * (bool(call["use_scale"]) + (call["score_mode"] == "concat"))


def _mha_saved_defaults(config, shapes) -> dict:
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
        required("num_heads", t.POSITIVE_INT),
        required("key_dim", t.POSITIVE_INT),
        keyword("value_dim", t.Optional(t.POSITIVE_INT)),
        keyword("dropout", t.RATE, 0.0),
        keyword("use_bias", t.BOOL, True),
        keyword("output_shape", t.Optional(Dimensions())),
        keyword("attention_axes", t.Optional(t.AXIS)),
        keyword("kernel_initializer", t.INITIALIZER, "glorot_uniform"),
        keyword("bias_initializer", t.INITIALIZER, "zeros"),
        *regularizers_and_constraints("kernel", "bias"),
        keyword("use_gate", t.BOOL, False),
        keyword("seed", t.SEED),
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
        summary="multi-head attention of a query over a value (and key): <- query, value[, key]",
        example="multiheadattention 4 16 <- query, value",
    ),
    layer(
        "Attention",
        keyword("use_scale", t.BOOL, False),
        keyword("score_mode", t.Choice("score mode", ("dot", "concat")), "dot"),
        keyword("dropout", t.RATE, 0.0),
        keyword("seed", t.SEED),
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
        summary="dot-product (Luong) attention: <- query, value[, key]",
        example="attention <- query, value",
    ),
)
