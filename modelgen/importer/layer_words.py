"""One saved layer -> the words of its statement: `conv2d 16 3x3 relu padding=same`.

Each layer is resolved against the catalogue, and every key of its config and every
argument of its call is accounted for: written (when it differs from Keras' default),
known to mean what leaving it out means (the entry's `saved_settings`,
`saved_defaults` and `call_arguments`), or refused by name with an `ImportProblem`.
Nothing is dropped.
"""

from __future__ import annotations

import json

from .. import catalogue
from ..argtypes import ACTIVATION_NAMES, Dimensions, IntTuple, Nullable, TargetShape
from ..catalogue import COMMON, INPUT, NO_DEFAULT, LayerEntry
from .configs import NESTED_MODELS, SavedLayer, is_tensor, read_graph
from .dsl_text import INT_RANGE, dsl_literal
from .problems import ImportProblem
from .values import canonical_value, close, is_neutral, written_value

# The key under which every Keras wrapper saves the layer it wraps (written as that layer).
WRAPPED_KEY = "layer"
# Keras classes the catalogue will never have, and why the DSL cannot write them.
UNWRITABLE_CLASSES = {"Lambda": "a Lambda, which runs arbitrary Python the DSL cannot write"}
# The parameter a bare activation name after the sizes gives: `dense 10 relu`.
BARE_WORD_PARAM = "activation"
# The settings every layer has (name, dtype, trainable): written after the rest.
_COMMON_KEYS = {param.name for param in COMMON}
# The keys of an input's config that its statement writes (`input 28x28 batch_size=32
# dtype=int32`; batch_input_shape: what older Keras called batch_shape).
INPUT_KEYS = ("name", "batch_shape", "batch_input_shape", "dtype")


def layer_words(layer: SavedLayer, where: str = "") -> list[str]:
    """The words of the layer's statement, without its label and sources."""
    where = where or f"layer {layer.name!r} ({layer.class_name})"
    if layer.calls > 1:
        raise ImportProblem(
            f"{where} is called {layer.calls} times (a shared layer), which the DSL cannot write"
        )
    if layer.class_name == INPUT.class_name:
        return _input_words(layer, where)
    entry = _entry(layer, where)
    if entry.is_operation:
        return [entry.keyword, dsl_literal(_operand(layer, entry, where), where=where)]
    _check_call(layer, entry, where)
    if entry.is_wrapper:
        inner = layer.config.get(WRAPPED_KEY)
        inner = inner if isinstance(inner, dict) else {}
        inner_layer = SavedLayer(
            layer.name,
            str(inner.get("class_name", "?")),
            _inner_config(inner),
            [],
            inner.get("registered_name"),
            module=str(inner.get("module") or ""),
        )
        inner_entry = _entry(inner_layer, f"{where}, the wrapped layer")
        return [
            entry.keyword.lower(),
            inner_entry.keyword.lower(),
            *_arguments(
                inner_entry, inner_layer.config, f"{where}, the wrapped {inner_entry.keyword}"
            ),
            *_arguments(entry, layer.config, where, layer.input_shapes),
        ]
    return [entry.keyword.lower(), *_arguments(entry, layer.config, where, layer.input_shapes)]


def problems_inside(layer: SavedLayer, where: str) -> list[str]:
    """What cannot be written inside a nested model: each of its layers, by name."""
    if layer.class_name not in NESTED_MODELS:
        return []
    try:
        graph = read_graph({"class_name": layer.class_name, "config": layer.config})
    except ImportProblem as problem:
        return [f"{where}: {problem}"]
    problems = []
    for inner in graph.layers:
        inside = f"layer {inner.name!r} ({inner.class_name}) inside {where}"
        try:
            layer_words(inner, inside)
        except ImportProblem as problem:
            if not str(problem).startswith(f"{inside} is a nested model"):
                problems.append(str(problem))
        problems += problems_inside(inner, inside)
    return problems


