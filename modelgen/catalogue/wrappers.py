"""Wrappers: Bidirectional, TimeDistributed (the wrapped layer is named first).

A wrapper's call carries the wrapped layer's call in `call.inner`, with the
wrapped layer's arguments and no inputs: the rules here give it the input Keras
gives it and apply its own entry's rules.

`dtype=` and `trainable=` are the wrapped layer's, not the wrapper's: Keras
creates the weights in the wrapped layer (or in copies of its config), so only
there do they decide the weights' dtype and whether training changes them. On
the wrapper, Keras would leave the weights float32 and, for `trainable=False`,
still train them while the summary row calls them non-trainable.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping
from typing import TypeVar

from ..argtypes import Choice
from ..ir import Shape, Weight
from .base import ANY_ONE_INPUT, MASK, TRAINING, Call, LayerEntry, ShapeError, keyword, layer
from .rules import as_declared, expect_min_rank, show

# The wrapped layer takes these; see the module docstring.
PASSED_ON = ("dtype", "trainable")
_Result = TypeVar("_Result")  # what a rule gives: a shape, or weights


def wrapper(entry: LayerEntry) -> LayerEntry:
    """A `layer(...)` entry of a wrapper, without the dtype= and trainable= that go to the
    wrapped layer."""
    return dataclasses.replace(
        entry, params=tuple(p for p in entry.params if p.name not in PASSED_ON)
    )


def wrapped(call: Call, *inputs: Shape) -> Call:
    """The wrapped layer's call, on `inputs`."""
    assert call.inner is not None, "a wrapper's call carries the wrapped layer's"
    return dataclasses.replace(call.inner, inputs=inputs)


def wrapped_weights(inner: Call) -> list[Weight]:
    """The wrapped layer's weights, with its own dtype= and trainable= applied."""
    return as_declared(inner, inner.entry.param_rule(inner))


# -------------------------------------------------------------------------- Bidirectional


def _bidirectional_inner(call: Call) -> Call:
    inner = wrapped(call, call.input)
    if inner.flag("go_backwards"):
        raise ShapeError(
            "the wrapped layer must run forwards (go_backwards=false): "
            "Bidirectional makes the backward copy itself",
            "go_backwards",
        )
    return inner


def _bidirectional_shape(call: Call) -> Shape:
    inner = _bidirectional_inner(call)
    shape = inner.entry.shape_rule(inner)
    if call.word("merge_mode") == "concat":  # the two directions side by side
        last = shape[-1]
        return (*shape[:-1], None if last is None else last * 2)
    return shape  # sum, mul, ave: element-wise


def _bidirectional_weights(call: Call) -> list[Weight]:
    """A forward and a backward copy of the wrapped layer, each with its own weights."""
    return wrapped_weights(_bidirectional_inner(call)) * 2


def _backward_copy(config: Mapping, shapes: list) -> dict:
    """What Keras saves as the backward layer when none is given: the forward layer's
    config, run the other way (and named after it, which the importer does not compare)."""
    forward = config.get("layer")
    if not isinstance(forward, dict) or not isinstance(forward.get("config"), dict):
        return {}
    backward = copy.deepcopy(forward)
    backward["config"]["go_backwards"] = not forward["config"].get("go_backwards", False)
    return {"backward_layer": backward}


# ------------------------------------------------------------------------ TimeDistributed


def _step(call: Call) -> Call:
    """The wrapped layer's call on one time step: (batch, time, *rest) -> (batch, *rest)."""
    shape = expect_min_rank(call, 3)
    return wrapped(call, (shape[0], *shape[2:]))


def _on_each_step(rule: Callable[[Call], _Result]) -> Callable[[Call], _Result]:
    """Apply a rule of the wrapped layer to one step, saying so if it refuses."""

    def apply(step: Call) -> _Result:
        try:
            return rule(step)
        except ShapeError as error:
            raise ShapeError(
                f"the wrapped {step.entry.keyword} reads each time step as {show(step.input)}: "
                f"{error.message}",
                error.argument,
                error.hint,
            ) from None

    return apply


def _time_distributed_shape(call: Call) -> Shape:
    step = _step(call)
    out = _on_each_step(step.entry.shape_rule)(step)
    return (out[0], call.input[1], *out[1:])


def _time_distributed_weights(call: Call) -> list[Weight]:
    """The wrapped layer's weights, shared by every time step."""
    return _on_each_step(wrapped_weights)(_step(call))


ENTRIES: tuple[LayerEntry, ...] = (
    wrapper(
        layer(
            "Bidirectional",
            keyword("merge_mode", Choice("merge mode", ("concat", "sum", "mul", "ave")), "concat"),
            shape=_bidirectional_shape,
            weights=_bidirectional_weights,
            saved_defaults=_backward_copy,
            call_inputs=("sequences",),
            call_arguments=(("initial_state", (None,)), MASK, TRAINING),
            wraps=("SimpleRNN", "LSTM", "GRU"),
            summary="runs a recurrent layer forwards and backwards and merges the two",
            example="bidirectional lstm 64 return_sequences=true",
        )
    ),
    wrapper(
        layer(
            "TimeDistributed",
            shape=_time_distributed_shape,
            weights=_time_distributed_weights,
            call_arguments=(TRAINING, MASK),
            wraps=ANY_ONE_INPUT,
            summary="applies a layer to every time step (axis 1) of its input",
            example="timedistributed dense 10",
        )
    ),
)
