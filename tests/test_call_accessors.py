"""The typed accessors through which catalogue rules read a layer's arguments.

Each gives the value in the type its rule computes with, and refuses, naming the
parameter, a value its argument type should never have let through (a catalogue bug),
instead of passing it on to fail somewhere far from the cause.
"""

from __future__ import annotations

import pytest

from modelgen import catalogue
from modelgen.catalogue import Call
from modelgen.catalogue.base import int_tuple


def _call(word: str, **args: object) -> Call:
    entry = catalogue.lookup(word)
    assert entry is not None
    return Call(entry, {**entry.defaults(), **args}, ((None, 8, 8, 3),))


def test_each_accessor_gives_the_value_in_its_type():
    call = _call("conv2d", filters=16, kernel_size=3, strides=(2, 1), output_padding=None)
    assert call.int("filters") == 16
    assert call.ints("kernel_size", 2) == (3, 3)  # an int stands for one per axis, as in Keras
    assert call.ints("strides", 2) == (2, 1)
    assert call.flag("use_bias") is True
    assert call.word("padding") == "valid"
    assert call.optional_int("filters") == 16
    assert call.optional_ints("output_padding", 2) is None
    assert call.input == (None, 8, 8, 3)


def test_shapes_sizes_and_axes():
    inputs = _call("input", shape=(28, None), batch_size=None)
    assert inputs.shape("shape") == (28, None)
    assert inputs.optional_int("batch_size") is None
    mha = _call("multiheadattention", num_heads=2, key_dim=4, output_shape=(2, 8))
    assert mha.sizes("output_shape") == (2, 8)
    assert mha.optional_sizes("output_shape") == (2, 8)
    assert (
        _call("multiheadattention", num_heads=2, key_dim=4).optional_sizes("output_shape") is None
    )
    assert _call("softmax", axis=-1).axes("axis") == (-1,)
    assert _call("softmax", axis=(1, 2)).axes("axis") == (1, 2)
    assert _call("prelu").axes("shared_axes") == ()  # none: no axis


@pytest.mark.parametrize(
    ("accessor", "parameter", "value", "expected"),
    [
        ("int", "filters", "16", "not an int"),
        ("int", "filters", True, "not an int"),  # a bool is not a count
        ("optional_int", "filters", 1.5, "not an int or None"),
        ("flag", "use_bias", 1, "not true or false"),
        ("word", "padding", None, "not a string"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_type_error_naming_the_parameter(
    accessor, parameter, value, expected
):
    call = _call("conv2d", **{"filters": 16, "kernel_size": 3, parameter: value})
    with pytest.raises(TypeError, match=f"^Conv2D: parameter '{parameter}' is .*, {expected}$"):
        getattr(call, accessor)(parameter)


def test_sizes_of_the_wrong_type_are_type_errors_naming_the_parameter():
    call = _call("conv2d", filters=16, kernel_size=(3, "3"))
    with pytest.raises(TypeError, match="parameter 'kernel_size' is"):
        call.ints("kernel_size", 2)
    with pytest.raises(TypeError, match="parameter 'dims' is"):
        int_tuple((1, None), 2, "dims")
    shaped = _call("input", shape=(28, "x"))
    with pytest.raises(TypeError, match="parameter 'shape' is"):
        shaped.shape("shape")
    with pytest.raises(TypeError, match="parameter 'shape' is"):
        shaped.sizes("shape")
