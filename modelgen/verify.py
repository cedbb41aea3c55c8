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

Each model is then compiled and fitted on one batch, as a user would (eagerly, to
save tracing a graph per style): a subclass whose layer attribute Keras itself sets
in `fit()` builds and predicts, and only breaks there. Unknown sizes (`?`) in the inputs get, in the sample data, the smallest
size for which every layer's output is non-empty (shape inference says which).

Subclassed models have no layer graph of their own; they are compared through a
functional view: their `call` applied to fresh `keras.Input`s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from . import catalogue
from .errors import SpecError, UsageError
from .generate import generate_all
from .graph import LayerNode, ModelGraph
from .shapes import infer_shapes


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
# TensorFlow 2.21's oneDNN kernels corrupt the heap (the process dies: "double free or
# corruption") in the gradient of some strided convolutions, such as a residual block
# with a strided 1x1 projection fitted on one batch; its own kernels do not.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
with _quiet_native_stderr():
    import keras
    import numpy as np

REFERENCE_STYLE = "functional"
# How close two models' outputs on shared weights must be (numpy.allclose).
RTOL, ATOL = 1e-5, 1e-6


def build(code: str, label: str = "generated") -> keras.Model:
    """Exec a generated module and return what its `build_model()` gives."""
    namespace: dict[str, object] = {"__name__": f"modelgen_{label.replace('-', '_')}"}
    exec(compile(code, f"<modelgen {label}>", "exec"), namespace)  # noqa: S102
    build_model = namespace["build_model"]
    assert callable(build_model)
    return build_model()


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


def _count(weights: list[keras.Variable]) -> int:
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


def _non_input(operations: list[keras.Operation]) -> list[keras.Operation]:
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


def _config_difference(
    mine: keras.Operation, theirs: keras.Operation, named: AbstractSet[str]
) -> str:
    """How `theirs` differs from `mine` in its config, or in the config of a layer inside
    it (a block's), or ""."""
    pairs = [(mine, theirs)]
    if isinstance(mine, keras.layers.Layer) and isinstance(theirs, keras.layers.Layer):
        inside = (
            mine._flatten_layers(include_self=False),
            theirs._flatten_layers(include_self=False),
        )
        if len(inside[0]) != len(inside[1]):
            return (
                f"{type(theirs).__name__} holds {len(inside[1])} layers, expected {len(inside[0])}"
            )
        pairs += list(zip(*inside, strict=True))
    for first, second in pairs:
        expected, got = _config(first, named), _config(second, named)
        if expected != got:
            keys = sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k))
            where = "" if first is mine else f" (in {type(theirs).__name__})"
            return f"{type(second).__name__}{where} differs in {', '.join(keys)}"
    return ""


def _config(layer: keras.Operation, named: AbstractSet[str]) -> dict:
    config = _without_automatic_names(layer.get_config(), named)
    if not isinstance(layer, keras.layers.Layer):  # an operation: its constants are its config
        tensors = keras.tree.flatten(layer._inbound_nodes[0].input_tensors)
        config["constants"] = [
            a
            for a in keras.tree.flatten(layer._inbound_nodes[0].arguments.args)
            if all(a is not t for t in tensors)
        ]
    return config


def _without_automatic_names(config: dict, named: AbstractSet[str]) -> dict:
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


# The sizes tried for an unknown axis, smallest first: the sample data should be small.
UNKNOWN_SIZES: tuple[int, ...] = (3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128)
UNKNOWN_SIZES += (192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096)
# ... as long as the sample data of one input stays below this many numbers (64 MB).
SAMPLE_BUDGET = 2**24


