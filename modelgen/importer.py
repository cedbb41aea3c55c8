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
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import argtypes as t
from . import catalogue
from .catalogue import NO_DEFAULT, LayerEntry, Param
from .errors import MAX_REPORTED, ModelgenError
from .ir import KerasObject, PyValue
from .naming import as_identifier, snake_case
from .validate import RESERVED_NAMES

# Settings Keras saves with neutral values that the DSL has no words for.
NEUTRAL_SETTINGS = {"input_axes": None, "output_axes": None}
# Keys of a layer's config that are not constructor arguments the catalogue lists,
# and are fine to leave out while they hold these values.
NEUTRAL_KEYS: dict[str, tuple] = {
    "quantization_config": (None,),
    "lora_rank": (None,),
    "lora_alpha": (None,),
    "lora_enabled": (False,),
    "renorm_clipping": (None, {}),
    "sparse": (False,),
    "ragged": (False,),
    "optional": (False,),
    "activity_regularizer": (None,),
    "return_state": (False,),
    "sliding_window": (None,),
    "use_cudnn": ("auto",),
    "zero_output_for_mask": (True, False),  # set by the wrapper around a recurrent layer
}
# Keras saves these parameters filled in from another one when they were left out
# (pooling's strides default to its pool_size).
FILLED_FROM = {"strides": "pool_size"}
WRAPPER_KEYS = ("layer", "backward_layer")
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

    @property
    def is_operation(self) -> bool:
        """A Keras operation (`x + 3.0`), not a layer: it has no name of its own to keep."""
        return self.module.startswith("keras.src.ops")


# Defaults Keras resolves from the inputs and saves resolved: (layer class, parameter)
# -> the value Keras saves when the spec left the parameter out.
def _resolved_defaults(layer: _Layer) -> dict[str, object]:
    shapes = layer.input_shapes or []
    if layer.class_name == "MultiHeadAttention" and shapes:
        return {
            "attention_axes": tuple(range(1, len(shapes[0]) - 1)),
            "value_dim": layer.config.get("key_dim"),
        }
    return {}


def read_config(path: str, timeout: float = 300) -> dict:
    """The model config (as `model.to_json()` gives it) of a .keras, .json or .py file."""
    source = Path(path)
    if not source.exists():
        raise ImportProblem(f"{path}: no such file")
    if source.suffix == ".keras":
        try:
            with zipfile.ZipFile(source) as archive:
                return json.loads(archive.read("config.json"))
        except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as error:
            raise ImportProblem(f"{path}: not a Keras .keras file ({error})") from None
    if source.suffix == ".py":
        return _config_from_python(source, timeout)
    try:
        return json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportProblem(f"{path}: not a Keras model JSON file ({error})") from None


_RUNNER = r"""
import importlib.util, json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
path = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
spec = importlib.util.spec_from_file_location("modelgen_imported", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
if hasattr(module, "build_model"):
    model = module.build_model()
elif hasattr(module, "model"):
    model = module.model
else:
    print("MODELGEN-ERROR defines neither build_model() nor a module-level model")
    sys.exit(3)
import keras
if not isinstance(model, keras.Model):
    print(f"MODELGEN-ERROR build_model() gave a {type(model).__name__}, not a keras.Model")
    sys.exit(3)
if model.__class__.__name__ not in ("Functional", "Sequential"):
    # A subclassed model has no graph in its config: save its functional view,
    # its call applied to inputs of the shapes it was built with.
    shapes = (model.get_build_config() or {}).get("input_shape") if model.built else None
    if shapes is None:
        print("MODELGEN-ERROR a subclassed model that was never built: call it once on keras.Input")
        sys.exit(3)
    several = isinstance(shapes[0], (list, tuple))
    fresh = [keras.Input(shape=tuple(s[1:])) for s in shapes] if several else keras.Input(shape=tuple(shapes[1:]))
    model = keras.Model(fresh, model.call(fresh), name=model.name)
print("MODELGEN-CONFIG " + model.to_json())
"""


