"""Verification: exec generated modules, build the models in Keras, compare them.

This is the only module that imports TensorFlow and Keras, and only `modelgen
check` and the tests import it. Two built models *match* when:

* their summary rows agree: layer class, output shape, trainable and
  non-trainable parameter counts, in order, InputLayer rows left out;
* their layer configs agree, except auto-generated names (a name the spec gave,
  by label or `name=`, must agree too);
* they compute the same outputs on the same random input once the reference's
  weights (set to random values, so that biases and statistics count) are copied
  into the other. Equal summaries alone cannot see a wrong activation.

Subclassed models have no layer graph of their own; they are compared through a
functional view: their `call` applied to fresh `keras.Input`s.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import catalogue
from .generate import generate_all
from .ir import ModelGraph


@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """Silence what TensorFlow's C++ prints while it loads (absl, CUDA and oneDNN notices).

    An import that fails still raises ImportError in Python, which is not affected.
    """
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
with _quiet_native_stderr():
    import keras
    import numpy as np

REFERENCE_STYLE = "functional"
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def build(code: str, label: str = "generated") -> keras.Model:
    """Exec a generated module and return what its `build_model()` gives."""
    namespace: dict[str, object] = {"__name__": f"modelgen_{label.replace('-', '_')}"}
    exec(compile(code, f"<modelgen {label}>", "exec"), namespace)  # noqa: S102
    return namespace["build_model"]()  # type: ignore[operator]


@dataclass(frozen=True)
class Row:
    """One summary row."""

    layer_class: str
    output_shape: tuple
    trainable: int
    non_trainable: int

    def cell(self) -> str:
        params = f"{self.trainable + self.non_trainable:,}"
        return f"{self.layer_class} {self.output_shape} {params}"


def _count(weights) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def layers_in_order(model: keras.Model, inputs: list) -> list:
    """The model's layers and operations (no InputLayer) with their output tensors, in
    Keras' graph order: what its summary lists."""
    try:
        return [(layer, layer.output) for layer in _non_input(model.operations)]
    except (AttributeError, ValueError, RuntimeError):
        # A subclassed model: apply its call to fresh inputs to see its graph.
        fresh = [keras.Input(shape=t.shape[1:], dtype=t.dtype) for t in inputs]
        outputs = model.call(fresh if len(fresh) > 1 else fresh[0])
        view = keras.Model(fresh, outputs)
        return [(layer, layer.output) for layer in _non_input(view.operations)]


def _non_input(operations) -> list:
    """Layers but InputLayer, and the operations the DSL writes (not a Sequential
    model's internal ConvertToTensor)."""
    return [
        op
        for op in operations
        if not isinstance(op, keras.layers.InputLayer)
        and (isinstance(op, keras.layers.Layer) or type(op).__name__ in _OPERATIONS)
    ]


_OPERATIONS = {entry.class_name for entry in catalogue.ENTRIES if entry.is_operation}


def summary_rows(model: keras.Model, inputs: list) -> list[Row]:
    return [
        Row(
            type(layer).__name__,
            tuple(output.shape),
            _count(getattr(layer, "trainable_weights", [])),  # an operation has none
            _count(getattr(layer, "non_trainable_weights", [])),
        )
        for layer, output in layers_in_order(model, inputs)
    ]


def _config(layer, named: set[str]) -> dict:
    config = _without_automatic_names(layer.get_config(), named)
    if not isinstance(layer, keras.layers.Layer):  # an operation: its constants are its config
        tensors = keras.tree.flatten(layer._inbound_nodes[0].input_tensors)
        config["constants"] = [
            a
            for a in keras.tree.flatten(layer._inbound_nodes[0].arguments.args)
            if all(a is not t for t in tensors)
        ]
    return config


def _without_automatic_names(config: dict, named: set[str]) -> dict:
    """A layer config without the names Keras chose itself, nested wrapped layers included."""
    config = dict(config)
    if config.get("name") not in named:
        config.pop("name", None)
    for key in ("layer", "backward_layer"):  # a wrapper's wrapped layers, serialized
        nested = config.get(key)
        if isinstance(nested, dict) and isinstance(nested.get("config"), dict):
            config[key] = {**nested, "config": _without_automatic_names(nested["config"], named)}
    return config