def size_for_unknown_axes(graph: ModelGraph) -> int | None:
    """The size to give every unknown axis of the inputs in sample data (None: there is
    none; 0: no size tried works): the smallest of UNKNOWN_SIZES for which shape
    inference finds every layer's output non-empty. With 3, two strided 3x3 convolutions leave nothing, and
    TensorFlow computes garbage from an empty tensor instead of refusing it."""
    unknown = any(None in _input_shape(node) for node in graph.nodes if node.is_input)
    if not unknown:
        return None
    for size in UNKNOWN_SIZES:
        if _sample_numbers(graph, size) > SAMPLE_BUDGET:
            break
        if _every_output_non_empty(graph, size):
            return size
    return 0


def _input_shape(node: LayerNode) -> tuple[int | None, ...]:
    """The shape an input declares, None for each unknown size (`?`)."""
    argument = node.argument("shape")
    declared = argument.value if argument is not None else ()
    assert isinstance(declared, tuple)
    shape = tuple(d for d in declared if d is None or isinstance(d, int))
    assert len(shape) == len(declared)
    return shape


def _sample_numbers(graph: ModelGraph, size: int, batch: int = 3) -> int:
    """How many numbers the largest input's sample data holds with unknown axes of `size`."""
    return max(
        batch * math.prod(size if d is None else d for d in _input_shape(node))
        for node in graph.nodes
        if node.is_input
    )


def _every_output_non_empty(graph: ModelGraph, size: int) -> bool:
    nodes = []
    for node in graph.nodes:
        if node.is_input:
            shape = tuple(size if d is None else d for d in _input_shape(node))
            arguments = tuple(
                dataclasses.replace(a, value=shape) if a.name == "shape" else a
                for a in node.arguments
            )
            node = dataclasses.replace(node, arguments=arguments)
        nodes.append(node)
    try:
        inferred = infer_shapes(dataclasses.replace(graph, nodes=tuple(nodes), facts=()))
    except SpecError:
        return False
    return all(d is None or d >= 1 for f in inferred.facts for d in f.output_shape[1:])


def sample_inputs(
    model: keras.Model, inputs: list, seed: int = 0, batch: int = 3, unknown: int = 3
) -> list:
    """Random data for each input: None dimensions become `unknown`; integer inputs stay
    below every Embedding's input_dim."""
    rng = np.random.default_rng(seed)
    vocabulary = min(
        [layer.input_dim for layer in model.layers if isinstance(layer, keras.layers.Embedding)]
        or [10]
    )
    data = []
    for tensor in inputs:
        shape = (batch, *[unknown if d is None else d for d in tensor.shape[1:]])
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
    fits: bool = True  # compiled and fitted on one batch (see `fit_one_batch`)
    reloads: bool | None = None  # saved to .keras and loaded back the same (None: not tried)
    ran: bool = True  # False: no sample data fits the model, so it was neither run nor fitted

    @property
    def ok(self) -> bool:
        ran_well = self.outputs_match and self.fits if self.ran else True
        return self.rows_match and self.configs_match and ran_well and self.reloads is not False


def compare(
    reference: keras.Model,
    other: keras.Model,
    named: AbstractSet[str] = frozenset(),
    unknown: int | None = 3,
) -> Comparison:
    """Compare `other` with `reference` (summary rows, configs, outputs on shared weights);
    `unknown` is the size of the unknown axes in the sample data (None: no size fits the
    model, so its outputs are not compared)."""
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
        difference = _config_difference(mine, theirs, named)
        if difference:
            comparison.configs_match = False
            comparison.config_difference = difference
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
    if unknown is None:
        comparison.ran = False
        return comparison
    data = sample_inputs(reference, inputs, unknown=unknown)
    try:
        expected_outputs, got_outputs = _outputs(reference, data), _outputs(other, data)
    except Exception as error:  # noqa: BLE001 - TensorFlow's own errors (an empty output, ...)
        comparison.problems.append(
            f"outputs cannot be computed on the sample data: {type(error).__name__}: {_gist(error)}"
        )
        return comparison
    if [o.shape for o in expected_outputs] != [o.shape for o in got_outputs]:
        comparison.problems.append("output shapes differ")
        return comparison
    comparison.max_difference = max(
        float(np.max(np.abs(a - b))) if a.size else 0.0
        for a, b in zip(expected_outputs, got_outputs, strict=True)
    )
    comparison.outputs_match = all(
        np.allclose(a, b, rtol=RTOL, atol=ATOL)
        for a, b in zip(expected_outputs, got_outputs, strict=True)
    )
    if not comparison.outputs_match:
        comparison.problems.append(
            f"outputs differ (max |difference| {comparison.max_difference:.3g})"
        )
    return comparison


