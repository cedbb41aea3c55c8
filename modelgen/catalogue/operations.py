"""Keras operations with a constant: `x + 3.0` and `x * (1 / 6)` in a functional model.

Keras 3 records `keras.ops` calls on symbolic tensors as graph nodes of their own
(MobileNetV3's hard sigmoid is `relu6(x + 3) * (1 / 6)`). They are not layers: they
take no name, dtype or trainable, the Sequential styles cannot hold them, and the
code applies them as `keras.ops.add(x, 3.0)`.
"""

from __future__ import annotations

from ..argtypes import NUMBER
from .base import LayerEntry, required, same_shape


def _operation(
    function: str, class_name: str, summary: str, example: str, recorded_as: tuple[str, ...] = ()
) -> LayerEntry:
    return LayerEntry(
        f"{function}_constant",
        (required("operand", NUMBER, example="10"),),
        same_shape,
        summary=summary,
        example=example,
        operation=function,
        saved_class=class_name,
        recorded_as=recorded_as,
    )


ENTRIES = (
    _operation(
        "add",
        "Add",
        "keras.ops.add(x, c): adds a number to every element",
        "add_constant 3.0",
    ),
    _operation(
        "subtract",
        "Subtract",
        "keras.ops.subtract(x, c): subtracts a number from every element",
        "subtract_constant 0.5",
    ),
    _operation(
        "multiply",
        "Multiply",
        "keras.ops.multiply(x, c): multiplies every element by a number",
        "multiply_constant 0.1666667",
    ),
    _operation(
        "divide",
        "Divide",
        "keras.ops.divide(x, c): divides every element by a number",
        "divide_constant 255.0",
        recorded_as=("TrueDivide",),  # `x / 255.0`
    ),
)
