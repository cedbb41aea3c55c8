"""The reverse pipeline: a Keras model's config -> a readable spec.

Reads the config of a model the user already has (a `.keras` file's
`config.json`, a `model.to_json()` file, or a Python file that builds the model,
run in a subprocess) and writes the spec that regenerates it:

* every layer resolved against the catalogue, arguments equal to Keras' defaults
  left out;
* labels only where the graph needs them (a source other than the statement
  before, an output) or where the user named the layer;
* chains left implicit.

What the DSL cannot say (a Lambda, a custom layer, a nested model, a shared layer,
an initializer class the catalogue does not know) is an error naming the layer,
never dropped. Pure Python for `.keras` and `.json`: no TensorFlow import.
"""

from __future__ import annotations

import json
import keyword
import math
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from . import argtypes as t
from . import catalogue
from .catalogue import NO_DEFAULT, LayerEntry, Param
from .errors import MAX_REPORTED, ModelgenError
from .identifiers import RESERVED_NAMES, as_identifier, snake_case
from .ir import KerasObject, PyValue
from .pyrunner import DEFAULT_TIMEOUT

# Settings Keras saves with neutral values that the DSL has no words for.
NEUTRAL_SETTINGS = {"input_axes": None, "output_axes": None}
# The key under which every Keras wrapper saves the layer it wraps (written as that layer).
WRAPPED_KEY = "layer"
FLOAT_TOLERANCE = 1e-6  # Keras saves 0.01 as float32: 0.009999999776482582


class ImportProblem(ModelgenError):
    """The model cannot be written as a spec; the message names the layer and why."""


@dataclass
class _Layer:
    name: str
    class_name: str
    config: dict
    sources: list[str]
    registered_name: str | None = None
    input_shapes: list[tuple] | None = None
    module: str = ""
    call: dict | None = None  # the inbound node: its args and kwargs, tensors included
    calls: int = 1  # how many times the model calls it (more than once: a shared layer)

    @property
    def is_operation(self) -> bool:
        """A Keras operation (`x + 3.0`), not a layer: it has no name of its own to keep."""
        return self.module.startswith("keras.src.ops")


# What an import reads, at most. A real model's config is far smaller (NASNetMobile's
# is 0.8 MB); past these, a file is refused before it fills memory (16 MiB of JSON
# makes at most about 500 MB of Python objects: 5 million empty dicts).
MAX_CONFIG_BYTES = 16 * 2**20  # a .json file, a .keras file's config.json, a .py's config
MAX_NESTING = 100  # lists and objects inside each other (a model's config nests about 10)
MAX_INT_DIGITS = 100  # a number in a config (Keras' integers have at most 19 digits)


def read_config(
    path: str, timeout: float = DEFAULT_TIMEOUT, save_model_as: Path | None = None
) -> dict:
    """The model config (as `model.to_json()` gives it) of a .keras, .json or .py file.

    A .py file is run (see `modelgen.pyrunner`); with `save_model_as`, the model that
    run built is also saved there as a .keras file, for its weights.
    """
    source = Path(path)
    if not source.exists():
        raise ImportProblem(f"{path}: no such file")
    if source.is_dir():
        raise ImportProblem(f"{path}: is a directory, not a model file")
    if source.suffix == ".keras":
        return _parse_json(_archive_config(source), f"{path}: config.json")
    if source.suffix == ".py":
        return _config_from_python(source, timeout, save_model_as)
    if source.suffix == ".h5":
        raise ImportProblem(
            f"{path}: a legacy HDF5 model, which modelgen does not read: "
            "load it in Keras and save it as a .keras file"
        )
    return _parse_json(_read_bounded(source), path)