def fit_one_batch(model: keras.Model, inputs: list, unknown: int = 3) -> str | None:
    """Compile `model` and fit it on one batch of sample data, as a user's first
    `fit()` would; what went wrong, or None. The targets are the model's own outputs,
    so any output shape fits the mean squared error. `inputs`: the reference's, as
    `compare` takes them (a subclassed model has none of its own)."""
    data = sample_inputs(model, inputs, seed=1, unknown=unknown)
    try:
        targets = [np.asarray(t, dtype="float32") for t in _outputs(model, data)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "the model does not have any trainable weights"
            # Eagerly: fit() sets every attribute it sets in a graph (stop_training,
            # history, train_function, ...), at a fifth of the cost of tracing one.
            model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
            model.fit(
                data if len(data) > 1 else data[0],
                targets if len(targets) > 1 else targets[0],
                batch_size=len(targets[0]),
                epochs=1,
                verbose=0,
            )
    except Exception as error:  # noqa: BLE001 - whatever Keras raises is the finding
        return f"fit() on one batch fails: {type(error).__name__}: {_gist(error)}"
    return None


def _gist(error: Exception) -> str:
    """The line of a Keras error that says what went wrong: not the "Exception
    encountered when calling ..." that wraps it, nor the arguments, nor colour codes."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(error).splitlines()]
    for line in lines:
        if line.startswith("Arguments received"):
            break
        if line and not line.startswith("Exception encountered"):
            return line
    return lines[0] if lines else ""


@dataclass
class Report:
    """`modelgen check`'s result: every applicable style against the functional reference."""

    model_name: str
    reference_rows: list[Row]
    comparisons: dict[str, Comparison]
    skipped: dict[str, str]  # style -> "skipped STYLE: why"
    total_params: dict[str, int]
    # the size of every unknown axis in the sample data (None: no unknown axis; 0: no
    # size tried leaves every output non-empty, and the first was used)
    unknown_size: int | None = None

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
            + [
                _outcome(self.comparisons[s], self.comparisons[s].outputs_match, "equal", "DIFFER")
                for s in styles
            ]
        )
        if any(c.reloads is not None for c in self.comparisons.values()):
            body.append(
                ["", "saved and loaded", "", ""]
                + [
                    _outcome(
                        self.comparisons[s], bool(self.comparisons[s].reloads), "same", "DIFFERS"
                    )
                    for s in styles
                ]
            )
        body.append(
            ["", "fit, one batch", "", ""]
            + [
                _outcome(self.comparisons[s], self.comparisons[s].fits, "ok", "FAILS")
                for s in styles
            ]
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
        if self.unknown_size is not None:
            lines.append(
                f"sample data: every unknown size (?) is {self.unknown_size}, the smallest "
                "size tried (3 to 8, then steps to 4096) for which every layer's output is "
                "non-empty"
                if self.unknown_size > 0
                else "sample data: no size for the unknown axes (?) that keeps the sample data "
                "small leaves every layer's output non-empty: the models were not run or fitted"
            )
        for style, comparison in self.comparisons.items():
            for problem in comparison.problems:
                lines.append(f"{style}: {problem}")
        every = "both styles" if len(styles) == 2 else f"all {len(styles)} styles"
        if self.ok and not all(c.ran for c in self.comparisons.values()):
            lines.append(f"result: {every} build the same model (summaries and configs)")
        elif self.ok:
            lines.append(f"result: {every} build the same model and fit")
        elif all(
            c.rows_match and c.configs_match and c.outputs_match for c in self.comparisons.values()
        ):
            lines.append(f"result: {every} build the same model, but not every one fits")
        else:
            lines.append("result: the styles DIFFER")
        return "\n".join(lines)


def _outcome(comparison: Comparison, good: bool, yes: str, no: str) -> str:
    return (yes if good else no) if comparison.ran else "not run"


def named_layers(graph: ModelGraph, labels_name: bool = True) -> set[str]:
    """Layer names the spec sets (labels and name=; in a block's body, name= only), which
    every style must keep."""
    names = set()
    for node in graph.nodes:
        explicit = node.argument("name")
        if explicit is not None:
            names.add(str(explicit.value))
        elif node.label and not node.entry.is_operation and labels_name:
            names.add(node.label)
    for block in graph.blocks():
        names |= named_layers(block.body, labels_name=False)
    return names


def round_trip(model: keras.Model, inputs: list, unknown: int = 3) -> str | None:
    """Save `model` to a .keras file and load it back, as a user would (the module that
    defines its classes imported); what went wrong, or None when the loaded model
    predicts what `model` does."""
    data = sample_inputs(model, inputs, seed=2, unknown=unknown)
    with tempfile.TemporaryDirectory(prefix="modelgen-check-") as folder:
        path = os.path.join(folder, "model.keras")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.save(path)
                loaded = keras.saving.load_model(path)
        except Exception as error:  # noqa: BLE001 - whatever Keras raises is the finding
            return f"saving and loading a .keras file fails: {type(error).__name__}: {_gist(error)}"
    try:
        expected, got = _outputs(model, data), _outputs(loaded, data)
    except Exception as error:  # noqa: BLE001 - TensorFlow's own errors are the finding
        return f"the model loaded from its .keras file cannot predict: {type(error).__name__}: {_gist(error)}"
    if len(expected) != len(got) or not all(
        a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL)
        for a, b in zip(expected, got, strict=True)
    ):
        return "the model loaded from its .keras file predicts differently"
    return None


