"""Importing custom layer classes and nested models from a `.py` model as blocks.

A custom `keras.layers.Layer` is traced through its call in the model file's own
process (`modelgen/pyrunner_child.py`); its uses become one block per body, named
after the class, its config's keys the parameters where they stand in the body.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from modelgen import pyrunner_child
from modelgen.generate import load
from modelgen.importer import ImportProblem, import_spec, read_config
from modelgen.importer.sources import TRACED_KEY

MODELS = Path(__file__).parent / "import_blocks"


def imported(name: str) -> str:
    return import_spec(read_config(str(MODELS / f"{name}.py"))).text


def test_the_child_and_the_importer_agree_on_the_key():
    assert pyrunner_child.TRACED_KEY == TRACED_KEY


def test_one_class_used_with_other_arguments_is_one_block_with_parameters():
    text = imported("residual")
    assert "block residual_block filters stride=1\n" in text
    assert text.count("\nblock ") == 1
    assert "conv2d $filters 3x3 strides=$stride padding=same use_bias=false" in text
    assert "residual_block 8\nresidual_block 16 stride=2\nresidual_block 16\n" in text
    graph = load(text, "residual.mg")
    assert [b.class_name for b in graph.blocks()] == ["ResidualBlock"]  # the class's own name


def test_uses_whose_bodies_differ_are_blocks_of_their_own():
    text = imported("projection")
    assert "block unit units\n" in text and "block unit_1 units\n" in text
    assert "(Unit's config also holds project, which its layers do not show)" in text
    assert "unit 6\nunit_1 12\nunit 12\n" in text


def test_blocks_inside_blocks_operations_and_nested_models():
    text = imported("nested")
    # inner classes first; a nested functional model is a block without parameters
    assert text.index("block scale units") < text.index("block mixer units")
    assert "  scale $units\n  add_constant 1.0\n" in text
    assert "block tower\n  input\n  dense 8 tanh\nend" in text
    load(text, "nested.mg")


def test_a_call_the_dsl_cannot_write_is_refused_naming_the_class():
    with pytest.raises(ImportProblem) as error:
        imported("untraceable")
    assert "inside the layer class Odd: layer 'cumsum' (Cumsum) is a Keras operation" in str(
        error.value
    )


def test_a_config_file_cannot_claim_traced_layers(tmp_path):
    config = read_config(str(MODELS / "residual.py"))
    assert TRACED_KEY in config
    path = tmp_path / "m.json"
    path.write_text(json.dumps(config))
    again = read_config(str(path))
    assert TRACED_KEY not in again
    with pytest.raises(ImportProblem) as error:
        import_spec(again)
    assert "(ResidualBlock) is a custom layer" in str(error.value)
    assert "import the .py file that defines the class" in str(error.value)


@pytest.mark.parametrize("name", ["residual", "nested"])
def test_imported_blocks_pass_check(verify, name):
    report = verify.check_graph(load(imported(name), f"{name}.mg"))
    assert report.ok, report.table()
    assert all(c.reloads for c in report.comparisons.values())


@pytest.mark.parametrize("style", ["functional", "subclass", "sequential"])
def test_converted_with_weights_predicts_as_the_original(verify, tmp_path, style):
    import numpy as np

    code = tmp_path / f"converted_{style}.py"
    subprocess.run(
        [sys.executable, "-m", "modelgen", "convert", str(MODELS / "residual.py")]
        + ["--to", style, "--weights", "-o", str(code)],
        check=True,
        capture_output=True,
        timeout=300,
    )

    def module(path: Path, name: str):  # noqa: ANN202
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        return loaded

    original = module(MODELS / "residual.py", f"original_{style}").build_model()
    converted = module(code, f"converted_{style}").build_model(
        weights=str(code.with_name(code.stem + ".weights.h5"))
    )
    data = np.random.default_rng(3).normal(size=(2, 16, 16, 3)).astype("float32")
    expected = original.predict(data, verbose=0)
    assert np.allclose(converted.predict(data, verbose=0), expected, atol=1e-5)