def randomize_weights(model: keras.Model, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        low, high = (0.5, 1.5) if "variance" in weight.path else (-0.5, 0.5)
        weight.assign(rng.uniform(low, high, size=weight.shape).astype(weight.dtype))


def sample_inputs(model: keras.Model, inputs: list, seed: int = 0, batch: int = 3) -> list:
    """Random data for each input: None dimensions become 3; integer inputs stay below every Embedding's input_dim."""
    rng = np.random.default_rng(seed)
    vocabulary = min(
        [layer.input_dim for layer in model.layers if isinstance(layer, keras.layers.Embedding)]
        or [10]
    )
    data = []
    for tensor in inputs:
        shape = (batch, *[3 if d is None else d for d in tensor.shape[1:]])
        if "int" in str(tensor.dtype):
            data.append(rng.integers(0, vocabulary, size=shape).astype(tensor.dtype))
        else:
            data.append(rng.normal(size=shape).astype(tensor.dtype))
    return data


def _outputs(model: keras.Model, data: list) -> list:
    result = model(data if len(data) > 1 else data[0], training=False)
    results = result if isinstance(result, (list, tuple)) else [result]
    return [np.asarray(r) for r in results]


@dataclass
class Comparison:
    """How one model compares with the reference."""

    rows: list[Row]
    rows_match: bool
    configs_match: bool
    config_difference: str = ""
    outputs_match: bool = False
    max_difference: float = float("nan")
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rows_match and self.configs_match and self.outputs_match


def compare(
    reference: keras.Model, other: keras.Model, named: set[str] = frozenset()
) -> Comparison:
    """Compare `other` with `reference` (summary rows, configs, outputs on shared weights)."""
    inputs = list(reference.inputs)
    reference_layers = layers_in_order(reference, inputs)
    other_layers = layers_in_order(other, inputs)
    reference_rows = summary_rows(reference, inputs)
    rows = summary_rows(other, inputs)
    comparison = Comparison(rows, rows == reference_rows, True)
    if len(reference_layers) != len(other_layers):
        comparison.configs_match = False
        comparison.config_difference = (
            f"{len(other_layers)} layers, expected {len(reference_layers)}"
        )
        comparison.problems.append(comparison.config_difference)
        return comparison
    for (mine, _), (theirs, _) in zip(reference_layers, other_layers, strict=True):
        expected, got = _config(mine, named), _config(theirs, named)
        if expected != got:
            keys = sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k))
            comparison.configs_match = False
            comparison.config_difference = f"{type(theirs).__name__} differs in {', '.join(keys)}"
            comparison.problems.append(comparison.config_difference)
            break
    if not comparison.rows_match:
        comparison.problems.append("summary rows differ")
    try:
        for (mine, _), (theirs, _) in zip(reference_layers, other_layers, strict=True):
            if isinstance(mine, keras.layers.Layer):
                theirs.set_weights(mine.get_weights())
    except ValueError as error:
        comparison.problems.append(f"weights do not fit: {error}")
        return comparison
    data = sample_inputs(reference, inputs)
    expected_outputs, got_outputs = _outputs(reference, data), _outputs(other, data)
    if [o.shape for o in expected_outputs] != [o.shape for o in got_outputs]:
        comparison.problems.append("output shapes differ")
        return comparison
    comparison.max_difference = max(
        float(np.max(np.abs(a - b))) if a.size else 0.0
        for a, b in zip(expected_outputs, got_outputs, strict=True)
    )
    comparison.outputs_match = all(
        np.allclose(a, b, **TOLERANCE) for a, b in zip(expected_outputs, got_outputs, strict=True)
    )
    if not comparison.outputs_match:
        comparison.problems.append(
            f"outputs differ (max |difference| {comparison.max_difference:.3g})"
        )
    return comparison


