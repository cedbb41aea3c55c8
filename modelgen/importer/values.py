"""Canonical values: a value of a saved config -> the value the catalogue's types hold.

`canonical_value` reads a config value (a JSON list, a saved initializer object) as
the parameter's argument type holds it, in the one form among those that mean the
same to Keras, so that it can be compared with Keras' default (`close`) and written.
"""

from __future__ import annotations

import json

from ..argtypes import Choice, KerasObjects, Nullable
from ..catalogue import LayerEntry, Param
from ..ir import KerasObject, PyValue
from .problems import ImportProblem

FLOAT_TOLERANCE = 1e-6  # Keras saves 0.01 as float32: 0.009999999776482582
# Settings Keras saves in an initializer's config with neutral values that the DSL has
# no words for.
NEUTRAL_SETTINGS = {"input_axes": None, "output_axes": None}


def close(a: object, b: object) -> bool:
    """Equal, numbers within Keras' float32 precision."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= FLOAT_TOLERANCE * max(1.0, abs(a), abs(b))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def as_tuples(value: object) -> object:
    """JSON lists as tuples, at every depth: the catalogue's types hold tuples."""
    if isinstance(value, list):
        return tuple(as_tuples(v) for v in value)
    return value


def is_neutral(value: object, neutrals: tuple) -> bool:
    """Whether a saved value is one of `neutrals`, equal and of one type: a saved `0` is
    not `False`, nor `{}` `None`."""
    return any(type(value) is type(n) and value == n for n in neutrals)


def _keras_object(kind: KerasObjects, value: dict, where: str) -> KerasObject:
    """A saved initializer, regularizer or constraint, as the catalogue's types hold it."""
    class_name = str(value.get("class_name"))
    chosen = kind.by_class(class_name)
    if chosen is None or value.get("module", f"keras.{kind.module}") != f"keras.{kind.module}":
        raise ImportProblem(
            f"{where}: a {class_name} {kind.what} is not one the DSL knows "
            f"(it knows {', '.join(kind.words)})"
        )
    settings: list[tuple[str, PyValue]] = []
    for key, setting in value.get("config", {}).items():
        if NEUTRAL_SETTINGS.get(key, ...) == setting:
            continue
        if not any(s.name == key for s in chosen.settings):
            raise ImportProblem(
                f"{where}: the {class_name} setting {key}={json.dumps(setting)} "
                "cannot be written in the DSL"
            )
        # any JSON value: the type's canonical form and dsl_literal refuse what is no PyValue
        settings.append((key, as_tuples(setting)))  # type: ignore[arg-type]
    return KerasObject(kind.module, chosen.class_name, tuple(settings))


def canonical_value(param: Param, value: object, where: str) -> PyValue:
    """A config value as the catalogue's types hold it, to compare and to write."""
    inner = param.type.inner if isinstance(param.type, Nullable) else param.type
    if isinstance(value, dict) and "class_name" in value:
        if not isinstance(inner, KerasObjects):
            raise ImportProblem(f"{where}: {json.dumps(value)} cannot be written in the DSL")
        value = _keras_object(inner, value, where)
    try:  # the types' canonical forms expect values of their type; a config may hold any
        # any JSON value: one of another type raises, and is refused below
        value = param.type.canonical(as_tuples(value))  # type: ignore[arg-type]
    except (TypeError, ValueError, AttributeError):
        raise ImportProblem(
            f"{where}: expected {param.type.description}, got {json.dumps(value)[:80]}"
        ) from None
    if (
        isinstance(inner, Choice)
        and inner.saved_for_none
        and value == inner.saved_for_none
        and param.default is None
    ):
        return None  # what Keras saves for none: "no activation" is "linear"
    return value


def written_value(entry: LayerEntry, param: Param, saved: object, value: PyValue) -> object:
    """The value to write: the canonical one, or the saved one for a parameter Keras saves
    as given (Softmax's `axis=1` and `axis=(1,)` compute the same, but save differently)."""
    if param.name in entry.saved_as_given:
        return as_tuples(saved)
    return value
