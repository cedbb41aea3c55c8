"""Names and numbers against the Keras that builds them (issue 11, items 6, 7 and 10).

* What modelgen accepts as a layer name, a label or a model name builds, predicts and
  fits in Keras with TensorFlow; what it refuses as a layer name, Keras refuses too.
* The subclass style's reserved attributes are the attributes Keras itself gives a
  keras.Model (read off the installed Keras), and a subclass whose labels are all of
  them fits.
* `modelgen check` fits every style on one batch, and picks sizes for unknown axes
  that leave every layer's output non-empty.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelgen.argtypes import SEED_MAX
from modelgen.errors import SpecError
from modelgen.generate import generate, load
from modelgen.identifiers import MODEL_ATTRIBUTES, layer_name_problem, model_name_problem

ROOT = Path(__file__).resolve().parent.parent

# Characters on both sides of the rule: the ones TensorFlow takes, and near misses.
BOUNDARY = "aZ09_.->/\\ é π\tü"


def fits_in_keras(verify, code: str, style: str) -> None:
    """Build `code` (a model reading one input of 4), fit it on one batch."""
    model = verify.build(code, style)
    reference = verify.build(generate(load("input 4 | dense 2"), "functional"), "functional")
    problem = verify.fit_one_batch(model, list(reference.inputs))
    assert problem is None, problem


def keras_takes_layer_name(name: str) -> bool:
    """Whether Keras with TensorFlow builds, calls and fits a model with a layer `name`."""
    import keras
    import numpy as np

    class Subclassed(keras.Model):  # calls the layer in a root name scope
        def __init__(self):
            super().__init__(name="m")
            self.layer = keras.layers.Dense(1, name=name)

        def call(self, x):
            return self.layer(x)

    try:
        inputs = keras.Input((2,))
        functional = keras.Model(inputs, keras.layers.Dense(1, name=name)(inputs), name="m")
        for model in (functional, Subclassed()):
            data = np.zeros((2, 2), "float32")
            model(data)
            model.compile(optimizer="sgd", loss="mse")
            model.fit(data, np.zeros((2, 1), "float32"), verbose=0)
    except Exception:  # noqa: BLE001 - TensorFlow raises ValueError or InvalidArgumentError
        return False
    return True


# ---------------------------------------------------------------- item 6: names


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=BOUNDARY, min_size=1, max_size=4))
def test_a_layer_name_is_accepted_exactly_when_keras_builds_and_fits_it(verify, name):
    assert (layer_name_problem(name) is None) == keras_takes_layer_name(name), name


@pytest.mark.parametrize("name", ["a/b", "a b", "é", "π", "a\\b", "x\ty", "_a", "-a", ">a"])
def test_names_tensorflow_refuses_are_refused_by_keras_too(verify, name):
    assert layer_name_problem(name) is not None
    assert not keras_takes_layer_name(name)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="aZ_9é", min_size=1, max_size=3))
def test_an_accepted_model_name_and_label_build_and_fit_in_every_style(verify, name):
    source = f"model {name}\ninput 4\n{name}: dense 2"
    try:
        graph = load(source)
    except SpecError:
        assert model_name_problem(name) is not None or layer_name_problem(name) is not None
        return
    for style in ("functional", "subclass"):
        fits_in_keras(verify, generate(graph, style), style)


def test_the_largest_seed_fits_the_seed_dtype_of_every_keras_backend():
    # Each backend says what its random seed is held in (random_seed_dtype() in
    # keras/src/backend/*/core.py): JAX and NumPy a uint32, PyTorch an int32, ...
    # JAX is not installed here, so the source says it, not a run.
    import keras

    largest = {"int32": 2**31 - 1, "uint32": 2**32 - 1, "int64": 2**63 - 1}
    dtypes = {}
    for core in (Path(keras.__file__).parent / "src" / "backend").glob("*/core.py"):
        for node in ast.parse(core.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name == "random_seed_dtype":
                returned = next(n for n in ast.walk(node) if isinstance(n, ast.Return))
                dtypes[core.parent.name] = returned.value.value  # type: ignore[union-attr]
    assert {"jax", "numpy", "tensorflow", "torch"} <= set(dtypes)
    assert SEED_MAX == min(largest[dtype] for dtype in dtypes.values()), dtypes
    load(f"input 4 | dropout 0.5 seed={SEED_MAX} | dense 2")
    with pytest.raises(SpecError):
        load(f"input 4 | dropout 0.5 seed={SEED_MAX + 1} | dense 2")


@pytest.mark.parametrize("strides", [2**31 - 1])
def test_the_largest_stride_modelgen_takes_builds_and_fits(verify, strides):
    graph = load(f"input 8x8x3 | conv2d 2 3x3 strides={strides} | flatten | dense 2")
    for style in ("functional", "subclass"):
        model = verify.build(generate(graph, style), style)
        problem = verify.fit_one_batch(
            model, list(verify.build(generate(graph, "functional"), "f").inputs)
        )
        assert problem is None, problem


# ---------------------------------------------------- item 7: subclass attributes


def _public_attributes_of_a_used_model() -> set[str]:
    import keras
    import numpy as np

    class Small(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = keras.layers.Dense(2)

        def call(self, inputs):
            return self.hidden(inputs)

    model = Small(name="small")
    model(keras.Input((3,)))
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    data, targets = np.zeros((4, 3), "float32"), np.zeros((4, 2), "float32")
    model.fit(data, targets, verbose=0, validation_data=(data, targets))
    model.evaluate(data, targets, verbose=0)
    model.predict(data, verbose=0)
    model.train_on_batch(data, targets)
    model.test_on_batch(data, targets)
    model.predict_on_batch(data)
    model.summary(print_fn=lambda *args, **kwargs: None)
    return {name for name in dir(model) if not name.startswith("_")} - {"hidden"}


def _attributes_keras_assigns_on_any_backend() -> set[str]:
    """Every public `self.NAME = ...` in the trainer, model, layer and operation classes
    of every backend, read from the installed Keras' source (JAX and PyTorch set
    attributes the TensorFlow backend does not)."""
    import keras

    source = Path(keras.__file__).parent / "src"
    files = [
        *source.glob("backend/*/trainer.py"),
        *source.glob("backend/*/layer.py"),
        source / "trainers" / "trainer.py",
        source / "models" / "model.py",
        source / "layers" / "layer.py",
        source / "ops" / "operation.py",
    ]
    names = set()
    for path in files:
        for cls in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(cls, ast.ClassDef) or cls.name in ("CallSpec", "CallContext"):
                continue
            for node in ast.walk(cls):
                targets = node.targets if isinstance(node, ast.Assign) else []
                if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                    targets = [node.target]
                for target in targets:
                    for part in ast.walk(target):
                        if (
                            isinstance(part, ast.Attribute)
                            and isinstance(part.value, ast.Name)
                            and part.value.id == "self"
                            and not part.attr.startswith("_")
                        ):
                            names.add(part.attr)
    # Layer.rematerialized_call swaps a layer's activation function and puts it back.
    return names - {"activation"}


def test_model_attributes_are_every_attribute_keras_gives_a_model(verify):
    import keras

    used = _public_attributes_of_a_used_model()
    assigned = _attributes_keras_assigns_on_any_backend()
    inputs = keras.Input((1,))
    functional = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    functional_names = {name for name in dir(functional) if not name.startswith("_")}
    assert used | assigned <= MODEL_ATTRIBUTES, sorted((used | assigned) - MODEL_ATTRIBUTES)
    stale = MODEL_ATTRIBUTES - used - assigned - functional_names
    assert not stale, f"no longer attributes of a keras.Model: {sorted(stale)}"


CLASHING = (
    "stop_training compiled history train_function predict_function test_function "
    "steps_per_execution activity_regularizer"
).split()


def test_a_subclass_whose_labels_are_what_fit_sets_fits_one_batch(verify):
    spec = "input 4\n" + "\n".join(f"{label}: dense 4" for label in CLASHING)
    graph = load(spec)
    code = generate(graph, "subclass")
    for label in CLASHING:
        assert f"self.{label} =" not in code, label  # the attribute is renamed...
        assert f'name="{label}"' in code, label  # ...the Keras layer keeps the label
    model = verify.build(code, "subclass")
    reference = verify.build(generate(graph, "functional"), "functional")
    problem = verify.fit_one_batch(model, list(reference.inputs))
    assert problem is None, problem
    assert [layer.name for layer in model.layers] == CLASHING
    report = verify.check_graph(graph)
    assert report.ok, report.table()


def test_check_fits_every_style_and_reports_a_model_that_does_not_fit(verify):
    # What the subclass style wrote before: a layer attribute fit() sets to False.
    broken = (
        "import keras\nfrom keras import layers\n\n"
        "class Broken(keras.Model):\n"
        "    def __init__(self, **kwargs):\n"
        "        super().__init__(**kwargs)\n"
        "        self.stop_training = layers.Dense(2)\n\n"
        "    def call(self, inputs):\n"
        "        return self.stop_training(inputs)\n\n"
        "def build_model():\n"
        "    model = Broken()\n"
        "    model(keras.Input(shape=(4,)))\n"
        "    return model\n"
    )
    model = verify.build(broken, "subclass")
    reference = verify.build(generate(load("input 4 | dense 2"), "functional"), "functional")
    assert verify.compare(reference, model).outputs_match  # it builds and predicts...
    problem = verify.fit_one_batch(model, list(reference.inputs))
    assert problem is not None and "not callable" in problem  # ...and fit() breaks


# ------------------------------------------------------ item 10: unknown axes in check


ISSUE_SPEC = (
    "input ?x?x3 | conv2d 8 3x3 strides=2 | conv2d 8 3x3 strides=2 | "
    "globalaveragepooling2d | dense 2"
)


def test_check_gives_unknown_axes_a_size_that_leaves_every_output_non_empty():
    run = subprocess.run(
        [sys.executable, "-m", "modelgen", "check", "-e", ISSUE_SPEC],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "every unknown size (?) is 7" in run.stdout
    assert "result: all 4 styles build the same model and fit" in run.stdout


def test_the_size_for_unknown_axes_is_the_smallest_that_works(verify):
    assert verify.size_for_unknown_axes(load(ISSUE_SPEC)) == 7
    assert verify.size_for_unknown_axes(load("input ?x4 | lstm 3")) == 3
    assert verify.size_for_unknown_axes(load("input 8x4 | lstm 3")) is None
    # A pooling of 5 with strides 5 needs 5 steps; 3 and 4 leave nothing.
    assert verify.size_for_unknown_axes(load("input ?x2 | maxpooling1d 5 | flatten")) == 5


def test_check_says_both_styles_when_two_build(verify):
    report = verify.check_graph(load("a: input 4\nb: input 4\nadd <- a, b"))
    assert report.table().splitlines()[-1] == "result: both styles build the same model and fit"


def test_a_size_past_the_small_ones_is_found_and_none_is_not_a_false_alarm(verify):
    # A kernel of 300 needs 300 steps: 384 is the first size tried that has them.
    assert verify.size_for_unknown_axes(load("input ?x3 | conv1d 2 300 | flatten")) is not None
    report = verify.check_graph(load("input ?x3 | conv1d 2 300 | globalaveragepooling1d"))
    assert report.unknown_size == 384 and report.ok, report.table()
    # No sample data that fits in memory has 30,000 steps: the models build and compare,
    # but are not run, and check says so instead of "DIFFER" or a traceback.
    report = verify.check_graph(load("input ?x3 | conv1d 2 30000 | globalaveragepooling1d"))
    table = report.table()
    assert report.ok and report.unknown_size == 0, table
    assert "not run" in table and "the models were not run or fitted" in table
    assert (
        table.splitlines()[-1]
        == "result: all 4 styles build the same model (summaries and configs)"
    )


def test_check_says_when_keras_cannot_build_a_style_instead_of_a_traceback(verify, monkeypatch):
    """A model too large for memory fails in TensorFlow while it builds (an OOM on the
    weights of `repeatvector 2147483647 | flatten | dense 2`): check says which style
    Keras could not build, as a modelgen error."""
    import tensorflow as tf

    from modelgen.errors import UsageError

    built = verify.build

    def build(code, style="generated"):
        if style == "subclass":
            raise tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor")
        return built(code, style)

    monkeypatch.setattr(verify, "build", build)
    with pytest.raises(UsageError) as refused:
        verify.check_graph(load("model big\ninput 4\ndense 2"))
    assert str(refused.value) == (
        "Keras cannot build the subclass model of big: "
        "ResourceExhaustedError: OOM when allocating tensor"
    )