@dataclass
class Report:
    """`modelgen check`'s result: every applicable style against the functional reference."""

    model_name: str
    reference_rows: list[Row]
    comparisons: dict[str, Comparison]
    skipped: dict[str, str]  # style -> "skipped STYLE: why"
    total_params: dict[str, int]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.comparisons.values())

    def table(self) -> str:
        styles = list(self.comparisons)
        header = ["#", "layer", "output shape", "params", *styles]
        body = []
        for number, row in enumerate(self.reference_rows, start=1):
            cells = [
                str(number),
                row.layer_class,
                str(row.output_shape),
                f"{row.trainable + row.non_trainable:,}",
            ]
            for style in styles:
                rows = self.comparisons[style].rows
                mine = rows[number - 1] if number <= len(rows) else None
                cells.append("ok" if mine == row else (mine.cell() if mine else "missing"))
            body.append(cells)
        body.append(["", "total params", "", ""] + [f"{self.total_params[s]:,}" for s in styles])
        body.append(
            ["", "layer configs", "", ""]
            + ["equal" if self.comparisons[s].configs_match else "DIFFER" for s in styles]
        )
        body.append(
            ["", "outputs, shared weights", "", ""]
            + ["equal" if self.comparisons[s].outputs_match else "DIFFER" for s in styles]
        )
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        lines = [
            f"modelgen check: {self.model_name}, {len(styles)} styles built with Keras {keras.__version__}"
        ]
        for cells in [header, *body]:
            lines.append(
                "  ".join(
                    c.rjust(w) if i in (0, 3) else c.ljust(w)
                    for i, (c, w) in enumerate(zip(cells, widths, strict=True))
                ).rstrip()
            )
        lines.extend(self.skipped.values())
        for style, comparison in self.comparisons.items():
            for problem in comparison.problems:
                lines.append(f"{style}: {problem}")
        lines.append(
            f"result: all {len(styles)} styles build the same model"
            if self.ok
            else "result: the styles DIFFER"
        )
        return "\n".join(lines)


def named_layers(graph: ModelGraph) -> set[str]:
    """Layer names the spec sets (labels and name=), which every style must keep."""
    names = set()
    for node in graph.nodes:
        explicit = node.argument("name")
        if explicit is not None:
            names.add(str(explicit.value))
        elif node.label and not node.entry.is_operation:
            names.add(node.label)
    return names


def check_graph(graph: ModelGraph, imports: str = "keras") -> Report:
    """Generate every style of `graph`, build each in Keras and compare it with the functional one."""
    generated = generate_all(graph, imports)
    models = {g.style: build(g.code, g.style) for g in generated if g.code is not None}
    skipped = {g.style: g.skipped.message for g in generated if g.skipped}
    reference = models[REFERENCE_STYLE]
    randomize_weights(reference)
    named = named_layers(graph)
    comparisons = {style: compare(reference, model, named) for style, model in models.items()}
    return Report(
        graph.name,
        summary_rows(reference, list(reference.inputs)),
        comparisons,
        skipped,
        {style: int(model.count_params()) for style, model in models.items()},
    )


def keras_summary(model: keras.Model) -> dict:
    """What Keras' summary says of a functional model, in the shape of `Summary.as_dict()`."""

    def count(weights) -> int:
        return _count(weights)

    def size(weights) -> int:
        return int(sum(int(np.prod(w.shape)) * np.dtype(w.dtype).itemsize for w in weights))

    layers = []
    for layer in model.operations:  # the summary lists operations (x + 3.0) too
        sources = []
        for node in layer._inbound_nodes:  # the summary's own source of "Connected to"
            for tensor in keras.tree.flatten(node.input_tensors):
                sources.append(f"{tensor._keras_history.operation.name}[0][0]")
        layers.append(
            {
                "name": layer.name,
                "class": type(layer).__name__,
                "output_shape": list(layer.output.shape),
                "params": count(getattr(layer, "weights", [])),
                "trainable_params": count(getattr(layer, "trainable_weights", [])),
                "non_trainable_params": count(getattr(layer, "non_trainable_weights", [])),
                "connected_to": sources,
            }
        )
    return {
        "model": model.name,
        "layers": layers,
        "total_params": count(model.weights),
        "trainable_params": count(model.trainable_weights),
        "non_trainable_params": count(model.non_trainable_weights),
        "total_bytes": size(model.weights),
        "trainable_bytes": size(model.trainable_weights),
        "non_trainable_bytes": size(model.non_trainable_weights),
    }