def _config_from_python(source: Path, timeout: float) -> dict:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER, str(source)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise ImportProblem(f"{source}: building the model took more than {timeout:g} s") from None
    for line in done.stdout.splitlines():
        if line.startswith("MODELGEN-CONFIG "):
            return json.loads(line.removeprefix("MODELGEN-CONFIG "))
        if line.startswith("MODELGEN-ERROR "):
            raise ImportProblem(f"{source}: {line.removeprefix('MODELGEN-ERROR ')}")
    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    raise ImportProblem(f"{source}: running it failed: {last}")


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


def _endpoints(value: object) -> list[str]:
    """`input_layers` / `output_layers`: [name, 0, 0] or a list of them."""
    if isinstance(value, list) and value and isinstance(value[0], str):
        return [value[0]]
    return [name for item in value or [] for name in _endpoints(item)]


def _graph(model: dict) -> tuple[str, list[_Layer], list[str], list[str]]:
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
        if len(nodes) > 1:
            raise ImportProblem(
                f"layer {raw['name']!r} ({raw['class_name']}) is called {len(nodes)} times "
                "(a shared layer), which the DSL cannot write"
            )
        sources = _tensor_sources(nodes[0]) if nodes else []
        layers.append(
            _Layer(
                raw["name"],
                raw["class_name"],
                raw.get("config", {}),
                sources,
                raw.get("registered_name"),
                _tensor_shapes(nodes[0]) if nodes else [],
                raw.get("module") or "",
                nodes[0] if nodes else None,
            )
        )
    return (
        name,
        layers,
        _endpoints(config.get("input_layers")),
        _endpoints(config.get("output_layers")),
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
    value = param.type.canonical(_tuples(value))
    if param.name == "data_format" and value is None:
        return "channels_last"
    if inner is t.ACTIVATION and value == "linear" and param.default is None:
        return None  # Keras saves "no activation" as "linear"
    return value  # type: ignore[return-value]


def _word(text: str) -> str:
    if re.fullmatch(r"[^\W\d]\w*", text) and text.lower() not in ("true", "false", "none"):
        return text
    return json.dumps(text)


def dsl_literal(value: PyValue, dims: bool = False) -> str:
    """How a value is written in a spec."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _word(value)
    if isinstance(value, KerasObject):
        return _object_literal(value)
    items = list(value)
    if dims and len(items) >= 2 and all(v is None or (isinstance(v, int) and v > 0) for v in items):
        return "x".join("?" if v is None else str(v) for v in items)
    inner = ", ".join(dsl_literal(v) for v in items)
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


def _arguments(
    entry: LayerEntry,
    config: dict,
    where: str,
    skip: tuple[str, ...] = (),
    resolved: dict[str, object] | None = None,
) -> list[str]:
    """The spec's words for a layer's settings that differ from Keras' defaults."""
    words: list[str] = []
    handled = {"name", "trainable", "dtype", *skip}
    for key, value in config.items():
        if key in handled or entry.param(key) is not None:
            continue
        if value in NEUTRAL_KEYS.get(key, ()):
            continue
        raise ImportProblem(
            f"{where}: the setting {key}={json.dumps(value)} cannot be written in the DSL"
        )
    required: list[str] = []
    bare: list[str] = []
    for param in entry.params:
        if param.name in handled or param.name not in config:
            continue
        value = _canonical(param, config[param.name], f"{where} {param.name}")
        if param.default is not NO_DEFAULT and _close(
            value, _canonical(param, param.default, where)
        ):
            continue
        if resolved and param.name in resolved and _close(value, _tuples(resolved[param.name])):
            continue
        source = FILLED_FROM.get(param.name)
        if (
            source
            and entry.param(source)
            and _close(value, _canonical(entry.param(source), config.get(source), where))
        ):  # type: ignore[arg-type]
            continue
        dims = isinstance(param.type, (t.IntTuple, t.Shape, t.TargetShape))
        text = dsl_literal(value, dims)
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
        words.append(f"dtype={dsl_literal(dtype)}")
    if config.get("trainable") is False:
        words.append("trainable=false")
    return words


def _automatic(name: str, class_name: str) -> bool:
    """Whether Keras chose this name itself (`dense`, `dense_3`)."""
    prefix = "input_layer" if class_name == "InputLayer" else snake_case(class_name)
    return re.fullmatch(rf"{re.escape(prefix)}(_\d+)?", name) is not None


def _layer_words(layer: _Layer) -> list[str]:
    where = f"layer {layer.name!r} ({layer.class_name})"
    if layer.class_name == "InputLayer":
        batch, *dims = layer.config.get("batch_shape") or layer.config.get("batch_input_shape")
        if len(dims) == 1:
            words = ["input", "?" if dims[0] is None else str(dims[0])]
        else:
            words = ["input", dsl_literal(tuple(dims), dims=True)]
        if batch is not None:
            words.append(f"batch_size={batch}")
        if layer.config.get("dtype") not in (None, "float32"):
            words.append(f"dtype={dsl_literal(layer.config['dtype'])}")
        return words
    entry = _entry(layer, where)
    if entry.is_operation:
        return [entry.keyword, dsl_literal(_operand(layer, entry, where))]
    if entry.is_wrapper:
        inner = layer.config.get("layer", {})
        inner_layer = _Layer(
            layer.name,
            inner.get("class_name", "?"),
            inner.get("config", {}),
            [],
            inner.get("registered_name"),
        )
        inner_entry = _entry(inner_layer, f"{where}, the wrapped layer")
        return [
            entry.keyword.lower(),
            inner_entry.keyword.lower(),
            *_arguments(
                inner_entry, inner_layer.config, f"{where}, the wrapped {inner_entry.keyword}"
            ),
            *_arguments(entry, layer.config, where, skip=WRAPPER_KEYS),
        ]
    return [
        entry.keyword.lower(),
        *_arguments(entry, layer.config, where, resolved=_resolved_defaults(layer)),
    ]


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


def _entry(layer: _Layer, where: str) -> LayerEntry:
    if layer.class_name in ("Sequential", "Functional", "Model"):
        raise ImportProblem(f"{where} is a nested model; the DSL cannot write nested models yet")
    if layer.is_operation:
        known = [e for e in catalogue.ENTRIES if e.is_operation]
        for entry in known:
            if entry.operation_class == layer.class_name:
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
    if (
        entry is None
        or entry.keyword != layer.class_name
        or (layer.registered_name or "").split(">")[0] not in ("", "keras.layers", "keras")
    ):
        custom = f" (registered as {layer.registered_name})" if layer.registered_name else ""
        raise ImportProblem(
            f"{where} is a custom layer{custom} that modelgen's catalogue does not have"
        )
    return entry


# ------------------------------------------------------------------------------ spec


def _identifier(text: str, taken: set[str]) -> str:
    base = as_identifier(text) or "layer"
    if not base.isidentifier():  # it starts with a digit
        base = f"layer_{base}"
    if keyword.iskeyword(base) or base in RESERVED_NAMES or base.startswith("__"):
        base = f"{base.strip('_')}_layer"
    name, counter = base, 0
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    return name


def spec_from_config(model: dict, default_name: str = "model") -> str:
    """The spec text that regenerates the model described by `model` (a to_json() dict)."""
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
    model_name = _identifier(name, set()) if name else default_name
    lines.append(f"model {model_name}")
    problems: list[str] = []
    for i, layer in enumerate(ordered):
        try:
            words = _layer_words(layer)
        except ImportProblem as problem:  # go on: say everything that cannot be written
            problems.append(str(problem))
            continue
        if layer.name in extra_name:
            words.append(f"name={json.dumps(extra_name[layer.name])}")
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
    return "\n".join(lines) + "\n"


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
        out = []
        for param in entry.params:
            if param.name == "name" or param.name not in args:
                continue
            value = _canonical(param, args[param.name], "")
            source = FILLED_FROM.get(param.name)
            if value is None and source and source in args:
                value = _canonical(entry.param(source), args[source], "")  # type: ignore[arg-type]
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
