"""`modelgen summary` and shape checking: exact to Keras, without TensorFlow, errors positioned."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys

import pytest

from modelgen.generate import generate, load
from modelgen.summary import memory, summarize

from .block_specs import NESTED_BLOCKS, RESNET18
from .diagnostics import load_error, only, position
from .goldens import EXAMPLES, example_specs
from .keras_summary import keras_summary
from .test_no_tensorflow import BLOCK_AND_RUN

MODELGEN = shutil.which("modelgen")


@pytest.mark.parametrize("spec", example_specs(), ids=lambda p: p.stem)
def test_summary_of_every_example_is_what_keras_reports(spec, verify):
    import keras

    graph = load(spec.read_text(), spec.name)
    static = summarize(graph).as_dict()
    for row in static["layers"]:
        del row["line"]
    keras.backend.clear_session()
    assert static == keras_summary(verify.build(generate(graph, "functional")))


def test_summary_table_for_the_mlp():
    result = subprocess.run(
        [MODELGEN, "summary", str(EXAMPLES / "mnist_mlp" / "mnist_mlp.mg")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == 'Model: "mnist_mlp"'
    assert "Connected to" not in result.stdout  # a chain, as Keras prints it
    assert any(
        "dense_1 (Dense)" in line and "(None, 100)" in line and "30,100" in line for line in lines
    )
    assert lines[-3:] == [
        " Total params: 266,610 (1.02 MB)",
        " Trainable params: 266,610 (1.02 MB)",
        " Non-trainable params: 0 (0.00 B)",
    ]


def test_summary_of_a_graph_has_connected_to():
    text = summarize(
        load((EXAMPLES / "two_towers" / "two_towers.mg").read_text(), "two_towers.mg")
    ).table()
    assert "Connected to" in text
    assert "input_1[0][0], hidden2[0][0]" in text


def test_summary_json_has_the_same_facts():
    result = subprocess.run(
        [MODELGEN, "summary", str(EXAMPLES / "small_cnn" / "small_cnn.mg"), "--format", "json"],
        capture_output=True, text=True,
    )  # fmt: skip
    facts = json.loads(result.stdout)
    assert facts["total_params"] == 67_946
    assert facts["non_trainable_params"] == 64  # the batch norm's moving statistics
    assert facts["total_bytes"] == 67_946 * 4
    row = next(r for r in facts["layers"] if r["class"] == "BatchNormalization")
    assert (row["trainable_params"], row["non_trainable_params"], row["line"]) == (64, 64, 6)
    assert row["output_shape"] == [None, 14, 14, 32]


def test_summary_works_with_tensorflow_and_keras_unimportable():
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_AND_RUN, "summary", str(EXAMPLES / "two_towers" / "two_towers.mg")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Total params: 3,942 (15.40 KB)" in result.stdout


def test_sizes_are_printed_as_keras_prints_them():
    assert memory(0) == "0.00 B"
    assert memory(1023) == "1023.00 B"
    assert memory(15_768) == "15.40 KB"
    assert memory(266_610 * 4) == "1.02 MB"


# The refusals the issue names: positioned, named, expected and received.
@pytest.mark.parametrize(
    "spec,at,message",
    [
        (
            "a: input 10x10\nb: input 12x10\nconcatenate <- a, b",
            (3, 1),
            "concatenate: inputs (None, 10, 10) and (None, 12, 10) differ on axis 1",
        ),
        (
            "a: input 4\nb: input 5\nadd <- a, b",
            (3, 1),
            "add: inputs (None, 4) and (None, 5) have incompatible shapes",
        ),
        (
            "a: input 4x3\nb: input 4x2\nmultiply <- a, b",
            (3, 1),
            "multiply: inputs (None, 4, 3) and (None, 4, 2) have incompatible shapes",
        ),
        (
            "input 28\nconv2d 8 3x3",
            (2, 1),
            "conv2d: expected an input of rank 4 (batch axis included). Received: (None, 28)",
        ),
        (
            "input ?x?\nflatten\ndense 10",
            (3, 1),
            "dense: the last dimension of the input must be known. Received: (None, None)",
        ),
        (
            "input 12\nreshape 5x2",
            (2, 9),
            "reshape: cannot reshape (None, 12) (12 values) into (5, 2) (10 values)",
        ),
        ("a: input 4\nb: input 4\ndense 3 <- a, b", (3, 12), "Dense takes 1 input. Received: 2"),
        (
            "input 4\ndense ten",
            (2, 7),
            "Dense units: expected a positive integer. Received: 'ten' (word)",
        ),
    ],
)
def test_shape_errors_are_positioned_and_say_what_was_expected(spec, at, message):
    diagnostic = only(load_error(spec))
    assert position(diagnostic) == at
    assert diagnostic.message == message


def test_every_independent_shape_error_is_reported_but_not_its_knock_ons():
    error = load_error(
        "input 28\nc: conv2d 8 3x3\nd: dense 4\nb: input 3\nr: reshape 2x2\noutputs d, r"
    )
    assert [position(d) for d in error.diagnostics] == [(2, 4), (5, 12)]


def test_new_refuses_a_shape_error_and_writes_nothing(tmp_path):
    target = tmp_path / "m.py"
    result = subprocess.run(
        [MODELGEN, "new", "-e", "input 28 | conv2d 8 3x3", "-o", str(target)],
        capture_output=True,
        text=True,
    )
    assert (
        result.returncode == 2
        and "<expr>:1:12: error: conv2d: expected an input of rank 4" in result.stderr
    )
    assert not target.exists()


def test_two_layers_with_one_keras_name_are_refused():
    diagnostic = only(load_error("input 4\ndense: dense 3\ndense 2"))
    assert position(diagnostic) == (3, 1)
    assert "layer name 'dense' is used twice" in diagnostic.message
    assert "automatic name" not in diagnostic.message
    diagnostic = only(load_error("input 4\ndense 3\ndense: dense 2"))
    assert "gets Keras' automatic name 'dense'" in diagnostic.message


def test_layers_describes_one_entry():
    result = subprocess.run([MODELGEN, "layers", "Dense"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("Dense (core): ")
    assert (
        "units" in result.stdout
        and "use_bias" in result.stdout
        and "kernel_initializer" in result.stdout
    )
    unknown = subprocess.run([MODELGEN, "layers", "dnse"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "did you mean 'dense'?" in unknown.stderr


def test_expand_lists_each_block_uses_layers_under_it_as_keras_nests_them():
    text = summarize(load(NESTED_BLOCKS, "nested.mg"), expand=True).table()
    names = [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]
    assert names == [
        "input_layer (InputLayer)",
        "pair (Pair)",
        "└ a (Unit)",
        "└ dense (Dense)",
        "└ dropout (Dropout)",
        "└ b (Unit)",
        "└ dense (Dense)",
        "└ dropout (Dropout)",
        "└ add (Add)",
        *names[9:17],  # pair_1's, the same
        "dense_4 (Dense)",
    ]
    rows = [line for line in text.splitlines() if line.startswith("│")]
    assert rows[2].startswith("│    └ a (Unit) ") and rows[3].startswith("│       └ dense (Dense) ")
    # The second use reads 16 features, not 8: its layers are as that use makes them.
    assert "144" in rows[3] and "272" in rows[11]


def test_expand_changes_no_total_and_without_it_the_table_is_as_before():
    graph = load(RESNET18.read_text(), RESNET18.name)
    plain, expanded = summarize(graph), summarize(graph, expand=True)
    assert plain.table() == summarize(graph, expand=False).table()
    assert "└ " not in plain.table() and "layers" not in json.dumps(plain.as_dict()["layers"])
    assert plain.totals() == expanded.totals() and plain.rows == tuple(
        dataclasses.replace(r, layers=()) for r in expanded.rows
    )
    assert expanded.table().splitlines()[-3:] == plain.table().splitlines()[-3:]


def _every_row(rows):
    for row in rows:
        yield row
        yield from _every_row(row.layers)


def test_expanded_block_rows_add_up_and_are_named_as_the_block_class_names_its_layers():
    graph = load(RESNET18.read_text(), RESNET18.name)
    summary = summarize(graph, expand=True)
    code = generate(graph, "functional")
    for row in _every_row(summary.rows):
        if row.layers:
            assert row.params == sum(r.params for r in row.layers)
            assert row.trainable == sum(r.trainable for r in row.layers)
            assert row.non_trainable == sum(r.non_trainable for r in row.layers)
            for inner in row.layers:
                assert f"self.{inner.name} = " in code
    down = next(r for r in summary.rows if r.name == "down")
    assert [(r.name, r.layer_class, r.output_shape, r.params) for r in down.layers][-5:] == [
        ("residual", "BatchNormalization", (None, 16, 16, 128), 512),
        ("conv2d_2", "Conv2D", (None, 16, 16, 128), 8_192),
        ("shortcut", "BatchNormalization", (None, 16, 16, 128), 512),
        ("add", "Add", (None, 16, 16, 128), 0),
        ("activation_1", "Activation", (None, 16, 16, 128), 0),
    ]
    # Inside a block, "Connected to" names the layers it reads, and the call's input by its name.
    assert next(r for r in down.layers if r.name == "conv2d_2").connected_to == ("x",)
    assert next(r for r in down.layers if r.name == "add").connected_to == (
        "residual[0][0]",
        "shortcut[0][0]",
    )


def test_summary_cli_expand_in_table_and_json():
    plain = run_summary("-e", NESTED_BLOCKS)
    table = run_summary("-e", NESTED_BLOCKS, "--expand")
    assert (
        "└ " not in plain and "│    └ a (Unit)" in table and "│       └ dropout (Dropout)" in table
    )
    assert plain.splitlines()[-3:] == table.splitlines()[-3:]
    flat = json.loads(run_summary("-e", NESTED_BLOCKS, "--format", "json"))
    facts = json.loads(run_summary("-e", NESTED_BLOCKS, "--format", "json", "--expand"))
    assert all("layers" not in row for row in flat["layers"])
    pair = facts["layers"][1]
    assert [r["name"] for r in pair["layers"]] == ["a", "b", "add"]
    assert [r["name"] for r in pair["layers"][0]["layers"]] == ["dense", "dropout"]
    assert pair["layers"][0]["layers"][0]["params"] == 8 * 16 + 16
    assert pair["layers"][2]["connected_to"] == ["a[0][0]", "b[0][0]"]
    assert pair["layers"][2]["line"] == 11  # in the block's definition
    assert "layers" not in pair["layers"][2]  # a layer, not a block
    assert {k: v for k, v in facts.items() if k != "layers"} == {
        k: v for k, v in flat.items() if k != "layers"
    }


def run_summary(*arguments: str) -> str:
    result = subprocess.run([MODELGEN, "summary", *arguments], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_expanded_rows_are_what_keras_counts_in_each_block_layers(verify):
    import keras

    graph = load(NESTED_BLOCKS, "nested.mg")
    keras.backend.clear_session()
    model = verify.build(generate(graph, "functional"))
    summary = summarize(graph, expand=True)

    def check(layer, row):
        assert layer.count_params() == row.params
        for inner in row.layers:
            check(getattr(layer, inner.name), inner)

    for row in summary.rows:
        check(model.get_layer(row.name), row)
