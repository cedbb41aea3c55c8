"""Golden files, then proof: every example's code in every style builds the same model."""

from __future__ import annotations

import subprocess
import sys

import pytest

from modelgen.generate import generate, generate_all, load
from modelgen.styles import STYLES

from .goldens import EXAMPLES, example_specs, expected_files, golden_path

SPECS = example_specs()
KNOWN_TOTALS = {
    "mnist_mlp": 266_610,  # the seed tutorial's number: 784*300+300 + 300*100+100 + 100*10+10
    "two_towers": 3_942,
    "small_cnn": 67_946,
    "skip_mlp": 245_345,
    "residual_cnn": 5_242,
    "text_classifier": 47_953,
    # Keras counts 11,173,962 trainable and 9,600 non-trainable (batch norms' statistics)
    "resnet18": 11_183_562,
    "vgg": 2_196_810,  # three vgg_block stages (1,145,408) and the dense head (1,051,402)
    "unet": 481_745,
}
CASES = [(spec, path) for spec in SPECS for path in expected_files(spec)]


def test_every_example_has_a_known_total():
    assert sorted(KNOWN_TOTALS) == sorted(spec.stem for spec in SPECS)


@pytest.mark.parametrize("spec,path", CASES, ids=[path.stem for _, path in CASES])
def test_golden(spec, path):
    code = expected_files(spec)[path]
    if code is None:
        assert not path.exists(), f"{path.name}: the style cannot express {spec.name}; remove it"
        return
    assert path.exists(), f"{path.name} is missing: run python -m tests.regen"
    assert path.read_text(encoding="utf-8") == code, (
        f"{path.name} is stale: run python -m tests.regen"
    )


def test_generated_code_is_lint_clean():
    files = sorted(str(p) for p in EXAMPLES.glob("*/*.py"))
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache",
         "--select", "E,F,W,I,B,UP", "--line-length", "88", *files],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_output_is_byte_identical_across_processes_and_hash_seeds():
    script = (
        "import sys\n"
        "from modelgen.generate import generate_all, load\n"
        "for path in sys.argv[1:]:\n"
        "    graph = load(open(path).read(), path)\n"
        "    for g in generate_all(graph):\n"
        "        sys.stdout.write(g.code or str(g.skipped))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, *map(str, SPECS)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout  # fmt: skip
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_every_style_builds_the_same_model(spec, verify):
    graph = load(spec.read_text(encoding="utf-8"), spec.name)
    report = verify.check_graph(graph)
    assert report.ok, report.table()
    assert set(report.total_params.values()) == {KNOWN_TOTALS[graph.name]}
    # built: every style with a golden file (test_golden holds those to the styles that
    # can express the model); a chain has one in every style, a graph is refused by some
    styles = set(report.comparisons)
    goldens = {name for name in STYLES if golden_path(spec, name).exists()}
    assert styles == goldens
    chain = graph.name not in ("two_towers", "skip_mlp", "residual_cnn", "unet")
    assert (styles == set(STYLES)) == chain, sorted(styles)


def test_tensorflow_import_flavour_builds_the_same_model(verify):
    graph = load((EXAMPLES / "two_towers" / "two_towers.mg").read_text(), "two_towers.mg")
    code = generate(graph, "subclass", imports="tensorflow")
    assert "from tensorflow import keras\nfrom tensorflow.keras import layers\n" in code
    report = verify.check_graph(graph, imports="tensorflow")
    assert report.ok, report.table()


def test_a_wrong_activation_is_caught_although_summaries_agree(verify):
    graph = load((EXAMPLES / "mnist_mlp" / "mnist_mlp.mg").read_text(), "mnist_mlp.mg")
    code = generate(graph, "functional")
    reference = verify.build(code, "functional")
    verify.randomize_weights(reference)
    wrong = verify.build(code.replace('activation="relu"', 'activation="tanh"', 1), "wrong")
    comparison = verify.compare(reference, wrong)
    assert comparison.rows_match  # the summary cannot see it ...
    assert not comparison.configs_match and not comparison.outputs_match  # ... the rest does
    assert not comparison.ok


def test_a_different_layer_size_is_caught(verify):
    graph = load((EXAMPLES / "mnist_mlp" / "mnist_mlp.mg").read_text(), "mnist_mlp.mg")
    code = generate(graph, "functional")
    reference = verify.build(code, "functional")
    other = verify.build(code.replace("Dense(100,", "Dense(99,"), "other")
    comparison = verify.compare(reference, other)
    assert not comparison.rows_match and not comparison.ok


def test_a_labelled_name_must_survive(verify):
    graph = load((EXAMPLES / "two_towers" / "two_towers.mg").read_text(), "two_towers.mg")
    code = generate(graph, "functional")
    reference = verify.build(code, "functional")
    renamed = verify.build(code.replace('name="hidden2"', 'name="hidden_two"'), "renamed")
    assert not verify.compare(reference, renamed, verify.named_layers(graph)).configs_match


@pytest.mark.parametrize("name", ["two_towers", "small_cnn"])
def test_subclass_survives_keras_save_and_load(name, verify, tmp_path):
    import keras
    import numpy as np

    graph = load((EXAMPLES / name / f"{name}.mg").read_text(), f"{name}.mg")
    model = verify.build(generate(graph, "subclass"), "subclass")
    reference = verify.build(generate(graph, "functional"), "functional")
    verify.randomize_weights(model)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded).__name__ == type(model).__name__
    data = verify.sample_inputs(reference, list(reference.inputs))
    before = model(data if len(data) > 1 else data[0], training=False)
    after = loaded(data if len(data) > 1 else data[0], training=False)
    for a, b in zip(keras.tree.flatten(before), keras.tree.flatten(after), strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert loaded.count_params() == model.count_params()


def test_running_a_generated_file_prints_its_summary():
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "mnist_mlp" / "mnist_mlp_subclass.py")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Total params: 266,610" in result.stdout
    assert "(None, 300)" in result.stdout  # built: shapes, not "unbuilt"


def test_styles_that_cannot_express_a_graph_say_why():
    graph = load((EXAMPLES / "two_towers" / "two_towers.mg").read_text(), "two_towers.mg")
    notes = {g.style.name: g.skipped for g in generate_all(graph) if g.skipped}
    assert set(notes) == {"sequential", "sequential-list"}
    for style, note in notes.items():
        assert note.message == f"skipped {style}: 'input_2' is a second input"
        assert note.span.line == 4 and note.severity == "note"