def _read_bounded(source: Path, where: str | None = None) -> bytes:
    where = where or str(source)
    try:
        with source.open("rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ImportProblem(f"{where}: cannot read: {error.strerror}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ImportProblem(f"{where}: {_too_big()}")
    return data


def _too_big() -> str:
    return f"larger than {MAX_CONFIG_BYTES // 2**20} MiB, the most modelgen reads as a model config"


def _archive_config(source: Path) -> bytes:
    """config.json of a .keras archive: its declared size checked first, then the bytes
    counted while they are inflated, so that a zip bomb stops at the limit."""
    where = f"{source}: config.json"
    try:
        with zipfile.ZipFile(source) as archive:
            try:
                info = archive.getinfo("config.json")
            except KeyError:
                raise ImportProblem(
                    f"{source}: not a Keras .keras file (it has no config.json)"
                ) from None
            if info.flag_bits & 0x1:
                raise ImportProblem(f"{where}: encrypted, which modelgen cannot read")
            if info.file_size > MAX_CONFIG_BYTES:
                raise ImportProblem(f"{where}: {_too_big()}")
            chunks, size = [], 0
            with archive.open(info) as member:
                while chunk := member.read(2**20):
                    size += len(chunk)
                    if size > MAX_CONFIG_BYTES:
                        raise ImportProblem(f"{where}: {_too_big()}")
                    chunks.append(chunk)
            return b"".join(chunks)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as error:
        raise ImportProblem(f"{source}: not a valid .keras file ({error})") from None
    except NotImplementedError as error:  # a compression method zipfile does not have
        raise ImportProblem(f"{source}: cannot read the archive ({error})") from None
    except OSError as error:
        raise ImportProblem(f"{source}: cannot read: {error.strerror or error}") from None


def _parse_json(data: bytes, where: str) -> dict:
    """JSON text into a config, refusing what would exhaust memory or the stack."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportProblem(
            f"{where}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise ImportProblem(
            f"{where}: lists and objects nest more than {MAX_NESTING} deep; a model config "
            "nests about 10 deep"
        )
    try:
        return json.loads(text, parse_int=_parse_int)
    except _LongNumber as error:
        raise ImportProblem(
            f"{where}: a number with {error.args[0]} digits; "
            f"modelgen reads at most {MAX_INT_DIGITS} (Keras' integers have at most 19)"
        ) from None
    except json.JSONDecodeError as error:
        raise ImportProblem(
            f"{where}: not valid JSON ({error.msg}, line {error.lineno} column {error.colno})"
        ) from None


def _nesting(text: str) -> int:
    """How deep brackets nest in JSON text (strings skipped), counted up to one past
    `MAX_NESTING`: checked before parsing, which would recurse once per level. Each pass
    removes the innermost pairs, in C: a pass per level, not a Python step per bracket."""
    brackets = _NOT_BRACKETS.sub("", text)
    depth = 0
    while brackets and depth <= MAX_NESTING:
        inner = _INNERMOST.sub("", brackets)
        if len(inner) == len(brackets):
            break  # unbalanced: json.loads says where
        brackets, depth = inner, depth + 1
    return depth


_NOT_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[^\[\]{}"]+')
_INNERMOST = re.compile(r"\[\]|\{\}")


class _LongNumber(Exception):
    """A JSON integer too long to read: Python refuses past 4300 digits, we well before."""


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _LongNumber(digits)
    return int(text)


def _config_from_python(source: Path, timeout: float, save_model_as: Path | None) -> dict:
    from .pyrunner import RunProblem, run_model_file

    with tempfile.TemporaryDirectory(prefix="modelgen-run-") as work:
        try:
            config = run_model_file(source, Path(work), timeout, save_model_as is not None)
        except RunProblem as problem:
            raise ImportProblem(str(problem)) from None
        if save_model_as is not None:
            os.replace(Path(work) / "model.keras", save_model_as)
        where = f"{source}: the config it built"
        return _parse_json(_read_bounded(config, where), where)


# ------------------------------------------------------------------------------ layers


def _tensor_shapes(value: object) -> list[tuple]:
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [tuple(value["config"].get("shape") or ())]
        return [shape for item in value.values() for shape in _tensor_shapes(item)]
    if isinstance(value, (list, tuple)):
        return [shape for item in value for shape in _tensor_shapes(item)]
    return []


def _tensor_sources(value: object) -> list[str]:
    """The layer names behind every Keras tensor in a node's arguments, in order."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [value["config"]["keras_history"][0]]
        return [name for item in value.values() for name in _tensor_sources(item)]
    if isinstance(value, (list, tuple)):
        return [name for item in value for name in _tensor_sources(item)]
    return []


def _endpoints(value: object, which: str) -> list[str]:
    """`input_layers` / `output_layers`: [name, 0, 0] or a list of them (checked by
    `check_structure`)."""
    if isinstance(value, dict):
        raise ImportProblem(
            f"the model takes its {which} as a dict (keys {', '.join(map(repr, value))}), "
            f"which the DSL cannot write: it writes a model's {which} as a list "
            f"(build it with keras.Model([...], ...) to import it)"
        )
    if not value:
        return []
    if isinstance(value[0], str):
        return [value[0]]
    return [item[0] for item in value]


# ------------------------------------------------------------------------------ structure


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


def _expect(value: object, kind: type, where: str, what: str) -> None:
    if not isinstance(value, kind) or isinstance(value, bool):  # a config has no bools here
        raise ImportProblem(f"{where}: expected {what}, got {_kind(value)}")


def _expect_name(value: object, where: str) -> None:
    _expect(value, str, where, "a layer name")
    if value == "":
        raise ImportProblem(f"{where}: expected a layer name, got an empty string")


def _is_endpoint(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and all(type(v) is int for v in value[1:])
    )


def check_structure(model: object) -> None:
    """Refuse a config whose structure is not the one `model.to_json()` writes, naming
    the key: what `_graph` reads is then of the type it expects."""
    _expect(model, dict, "the config", "an object (a model's to_json())")
    assert isinstance(model, dict)
    _expect(model.get("class_name"), str, "class_name", "a string")
    config = model.get("config")
    _expect(config, dict, "config", "an object")
    assert isinstance(config, dict)
    if "name" in config:
        _expect(config["name"], str, "config.name", "a string")
    layers = config.get("layers")
    _expect(layers, list, "config.layers", "a list of layers")
    assert isinstance(layers, list)
    if not layers:
        raise ImportProblem("config.layers: the model has no layers")
    sequential = model["class_name"] == "Sequential"
    names = set()
    for i, raw in enumerate(layers):
        where = f"config.layers[{i}]"
        _expect(raw, dict, where, "an object")
        _expect(raw.get("class_name"), str, f"{where}.class_name", "a string")
        _expect(raw.get("config", {}), dict, f"{where}.config", "an object")
        if raw.get("registered_name") is not None:
            _expect(raw["registered_name"], str, f"{where}.registered_name", "a string")
        if raw.get("module") is not None:
            _expect(raw["module"], str, f"{where}.module", "a string")
        _check_objects(raw.get("config", {}), f"{where}.config")
        if sequential:
            _expect_name(raw.get("config", {}).get("name"), f"{where}.config.name")
            continue
        _expect_name(raw.get("name"), f"{where}.name")
        if raw["name"] in names:
            raise ImportProblem(f"{where}: a second layer named {raw['name']!r}")
        names.add(raw["name"])
        nodes = raw.get("inbound_nodes", [])
        _expect(nodes, list, f"{where}.inbound_nodes", "a list")
        for j, node in enumerate(nodes):
            _expect(node, dict, f"{where}.inbound_nodes[{j}]", "an object")
            _expect(node.get("args", []), list, f"{where}.inbound_nodes[{j}].args", "a list")
            _expect(node.get("kwargs", {}), dict, f"{where}.inbound_nodes[{j}].kwargs", "an object")
    if sequential:
        shape = config.get("build_input_shape")
        if shape is not None:
            _expect(shape, list, "config.build_input_shape", "a list")
        return
    for i, raw in enumerate(layers):
        for j, node in enumerate(raw.get("inbound_nodes", [])):
            _check_tensors(node, f"config.layers[{i}].inbound_nodes[{j}]", names)
    for key in ("input_layers", "output_layers"):
        value = config.get(key)
        entries = (
            []
            if value is None or value == []
            else [value]
            if _is_endpoint(value)
            else list(value.values())
            if isinstance(value, dict)
            else value
            if isinstance(value, list)
            else None
        )
        if entries is None or not all(_is_endpoint(e) for e in entries):
            raise ImportProblem(
                f"config.{key}: expected [name, 0, 0] or a list of them, got {json.dumps(value)[:80]}"
            )
        for entry in entries:
            if entry[0] not in names:
                raise ImportProblem(f"config.{key} names {entry[0]!r}, but there is no such layer")


def _check_objects(value: object, where: str) -> None:
    """Every Keras object saved in a layer's config (a wrapped layer, an initializer, a
    dtype policy: `{"class_name": ..., "config": {...}}`) has the keys' types Keras writes."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_objects(item, f"{where}[{i}]")
        return
    if not isinstance(value, dict):
        return
    if "class_name" in value or "config" in value:
        _expect(value.get("class_name"), str, f"{where}.class_name", "a string")
        _expect(value.get("config", {}), dict, f"{where}.config", "an object")
        for key in ("module", "registered_name"):
            if value.get(key) is not None:
                _expect(value[key], str, f"{where}.{key}", "a string")
    for key, item in value.items():
        _check_objects(item, f"{where}.{key}")


def _check_tensors(value: object, where: str, names: set[str]) -> None:
    """Every Keras tensor in a node's arguments: its `keras_history` names a layer."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            tensor = value.get("config")
            _expect(tensor, dict, f"{where}: a tensor's config", "an object")
            assert isinstance(tensor, dict)
            history = tensor.get("keras_history")
            if not _is_endpoint(history):
                raise ImportProblem(
                    f"{where}: a tensor's keras_history: expected [layer name, 0, 0], "
                    f"got {json.dumps(history)[:80]}"
                )
            assert isinstance(history, list)
            if history[0] not in names:
                raise ImportProblem(
                    f"{where}: a tensor comes from layer {history[0]!r}, but there is no such layer"
                )
            shape = tensor.get("shape")
            if shape is not None and not (
                isinstance(shape, list) and all(d is None or type(d) is int for d in shape)
            ):
                raise ImportProblem(
                    f"{where}: a tensor's shape: expected a list of sizes, got {json.dumps(shape)[:80]}"
                )
            return
        for item in value.values():
            _check_tensors(item, where, names)
    elif isinstance(value, list):
        for item in value:
            _check_tensors(item, where, names)


def _graph(model: dict) -> tuple[str, list[_Layer], list[str], list[str]]:
    check_structure(model)
    kind = model.get("class_name")
    config = model.get("config", {})
    name = config.get("name", "model")
    layers = []
    if kind == "Sequential":
        previous: list[str] = []
        for raw in config.get("layers", []):
            layer_name = raw.get("config", {}).get("name", "")
            layers.append(
                _Layer(
                    layer_name,
                    raw["class_name"],
                    raw.get("config", {}),
                    previous,
                    raw.get("registered_name"),
                    module=raw.get("module") or "",
                )
            )
            previous = [layer_name]
        if layers and layers[0].class_name != "InputLayer":
            shape = config.get("build_input_shape")
            if not shape:
                raise ImportProblem(
                    "the Sequential model has no input shape: build it before saving"
                )
            layers.insert(0, _Layer("input_layer", "InputLayer", {"batch_shape": shape}, []))
            layers[1].sources = ["input_layer"]
        return name, layers, [layers[0].name], [layers[-1].name]
    if kind not in ("Functional", "Model"):
        raise ImportProblem(
            f"the model is a {kind}, a subclassed or custom model whose config has no layer graph: "
            "import the Python file that builds it instead"
        )
    for raw in config.get("layers", []):
        nodes = raw.get("inbound_nodes", [])
        inputs = _call_inputs(raw["class_name"], nodes[0]) if nodes else []
        sources = _tensor_sources(inputs)
        layers.append(
            _Layer(
                raw["name"],
                raw["class_name"],
                raw.get("config", {}),
                sources,
                raw.get("registered_name"),
                _tensor_shapes(inputs),
                raw.get("module") or "",
                nodes[0] if nodes else None,
                calls=len(nodes),
            )
        )
    return (
        name,
        layers,
        _endpoints(config.get("input_layers"), "inputs"),
        _endpoints(config.get("output_layers"), "outputs"),
    )


# ------------------------------------------------------------------------------ values


def _close(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= FLOAT_TOLERANCE * max(1.0, abs(a), abs(b))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _tuples(value: object) -> object:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _keras_object(kind: t.KerasObjects, value: dict, where: str) -> KerasObject:
    """A saved initializer, regularizer or constraint, as the catalogue's types hold it."""
    class_name = str(value.get("class_name"))
    chosen = kind.by_class(class_name)
    if chosen is None or value.get("module", f"keras.{kind.module}") != f"keras.{kind.module}":
        raise ImportProblem(
            f"{where}: a {class_name} {kind.what} is not one the DSL knows "
            f"(it knows {', '.join(kind.words)})"
        )
    settings = []
    for key, setting in value.get("config", {}).items():
        if NEUTRAL_SETTINGS.get(key, ...) == setting:
            continue
        if not any(s.name == key for s in chosen.settings):
            raise ImportProblem(
                f"{where}: the {class_name} setting {key}={json.dumps(setting)} "
                "cannot be written in the DSL"
            )
        settings.append((key, _tuples(setting)))
    return KerasObject(kind.module, chosen.class_name, tuple(settings))


def _canonical(param: Param, value: object, where: str) -> PyValue:
    """A config value as the catalogue's types hold it, to compare and to write."""
    inner = param.type.inner if isinstance(param.type, t.Optional) else param.type
    if isinstance(value, dict) and "class_name" in value:
        if not isinstance(inner, t.KerasObjects):
            raise ImportProblem(f"{where}: {json.dumps(value)} cannot be written in the DSL")
        value = _keras_object(inner, value, where)
    try:  # the types' canonical forms expect values of their type; a config may hold any
        value = param.type.canonical(_tuples(value))
    except (TypeError, ValueError, AttributeError):
        raise ImportProblem(
            f"{where}: expected {param.type.description}, got {json.dumps(value)[:80]}"
        ) from None
    if param.name == "data_format" and value is None:
        return "channels_last"
    if inner is t.ACTIVATION and value == "linear" and param.default is None:
        return None  # Keras saves "no activation" as "linear"
    return value  # type: ignore[return-value]


# Words the parser reads as something other than a string: constants and the
# statement keywords.
_NOT_WORDS = ("true", "false", "none", "model", "outputs")
_INT_RANGE = 2**63  # Keras' integers are 64-bit: past that, no spec means the value


class UnwritableValue(ImportProblem):
    """A value no DSL literal reads back as; `spec_from_config` adds the layer."""


def _word(text: str) -> str:
    """A string as a bare word where the parser reads it back as that string, else quoted."""
    if re.fullmatch(r"[^\W\d]\w*", text) and text.lower() not in _NOT_WORDS:
        return text
    return _quoted(text)


def _quoted(text: str) -> str:
    """A double-quoted DSL string (the parser reads strings as Python literals): printable
    characters as they are, emoji included; every other one escaped, so that no line end,
    control character or lone surrogate reaches the spec's text."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(repr(char)[1:-1])  # \n, \x1b, \u2028, \ud83d
    return '"' + "".join(out) + '"'


def dsl_literal(value: object, dims: bool = False, where: str = "", word: bool = True) -> str:
    """How a value is written in a spec: a literal the parser reads back as exactly this
    value, or `UnwritableValue` (an `ImportProblem` naming `where`) when there is none.

    Every value the importer writes into spec text goes through here. `dims`: a tuple
    of sizes as `28x28` (one size as itself); `word=False`: a string always quoted.
    """

    def refuse(reason: str) -> UnwritableValue:
        return UnwritableValue(f"{where}: {reason}" if where else reason)

    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not -_INT_RANGE <= value < _INT_RANGE:
            raise refuse(f"the integer {str(value)[:30]}... is beyond Keras' 64-bit range")
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise refuse(f"{value} cannot be written in the DSL, which has no NaN or infinity")
        return repr(value)
    if isinstance(value, str):
        return _word(value) if word else _quoted(value)
    if isinstance(value, KerasObject):
        return _object_literal(value)
    if not isinstance(value, (tuple, list)):
        raise refuse(f"a {type(value).__name__} value cannot be written in the DSL")
    items = list(value)
    if dims and items and all(v is None or (type(v) is int and 0 < v < _INT_RANGE) for v in items):
        return "x".join("?" if v is None else str(v) for v in items)
    inner = ", ".join(dsl_literal(v, where=where) for v in items)
    return f"({inner},)" if len(items) == 1 else f"({inner})"


def _object_literal(value: KerasObject) -> str:
    """`l2(0.0001)`, `variance_scaling(scale=2.0, mode=fan_out)`, or just `he_normal`."""
    chosen = t.OBJECT_TYPES[value.module].by_class(value.class_name)
    assert chosen is not None
    if not value.settings and chosen.needs_settings:  # Keras cannot make `constant` by name
        first = chosen.settings[0]
        return f"{chosen.word}({dsl_literal(first.default)})"
    if not value.settings:
        return chosen.word
    if len(value.settings) == 1 and value.settings[0][0] == chosen.settings[0].name:
        return f"{chosen.word}({dsl_literal(value.settings[0][1])})"
    words = ", ".join(f"{name}={dsl_literal(v)}" for name, v in value.settings)
    return f"{chosen.word}({words})"


def _same(value: object, neutral: object) -> bool:
    """Equal and of one type: a saved `0` is not `False`, nor `{}` `None`."""
    return type(value) is type(neutral) and value == neutral


def _neutral(value: object, neutrals: tuple) -> bool:
    return any(_same(value, n) for n in neutrals)


def _written(entry: LayerEntry, param: Param, saved: object, value: PyValue) -> PyValue:
    """The value to write: the canonical one, or the saved one for a parameter Keras saves
    as given (Softmax's `axis=1` and `axis=(1,)` compute the same, but save differently)."""
    if param.name in entry.saved_as_given:
        return _tuples(saved)  # type: ignore[return-value]
    return value


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
    handled = {"name", "trainable", "dtype"}
    neutral = dict(entry.saved_settings)
    derived = dict(entry.saved_defaults(config, shapes or [])) if entry.saved_defaults else {}
    for key, value in config.items():
        if key in handled or entry.param(key) is not None:
            continue
        if entry.is_wrapper and key == WRAPPED_KEY:
            continue  # written as the wrapped layer, by the caller
        if key in neutral and _neutral(value, neutral[key]):
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
        value = _canonical(param, config[param.name], f"{where} {param.name}")
        written = _written(entry, param, config[param.name], value)
        if param.default is not NO_DEFAULT and _close(
            written,
            _written(entry, param, param.default, _canonical(param, param.default, where)),
        ):
            continue
        if param.name in derived and _close(
            written,
            _written(
                entry,
                param,
                derived[param.name],
                _canonical(param, derived[param.name], f"{where} {param.name}"),
            ),
        ):
            continue
        kind = param.type.inner if isinstance(param.type, t.Optional) else param.type
        dims = isinstance(kind, (t.IntTuple, t.Shape, t.TargetShape))  # pooling strides too
        text = dsl_literal(written, dims, where=f"{where} {param.name}")
        if param.required:
            required.append(text)
        elif param.name == "activation" and isinstance(value, str) and value in t.ACTIVATION_NAMES:
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
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        history = (value.get("config") or {}).get("keras_history") or ["?"]
        return f"a tensor (from {str(history[0])!r})"
    if isinstance(value, dict) and value.get("class_name") == "__tensor__":
        return "a constant tensor"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return repr(value)[:80]


def _call_inputs(class_name: str, node: object) -> list:
    """The arguments of a saved call that hold its input tensors, in the call's order:
    the positional ones, then the catalogue entry's input parameters given by keyword
    (`mha(query=q, value=v)`). A tensor in any other argument (a mask, an initial
    state) is not a source: `_check_call` refuses it by name."""
    if not isinstance(node, dict):
        return []
    entry = catalogue.lookup(class_name)
    args, kwargs = node.get("args") or [], node.get("kwargs") or {}
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        return []
    if entry is None:  # a layer the import refuses: every tensor it reads, for the labels
        return [*args, *kwargs.values()]
    names = entry.call_inputs
    return [*args[: len(names)], *(kwargs[name] for name in names if name in kwargs)]


def _check_call(layer: _Layer, entry: LayerEntry, where: str) -> None:
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
        if key in entry.call_inputs or (key in neutral and _neutral(value, neutral[key])):
            continue
        raise ImportProblem(
            f"{where} is called with {key}={_shown(value)}, which the DSL cannot write"
        )


def _automatic(name: str, class_name: str) -> bool:
    """Whether Keras chose this name itself (`dense`, `dense_3`)."""
    prefix = "input_layer" if class_name == "InputLayer" else snake_case(class_name)
    return re.fullmatch(rf"{re.escape(prefix)}(_\d+)?", name) is not None


def _layer_words(layer: _Layer, where: str = "") -> list[str]:
    where = where or f"layer {layer.name!r} ({layer.class_name})"
    if layer.calls > 1:
        raise ImportProblem(
            f"{where} is called {layer.calls} times (a shared layer), which the DSL cannot write"
        )
    if layer.class_name == "InputLayer":
        return _input_words(layer, where)
    entry = _entry(layer, where)
    if entry.is_operation:
        return [entry.keyword, dsl_literal(_operand(layer, entry, where), where=where)]
    _check_call(layer, entry, where)
    if entry.is_wrapper:
        inner = layer.config.get(WRAPPED_KEY)
        inner = inner if isinstance(inner, dict) else {}
        inner_layer = _Layer(
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


def _problems_inside(layer: _Layer, where: str) -> list[str]:
    """What cannot be written inside a nested model: each of its layers, by name."""
    if layer.class_name not in NESTED_MODELS:
        return []
    try:
        _, inner_layers, _, _ = _graph({"class_name": layer.class_name, "config": layer.config})
    except ImportProblem as problem:
        return [f"{where}: {problem}"]
    problems = []
    for inner in inner_layers:
        inside = f"layer {inner.name!r} ({inner.class_name}) inside {where}"
        try:
            _layer_words(inner, inside)
        except ImportProblem as problem:
            if not str(problem).startswith(f"{inside} is a nested model"):
                problems.append(str(problem))
        problems += _problems_inside(inner, inside)
    return problems


# An InputLayer's settings that the DSL has no words for, and the values they may hold.
INPUT_NEUTRAL = {"sparse": (False,), "ragged": (False,), "optional": (False,)}


def _input_words(layer: _Layer, where: str) -> list[str]:
    """`input 28x28 batch_size=32 dtype=int32`, every value checked to be one Keras reads."""
    config = layer.config
    shape = config.get("batch_shape", config.get("batch_input_shape"))
    if not isinstance(shape, list) or not shape:
        raise ImportProblem(
            f"{where} batch_shape: expected a list of sizes (the batch first), "
            f"got {json.dumps(shape)[:80]}"
        )
    for size in shape:
        if not (size is None or (type(size) is int and 0 < size < _INT_RANGE)):
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
    for key, value in config.items():
        if key in ("name", "batch_shape", "batch_input_shape", "dtype"):
            continue
        if value not in INPUT_NEUTRAL.get(key, ()):
            raise ImportProblem(
                f"{where}: the setting {key}={json.dumps(value)[:80]} cannot be written in the DSL"
            )
    return words


def _operand(layer: _Layer, entry: LayerEntry, where: str) -> float:
    """The constant of `keras.ops.add(x, 3.0)`: the node must be a tensor and a number."""
    args = (layer.call or {}).get("args", [])
    if (
        len(args) == 2
        and not (layer.call or {}).get("kwargs")
        and isinstance(args[0], dict)
        and args[0].get("class_name") == "__keras_tensor__"
        and isinstance(args[1], (int, float))
        and not isinstance(args[1], bool)
    ):
        return args[1]
    given = ", ".join(
        "a tensor" if isinstance(a, dict) and a.get("class_name") == "__keras_tensor__" else repr(a)
        for a in args
    )
    raise ImportProblem(
        f"{where} is keras.ops.{entry.operation}({given}); the DSL writes it only on a tensor "
        f"and a number, as {entry.keyword}"
        + (
            f" (the {entry.class_name} layer, '{entry.class_name.lower()} <- a, b', "
            "takes two tensors)"
            if entry.class_name in ("Add", "Subtract", "Multiply")
            else ""
        )
    )


NESTED_MODELS = ("Sequential", "Functional", "Model")


def _keras_has(layer: _Layer) -> bool | None:
    """Whether the saved class is one of Keras' own (its module is Keras' and it is not
    registered under another package); None when the config does not say."""
    package = (layer.registered_name or "").split(">")[0]
    if package not in ("", "keras", "keras.layers"):
        return False
    if layer.module:
        return layer.module == "keras" or layer.module.startswith("keras.")
    return None if not package else True


def _entry(layer: _Layer, where: str) -> LayerEntry:
    if layer.class_name in NESTED_MODELS:
        raise ImportProblem(f"{where} is a nested model; the DSL cannot write nested models yet")
    if layer.is_operation:
        known = [e for e in catalogue.ENTRIES if e.is_operation]
        for entry in known:
            if layer.class_name in (entry.operation_class, *entry.recorded_as):
                return entry
        raise ImportProblem(
            f"{where} is a Keras operation ({layer.module}), such as `x @ y` on a tensor, "
            f"that the DSL cannot write; it writes {', '.join(e.keyword for e in known)}"
        )
    if layer.class_name == "Lambda":
        raise ImportProblem(
            f"{where} is a Lambda, which runs arbitrary Python the DSL cannot write"
        )
    entry = catalogue.lookup(layer.class_name)
    from_keras = _keras_has(layer)
    if entry is not None and entry.keyword == layer.class_name and from_keras is not False:
        return entry
    if from_keras:
        raise ImportProblem(
            f"{where} is a Keras layer modelgen does not support yet "
            "(`modelgen layers` lists the ones it does)"
        )
    if from_keras is None:
        raise ImportProblem(f"{where} is a layer class modelgen's catalogue does not have")
    custom = f" (registered as {layer.registered_name})" if layer.registered_name else ""
    raise ImportProblem(
        f"{where} is a custom layer{custom} that modelgen's catalogue does not have"
    )


# ------------------------------------------------------------------------------ spec


def _identifier(text: str, taken: set[str]) -> str:
    base = as_identifier(text) or "layer"
    if keyword.iskeyword(base) or base in RESERVED_NAMES or base.startswith("__"):
        base = f"{base.strip('_')}_layer"
    if not base.isidentifier():  # it starts with a digit (perhaps once `__` is stripped)
        base = f"layer_{base}"
    name, counter = base, 0
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    return name


@dataclass(frozen=True)
class ImportedSpec:
    text: str
    # line number -> the Keras layer it was written from, as messages name it
    # ("layer 'dense_1' (Dense)"): errors about the spec can name the user's layer.
    origins: dict[int, str]

    def origin(self, line: int) -> str:
        return self.origins.get(line, "the model")


def spec_from_config(model: dict, default_name: str = "model") -> str:
    """The spec text that regenerates the model described by `model` (a to_json() dict)."""
    return import_spec(model, default_name).text


def _model_name(name: object, default_name: str) -> str:
    """The spec's `model NAME`: an ASCII identifier, which every style builds under
    (TensorFlow's root name scopes are ASCII), from the Keras name where it has one."""
    text = name if isinstance(name, str) else ""
    ascii_name = re.sub(r"[^A-Za-z0-9_]+", "_", as_identifier(text)).strip("_")
    if ascii_name[:1].isdigit():  # `3dcnn`: a model, not a layer
        ascii_name = f"model_{ascii_name}"
    return _identifier(ascii_name, set()) if ascii_name else default_name


def import_spec(model: dict, default_name: str = "model") -> ImportedSpec:
    """The spec that regenerates `model` (a to_json() dict), and where each line came from."""
    name, layers, inputs, outputs = _graph(model)
    by_name = {layer.name: layer for layer in layers}
    for wanted in inputs + outputs:
        if wanted not in by_name:
            raise ImportProblem(
                f"the config names {wanted!r} as an input or output, but has no such layer"
            )
    # Inputs first, in the model's input order, then the rest in the config's order,
    # which Keras keeps topological.
    ordered = [by_name[n] for n in inputs] + [layer for layer in layers if layer.name not in inputs]
    position = {layer.name: i for i, layer in enumerate(ordered)}
    needs_label = {
        n for n in outputs if not (len(outputs) == 1 and position[n] == len(ordered) - 1)
    }
    for i, layer in enumerate(ordered):
        if layer.class_name != "InputLayer" and (i == 0 or layer.sources != [ordered[i - 1].name]):
            needs_label.update(layer.sources)
    # A label that looks like a Keras automatic name (`dense_1`) would clash with the
    # names Keras gives the unlabelled layers of that class: label them all.
    # (An operation's label names no Keras object: it cannot clash.)
    clashing = {
        by_name[n].class_name
        for n in needs_label
        if _automatic(n, by_name[n].class_name) and not by_name[n].is_operation
    }
    needs_label |= {layer.name for layer in ordered if layer.class_name in clashing}
    taken: set[str] = set()
    labels: dict[str, str] = {}
    extra_name: dict[str, str] = {}
    for layer in ordered:
        user_named = not _automatic(layer.name, layer.class_name)
        if layer.name in needs_label or user_named:
            label = _identifier(layer.name, taken)
            taken.add(label)
            labels[layer.name] = label
            if label != layer.name and not layer.is_operation:
                extra_name[layer.name] = layer.name
    lines = []
    model_name = _model_name(name, default_name)
    if model_name == name or not name:
        lines.append(f"model {model_name}")
    else:  # say what the Keras name was: the DSL has no words to keep it
        lines.append(f"model {model_name}  # the Keras model's name: {_quoted(str(name))}")
    origins: dict[int, str] = {}
    problems: list[str] = []
    for i, layer in enumerate(ordered):
        where = f"layer {layer.name!r} ({layer.class_name})"
        if layer.class_name != "InputLayer" and not layer.sources:
            problems.append(f"{where} reads no tensor: the config calls it on no input")
            continue
        try:
            words = _layer_words(layer)
        except UnwritableValue as problem:  # from a caller that did not say where
            text = str(problem)
            problems.append(text if text.startswith(where) else f"{where}: {text}")
            continue
        except ImportProblem as problem:  # go on: say everything that cannot be written
            problems.append(str(problem))
            problems += _problems_inside(layer, where)  # a nested model's layers, by name
            continue
        origins[len(lines) + 1] = where
        if layer.name in extra_name:
            words.append(f"name={dsl_literal(extra_name[layer.name], word=False)}")
        implicit = layer.class_name == "InputLayer" or (
            i > 0 and layer.sources == [ordered[i - 1].name]
        )
        if not implicit:
            words.append("<- " + ", ".join(labels[s] for s in layer.sources))
        prefix = f"{labels[layer.name]}: " if layer.name in labels else ""
        lines.append(prefix + " ".join(words))
    if needs_label & set(outputs):
        lines.append("outputs " + ", ".join(labels[n] for n in outputs))
    if len(problems) == 1:
        raise ImportProblem(problems[0])
    if problems:
        shown = problems[:MAX_REPORTED]
        more = len(problems) - len(shown)
        raise ImportProblem(
            f"{len(problems)} layers cannot be written in the DSL:\n"
            + "\n".join(f"  {p}" for p in shown)
            + (f"\n  ... and {more} more" if more else "")
        )
    return ImportedSpec("\n".join(lines) + "\n", origins)


def canonical(graph) -> tuple:  # noqa: ANN001 - a validated, shape-inferred ModelGraph
    """A form of a model graph that two specs share exactly when they describe the same model:
    Keras' layer order and names, every argument with its default filled in, sources by position."""
    from .shapes import make_call
    from .summary import keras_names, keras_order

    order = keras_order(graph)
    position = {node: i for i, node in enumerate(order)}
    names = keras_names(graph)

    def arguments(entry: LayerEntry, given) -> tuple:  # noqa: ANN001
        args = make_call(entry, given, ()).args
        # what Keras saves for a parameter left out, where the other arguments decide it
        derived = entry.saved_defaults(args, []) if entry.saved_defaults else {}
        out = []
        for param in entry.params:
            if param.name == "name" or param.name not in args:
                continue
            value = _canonical(param, args[param.name], "")
            if value is None and derived.get(param.name) is not None:
                value = _canonical(param, derived[param.name], "")
            out.append((param.name, value))
        return tuple(out)

    nodes = []
    for index in order:
        node = graph.nodes[index]
        wrapped = None
        if node.wrapped is not None:
            wrapped = (
                node.wrapped.entry.keyword,
                arguments(node.wrapped.entry, node.wrapped.arguments),
            )
        nodes.append(
            (
                node.entry.keyword,
                names[index],
                arguments(node.entry, node.arguments),
                wrapped,
                tuple(position[s] for s in node.sources),
            )
        )
    return (
        tuple(nodes),
        tuple(position[i] for i in graph.inputs),
        tuple(position[o] for o in graph.outputs),
    )