def _input_words(layer: SavedLayer, where: str) -> list[str]:
    """`input 28x28 batch_size=32 dtype=int32`, every value checked to be one Keras reads."""
    config = layer.config
    shape = config.get("batch_shape", config.get("batch_input_shape"))
    if not isinstance(shape, list) or not shape:
        raise ImportProblem(
            f"{where} batch_shape: expected a list of sizes (the batch first), "
            f"got {json.dumps(shape)[:80]}"
        )
    for size in shape:
        if not (size is None or (type(size) is int and 0 < size < INT_RANGE)):
            raise ImportProblem(
                f"{where} batch_shape: a size must be a positive integer or null, "
                f"got {json.dumps(size)[:80]}"
            )
    batch, *dims = shape
    if not dims:
        raise ImportProblem(f"{where} batch_shape: {shape} has no size besides the batch")
    words = ["input", dsl_literal(tuple(dims), dims=True, where=f"{where} batch_shape")]
    if batch is not None:
        words.append(f"batch_size={dsl_literal(batch, where=f'{where} batch_size')}")
    dtype = config.get("dtype")
    if isinstance(dtype, dict):  # a DTypePolicy
        dtype = (dtype.get("config") or {}).get("name")
    if dtype is not None and not isinstance(dtype, str):
        raise ImportProblem(f"{where} dtype: expected a string, got {json.dumps(dtype)[:80]}")
    if dtype not in (None, "float32"):
        words.append(f"dtype={dsl_literal(dtype, where=f'{where} dtype')}")
    neutral = dict(INPUT.saved_settings)
    for key, value in config.items():
        if key in INPUT_KEYS:
            continue
        if value not in neutral.get(key, ()):
            raise ImportProblem(
                f"{where}: the setting {key}={json.dumps(value)[:80]} cannot be written in the DSL"
            )
    return words


def _operand(layer: SavedLayer, entry: LayerEntry, where: str) -> float:
    """The constant of `keras.ops.add(x, 3.0)`: the node must be a tensor and a number."""
    args = (layer.call or {}).get("args", [])
    if (
        len(args) == 2
        and not (layer.call or {}).get("kwargs")
        and is_tensor(args[0])
        and isinstance(args[1], (int, float))
        and not isinstance(args[1], bool)
    ):
        return args[1]
    given = ", ".join("a tensor" if is_tensor(a) else repr(a) for a in args)
    # the layer of the same class (Add), which takes tensors only
    twin = catalogue.lookup(entry.class_name)
    raise ImportProblem(
        f"{where} is keras.ops.{entry.operation}({given}); the DSL writes it only on a tensor "
        f"and a number, as {entry.keyword}"
        + (
            f" (the {twin.keyword} layer, '{twin.keyword.lower()} <- a, b', takes two tensors)"
            if twin is not None and not twin.is_operation
            else ""
        )
    )


def _entry(layer: SavedLayer, where: str) -> LayerEntry:
    if layer.class_name in NESTED_MODELS:
        raise ImportProblem(f"{where} is a nested model; the DSL cannot write nested models yet")
    if layer.is_operation:
        known = [e for e in catalogue.ENTRIES if e.is_operation]
        for entry in known:
            if layer.class_name in (entry.class_name, *entry.recorded_as):
                return entry
        raise ImportProblem(
            f"{where} is a Keras operation ({layer.module}), such as `x @ y` on a tensor, "
            f"that the DSL cannot write; it writes {', '.join(e.keyword for e in known)}"
        )
    if layer.class_name in UNWRITABLE_CLASSES:
        raise ImportProblem(f"{where} is {UNWRITABLE_CLASSES[layer.class_name]}")
    found = catalogue.lookup(layer.class_name)
    from_keras = layer.from_keras
    if found is not None and found.keyword == layer.class_name and from_keras is not False:
        return found
    if from_keras:
        raise ImportProblem(
            f"{where} is a Keras layer modelgen does not support yet "
            "(`modelgen layers` lists the ones it does)"
        )
    if from_keras is None:
        raise ImportProblem(f"{where} is a layer class modelgen's catalogue does not have")
    custom = f" (registered as {layer.registered_name})" if layer.registered_name else ""
    raise ImportProblem(
        f"{where} is a custom layer{custom} whose code a .keras or .json file does not "
        "hold: import the .py file that defines the class and builds the model "
        "(modelgen import model.py), which makes each use of the class a block"
    )


def _inner_config(value: object) -> dict:
    config = value.get("config") if isinstance(value, dict) else None
    return config if isinstance(config, dict) else {}


def _without_object_ids(value: object) -> object:
    """A config without the `shared_object_id`s `model.save()` stamps on every object it
    writes (an id of the Python object, so a copy's differ): they say nothing of the layer."""
    if isinstance(value, dict):
        return {k: _without_object_ids(v) for k, v in value.items() if k != "shared_object_id"}
    if isinstance(value, list):
        return [_without_object_ids(v) for v in value]
    return value


