"""The Keras config graph: a model's `to_json()` dict -> its saved layers and endpoints.

`check_structure` refuses a config whose structure is not the one Keras writes,
naming the key; `read_graph` then reads it into `SavedLayer`s (each layer's class,
config, the call it was applied with and the layers it reads) and the names of the
model's inputs and outputs. A Sequential model's layers read the one before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .. import catalogue
from ..identifiers import snake_case
from .problems import ImportProblem

# The model classes whose config is a layer graph the importer reads.
NESTED_MODELS = ("Sequential", "Functional", "Model")
# Keras saves a model input as this class, named this when the user did not name it.
INPUT_CLASS = catalogue.INPUT.class_name
INPUT_NAME = snake_case(INPUT_CLASS)
_TENSOR = "__keras_tensor__"  # the class_name of a symbolic tensor in a saved call


@dataclass
class SavedLayer:
    """One layer of a saved model, as its config holds it."""

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

    @property
    def from_keras(self) -> bool | None:
        """Whether the saved class is one of Keras' own (its module is Keras' and it is not
        registered under another package); None when the config does not say."""
        package = (self.registered_name or "").split(">")[0]
        if package not in ("", "keras", "keras.layers"):
            return False
        if self.module:
            return self.module == "keras" or self.module.startswith("keras.")
        return None if not package else True


@dataclass(frozen=True)
class SavedGraph:
    """A saved model: its name, its layers in the config's order, its endpoints by name."""

    name: str
    layers: list[SavedLayer]
    inputs: list[str]
    outputs: list[str]


def is_tensor(value: object) -> bool:
    """Whether a value of a saved call is a symbolic tensor (another layer's output)."""
    return isinstance(value, dict) and value.get("class_name") == _TENSOR


def _tensor_shapes(value: object) -> list[tuple]:
    if isinstance(value, dict):
        if value.get("class_name") == _TENSOR:
            return [tuple(value["config"].get("shape") or ())]
        return [shape for item in value.values() for shape in _tensor_shapes(item)]
    if isinstance(value, (list, tuple)):
        return [shape for item in value for shape in _tensor_shapes(item)]
    return []


def _tensor_sources(value: object) -> list[str]:
    """The layer names behind every Keras tensor in a node's arguments, in order."""
    if isinstance(value, dict):
        if value.get("class_name") == _TENSOR:
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
    if not isinstance(value, list) or not value:
        return []
    if isinstance(value[0], str):
        return [value[0]]
    return [item[0] for item in value]


def _call_inputs(class_name: str, node: object) -> list:
    """The arguments of a saved call that hold its input tensors, in the call's order:
    the positional ones, then the catalogue entry's input parameters given by keyword
    (`mha(query=q, value=v)`). A tensor in any other argument (a mask, an initial
    state) is not a source: the layer's words refuse it by name."""
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
    the key: what `read_graph` reads is then of the type it expects."""
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
        if value.get("class_name") == _TENSOR:
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


def read_graph(model: dict) -> SavedGraph:
    """The layers and endpoints of a model config, once its structure is checked."""
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
                SavedLayer(
                    layer_name,
                    raw["class_name"],
                    raw.get("config", {}),
                    previous,
                    raw.get("registered_name"),
                    module=raw.get("module") or "",
                )
            )
            previous = [layer_name]
        if layers and layers[0].class_name != INPUT_CLASS:
            shape = config.get("build_input_shape")
            if not shape:
                raise ImportProblem(
                    "the Sequential model has no input shape: build it before saving"
                )
            layers.insert(0, SavedLayer(INPUT_NAME, INPUT_CLASS, {"batch_shape": shape}, []))
            layers[1].sources = [INPUT_NAME]
        return SavedGraph(name, layers, [layers[0].name], [layers[-1].name])
    if kind not in ("Functional", "Model"):
        raise ImportProblem(
            f"the model is a {kind}, a subclassed or custom model whose config has no layer graph: "
            "import the Python file that builds it instead"
        )
    for raw in config.get("layers", []):
        nodes = raw.get("inbound_nodes", [])
        inputs = _call_inputs(raw["class_name"], nodes[0]) if nodes else []
        layers.append(
            SavedLayer(
                raw["name"],
                raw["class_name"],
                raw.get("config", {}),
                _tensor_sources(inputs),
                raw.get("registered_name"),
                _tensor_shapes(inputs),
                raw.get("module") or "",
                nodes[0] if nodes else None,
                calls=len(nodes),
            )
        )
    return SavedGraph(
        name,
        layers,
        _endpoints(config.get("input_layers"), "inputs"),
        _endpoints(config.get("output_layers"), "outputs"),
    )