def check_graph(graph: ModelGraph, imports: str = "keras") -> Report:
    """Generate every style of `graph`, build each in Keras and compare it with the functional one."""
    generated = generate_all(graph, imports)
    models = {}
    for g in generated:
        if g.code is None:
            continue
        try:
            models[g.style.name] = build(g.code, g.style.name)
        except Exception as error:  # noqa: BLE001 - TensorFlow's own (out of memory, ...)
            raise UsageError(
                f"Keras cannot build the {g.style.name} model of {graph.name}: "
                f"{type(error).__name__}: {_gist(error)}"
            ) from None
    skipped = {g.style.name: g.skipped.message for g in generated if g.skipped}
    reference = models[REFERENCE_STYLE]
    randomize_weights(reference)
    named = named_layers(graph)
    unknown = size_for_unknown_axes(graph)
    size = UNKNOWN_SIZES[0] if unknown is None else unknown or None
    comparisons = {style: compare(reference, model, named, size) for style, model in models.items()}
    total_params = {style: int(model.count_params()) for style, model in models.items()}
    for style, model in models.items():  # last: fitting changes the weights
        if size is None:
            continue
        if graph.blocks():  # classes of its own, which a .keras file saves by name
            problem = round_trip(model, list(reference.inputs), size)
            comparisons[style].reloads = problem is None
            if problem is not None:
                comparisons[style].problems.append(problem)
        problem = fit_one_batch(model, list(reference.inputs), size)
        if problem is not None:
            comparisons[style].fits = False
            comparisons[style].problems.append(problem)
    return Report(
        graph.name,
        summary_rows(reference, list(reference.inputs)),
        comparisons,
        skipped,
        total_params,
        unknown,
    )