def _derived_layer(key: str, saved: object, derived: object, where: str) -> None:
    """A saved layer config (a wrapper's backward layer) must be the one Keras derives when
    a spec leaves it out; its name is Keras' choice."""
    saved, derived = _without_object_ids(saved), _without_object_ids(derived)
    mine, expected = _inner_config(saved), _inner_config(derived)
    differences = [
        f"{k}: {json.dumps(mine.get(k))[:40]}, not {json.dumps(expected.get(k))[:40]}"
        for k in sorted(set(mine) | set(expected))
        if k != "name" and mine.get(k) != expected.get(k)
    ]
    same_class = (
        isinstance(saved, dict)
        and isinstance(derived, dict)
        and all(saved.get(k) == derived.get(k) for k in ("class_name", "module", "registered_name"))
    )
    if same_class and not differences:
        return
    what = saved.get("class_name", "?") if isinstance(saved, dict) else json.dumps(saved)[:40]
    raise ImportProblem(
        f"{where}: the {key} is a {what} that is not the wrapped layer run the other way"
        + (f" ({', '.join(differences[:3])})" if differences else "")
        + ", which the DSL cannot write"
    )


def _arguments(
    entry: LayerEntry, config: dict, where: str, shapes: list[tuple] | None = None
) -> list[str]:
    """The spec's words for a layer's settings that differ from Keras' defaults.

    Every key of `config` is accounted for: written, known to mean what leaving it out
    means (Keras' default, a value it derives, a neutral saved setting), or refused by
    name. Nothing is dropped."""
    words: list[str] = []
    handled = _COMMON_KEYS  # written last, below
    neutral = dict(entry.saved_settings)
    derived = dict(entry.saved_defaults(config, shapes or [])) if entry.saved_defaults else {}
    for key, value in config.items():
        if key in handled or entry.param(key) is not None:
            continue
        if entry.is_wrapper and key == WRAPPED_KEY:
            continue  # written as the wrapped layer, by the caller
        if key in neutral and is_neutral(value, neutral[key]):
            continue
        if key in derived:
            _derived_layer(key, value, derived[key], where)
            continue
        raise ImportProblem(
            f"{where}: the setting {key}={json.dumps(value)[:80]} cannot be written in the DSL"
        )
    required: list[str] = []
    bare: list[str] = []
    for param in entry.params:
        if param.name in handled or param.name not in config:
            continue
        value = canonical_value(param, config[param.name], f"{where} {param.name}")
        written = written_value(entry, param, config[param.name], value)
        if param.default is not NO_DEFAULT and close(
            written,
            written_value(
                entry, param, param.default, canonical_value(param, param.default, where)
            ),
        ):
            continue
        if param.name in derived and close(
            written,
            written_value(
                entry,
                param,
                derived[param.name],
                canonical_value(param, derived[param.name], f"{where} {param.name}"),
            ),
        ):
            continue
        kind = param.type.inner if isinstance(param.type, Nullable) else param.type
        dims = isinstance(kind, (IntTuple, Dimensions, TargetShape))  # pooling strides too
        text = dsl_literal(written, dims, where=f"{where} {param.name}")
        if param.required:
            required.append(text)
        elif param.name == BARE_WORD_PARAM and isinstance(value, str) and value in ACTIVATION_NAMES:
            bare.append(text)  # a bare activation name: `dense 10 relu`
        else:
            words.append(f"{param.name}={text}")
    words[:0] = required + bare
    dtype = config.get("dtype")
    if isinstance(dtype, dict):
        dtype = dtype.get("config", {}).get("name")
    if dtype not in (None, "float32"):
        words.append(f"dtype={dsl_literal(dtype, where=f'{where} dtype')}")
    if config.get("trainable") is False:
        words.append("trainable=false")
    return words


def _shown(value: object) -> str:
    """A call argument as the user passed it: `True`, `[1, 2]`, or where a tensor came from."""
    if is_tensor(value):
        assert isinstance(value, dict)
        history = (value.get("config") or {}).get("keras_history") or ["?"]
        return f"a tensor (from {str(history[0])!r})"
    if isinstance(value, dict) and value.get("class_name") == "__tensor__":
        return "a constant tensor"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return repr(value)[:80]


def _check_call(layer: SavedLayer, entry: LayerEntry, where: str) -> None:
    """Every argument of the layer's call is an input, or means what the generated call
    (which passes none) means; anything else is refused by name, never dropped."""
    call = layer.call if isinstance(layer.call, dict) else {}
    args, kwargs = call.get("args") or [], call.get("kwargs") or {}
    given = list(kwargs.items())
    # Positional arguments after the inputs are the call's other arguments, in its order.
    for position, value in enumerate(args[len(entry.call_inputs) :]):
        if position >= len(entry.call_arguments):
            raise ImportProblem(
                f"{where} is called with {_shown(value)} as argument "
                f"{position + len(entry.call_inputs) + 1}, which the DSL cannot write"
            )
        given.append((entry.call_arguments[position][0], value))
    neutral = dict(entry.call_arguments)
    for key, value in given:
        if key in entry.call_inputs or (key in neutral and is_neutral(value, neutral[key])):
            continue
        raise ImportProblem(
            f"{where} is called with {key}={_shown(value)}, which the DSL cannot write"
        )
