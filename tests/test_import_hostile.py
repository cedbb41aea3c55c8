"""Import of hostile and malformed model files: a clean refusal or an exact spec, never
a traceback, an injected statement or unbounded memory.

Every value the importer writes into spec text goes through `dsl_literal`, which
writes a literal the parser reads back as the same value or refuses; every file
that is not a model config ends in `modelgen: error: FILE: ...`, exit 2.
"""

from __future__ import annotations

import copy
import json
import math
import struct
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelgen import importer
from modelgen.cli import main
from modelgen.generate import load
from modelgen.importer import ImportProblem, UnwritableValue, dsl_literal, read_config
from modelgen.parser import parse


def run(args: list[str], capsys) -> tuple[int, str, str]:  # noqa: ANN001
    """`modelgen ARGS` in this process: its exit code, stdout and stderr."""
    old = sys.argv
    sys.argv = ["modelgen", *args]
    try:
        main()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        sys.argv = old
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def tensor(name: str, shape: list) -> dict:
    return {
        "class_name": "__keras_tensor__",
        "config": {"shape": shape, "dtype": "float32", "keras_history": [name, 0, 0]},
    }


def base_config() -> dict:
    """What `to_json()` writes for `x: input 4 | dense 3` (Keras 3.15)."""
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {
            "name": "m",
            "trainable": True,
            "layers": [
                {
                    "module": "keras.layers",
                    "class_name": "InputLayer",
                    "config": {
                        "batch_shape": [None, 4],
                        "dtype": "float32",
                        "sparse": False,
                        "ragged": False,
                        "name": "x",
                        "optional": False,
                    },
                    "registered_name": None,
                    "name": "x",
                    "inbound_nodes": [],
                },
                {
                    "module": "keras.layers",
                    "class_name": "Dense",
                    "config": {"name": "dense", "trainable": True, "dtype": "float32", "units": 3},
                    "registered_name": None,
                    "name": "dense",
                    "inbound_nodes": [{"args": [tensor("x", [None, 4])], "kwargs": {}}],
                },
            ],
            "input_layers": [["x", 0, 0]],
            "output_layers": [["dense", 0, 0]],
        },
    }


def import_file(tmp_path, capsys, config: object, name: str = "m.json"):  # noqa: ANN001
    path = tmp_path / name
    path.write_text(json.dumps(config))
    return path, *run(["import", str(path)], capsys)


def assert_clean_refusal(path, code: int, err: str) -> None:  # noqa: ANN001
    assert code == 2, err
    assert err.startswith(f"modelgen: error: {path}: "), err
    assert "Traceback" not in err


# ------------------------------------------------------------------------------ item 3


HOSTILE = [
    7,  # the one value here Keras means
    "4\ndense 99",
    '4"',
    "4 # comment",
    "4 <- x",
    "x\r\ndense 7",
    "\x1b[2J",
    "\u2028dense 5",
    True,
    False,
    4.0,
    2**70,
    -3,
    0,
    float("nan"),
    float("inf"),
    [4],
    {"a": 1},
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
@pytest.mark.parametrize("where", ["batch_shape", "batch_size"])
def test_an_input_layers_shape_cannot_inject_statements(where, value, tmp_path, capsys):
    config = base_config()
    layer = config["config"]["layers"][0]["config"]
    layer["batch_shape"] = [None, value] if where == "batch_shape" else [value, 4]
    path, code, out, err = import_file(tmp_path, capsys, config)
    if code == 0:  # only a value Keras means: the spec reads back as exactly it
        graph = load(out, "imported.mg")
        assert len(graph.nodes) == 2, out
        statement = graph.nodes[0].statement
        if where == "batch_shape":
            assert [v.python() for v in statement.positional] == [value], out
        else:
            (size,) = [k.value.python() for k in statement.keywords if k.key.text == "batch_size"]
            assert same(size, value), out
        return
    assert_clean_refusal(path, code, err)
    assert "layer 'x' (InputLayer) batch_shape" in err


@pytest.mark.parametrize(
    "name",
    ["a\ndense 99", 'q"uote', "hash # tail", "arrow <- x", "\x1b]0;pwned\x07", "line\u2028sep"],
    ids=repr,
)
def test_layer_and_model_names_are_written_as_escaped_strings(name, tmp_path, capsys):
    config = base_config()
    config["config"]["name"] = name
    dense = config["config"]["layers"][1]
    dense["name"] = dense["config"]["name"] = name
    config["config"]["output_layers"] = [[name, 0, 0]]
    path, code, out, err = import_file(tmp_path, capsys, config)
    if code != 0:  # a name Keras refuses in some style: refused, naming the layer
        assert_clean_refusal(path, code, err)
        assert err.count("\n") <= 2 and "layer " in err and "(Dense): name " in err, err
        return
    graph = load(out, "imported.mg")
    assert len(graph.nodes) == 2, out
    assert len(out.splitlines()) == 3, out  # model, input, dense: nothing added
    (keyword,) = [k for k in graph.nodes[1].statement.keywords if k.key.text == "name"]
    assert keyword.value.python() == name


def python_values(depth: int = 2):  # noqa: ANN201
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(),
        st.text(alphabet=st.characters(exclude_categories=())),
        st.sampled_from(["true", "None", "model", "outputs", "relu", "a b", "#", "<-", "|"]),
    )
    return st.recursive(
        scalars, lambda inner: st.tuples(inner) | st.tuples(inner, inner), max_leaves=6
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=python_values(), dims=st.booleans())
def test_dsl_literal_reads_back_as_the_same_value_or_refuses(value, dims):
    try:
        text = dsl_literal(value, dims=dims, where="layer 'd' (Dense) units")
    except UnwritableValue as refusal:
        assert str(refusal).startswith("layer 'd' (Dense) units: ")
        return
    spec = parse(f"dense 1 x={text}", "literal.mg")
    (statement,) = spec.statements
    (keyword,) = statement.keywords
    back = keyword.value.python()
    if dims and isinstance(value, tuple) and len(value) == 1 and back == value[0]:
        return  # one size is written as itself: `3` for kernel_size=(3,)
    assert same(back, value), (value, text, back)


def same(a: object, b: object) -> bool:
    """Equal values of the same types (True is not 1, 1.0 is not 1, -0.0 is not 0.0)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b


# ------------------------------------------------------------------------------ item 11


def test_a_model_with_dict_inputs_is_refused_with_the_reason(tmp_path, capsys):
    config = base_config()
    config["config"]["input_layers"] = {"features": ["x", 0, 0]}
    path, code, _, err = import_file(tmp_path, capsys, config)
    assert_clean_refusal(path, code, err)
    assert "takes its inputs as a dict (keys 'features')" in err


# ------------------------------------------------------------------------------ item 13


def _keras_file(path, member: bytes, name: str = "config.json", **options):  # noqa: ANN001, ANN003
    with zipfile.ZipFile(path, "w", **options) as archive:
        archive.writestr(name, member)
    return path


def _corrupt(path):  # noqa: ANN001
    _keras_file(path, json.dumps(base_config()).encode() * 20, compression=zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    data[60:90] = b"\xff" * 30
    path.write_bytes(bytes(data))


def _encrypted(path):  # noqa: ANN001
    _keras_file(path, json.dumps(base_config()).encode())
    data = bytearray(path.read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.find(signature) + flags] |= 1
    path.write_bytes(bytes(data))


MALFORMED_FILES = {
    "top-level list": ("m.json", lambda p: p.write_text("[1, 2]"), "expected an object"),
    "5000-digit int": ("m.json", lambda p: p.write_text('{"a": ' + "9" * 5000 + "}"), "digits"),
    "100k-deep": ("m.json", lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "deep"),
    "latin-1": ("m.json", lambda p: p.write_bytes('{"a": "é"}'.encode("latin-1")), "UTF-8"),
    "not json": ("m.json", lambda p: p.write_text("{nope"), "not valid JSON"),
    "a directory": ("x.keras", lambda p: p.mkdir(), "is a directory"),
    "not a zip": ("m.keras", lambda p: p.write_bytes(b"PK\x03\x04 truncated"), "not a valid"),
    "no config.json": ("m.keras", lambda p: _keras_file(p, b"{}", "model.weights.h5"), "no config"),
    "corrupt member": ("m.keras", _corrupt, "not a valid .keras"),
    "encrypted member": ("m.keras", _encrypted, "encrypted"),
    "latin-1 in a .keras": (
        "m.keras",
        lambda p: _keras_file(p, '{"a": "é"}'.encode("latin-1")),
        "config.json: not UTF-8",
    ),
    "legacy h5": ("m.h5", lambda p: p.write_bytes(b"\x89HDF\r\n"), "legacy HDF5"),
}


@pytest.mark.parametrize("case", MALFORMED_FILES, ids=str)
def test_malformed_files_are_a_clean_error_naming_the_file(case, tmp_path, capsys):
    name, make, expected = MALFORMED_FILES[case]
    path = tmp_path / name
    make(path)
    code, _, err = run(["import", str(path)], capsys)
    assert_clean_refusal(path, code, err)
    assert expected in err


def _set(config: dict, path: tuple, value: object) -> None:
    *parents, last = path
    for key in parents:
        config = config[key]
    config[last] = value


STRUCTURE = {
    "batch_shape null": (("config", "layers", 0, "config", "batch_shape"), None, "batch_shape"),
    "no keras_history": (
        ("config", "layers", 1, "inbound_nodes", 0, "args", 0, "config", "keras_history"),
        None,
        "keras_history",
    ),
    "history names nothing": (
        ("config", "layers", 1, "inbound_nodes", 0, "args", 0, "config", "keras_history"),
        ["ghost", 0, 0],
        "'ghost'",
    ),
    "layers not a list": (("config", "layers"), {"a": 1}, "config.layers"),
    "class_name a number": (("config", "layers", 1, "class_name"), 7, "class_name"),
    "inbound_nodes a string": (("config", "layers", 1, "inbound_nodes"), "x", "inbound_nodes"),
    "output names nothing": (("config", "output_layers"), [["ghost", 0, 0]], "'ghost'"),
    "config a list": (("config",), [], "config"),
    "an empty layer name": (("config", "layers", 1, "name"), "", "an empty string"),
    "a layer never called": (("config", "layers", 1, "inbound_nodes"), [], "reads no tensor"),
    "a call without tensors": (
        ("config", "layers", 1, "inbound_nodes", 0, "args"),
        [],
        "layer 'dense' (Dense) reads no tensor",
    ),
}


@pytest.mark.parametrize("case", STRUCTURE, ids=str)
def test_a_config_of_the_wrong_structure_is_refused_naming_the_key(case, tmp_path, capsys):
    where, value, expected = STRUCTURE[case]
    config = base_config()
    _set(config, where, value)
    path, code, _, err = import_file(tmp_path, capsys, config)
    assert_clean_refusal(path, code, err)
    assert expected in err


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every key or index path inside a JSON value."""
    found = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found.append((*prefix, key))
        found += _paths(item, (*prefix, key))
    return found


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", "x", "dense", "Functional", "__keras_tensor__", "a\nb", "\x1b"]),
    st.lists(st.integers(min_value=-2, max_value=5) | st.none(), max_size=4),
    st.dictionaries(
        st.sampled_from(["class_name", "config", "name", "args"]), st.none(), max_size=2
    ),
    st.fixed_dictionaries(  # a tensor, perhaps a broken one
        {"class_name": st.just("__keras_tensor__"), "config": st.none() | st.just({})}
    ),
    st.just([["x", 0, 0], ["x", 0, 0]]),
)
# Configs Keras 3.15 wrote (tests/import_configs, made once by Keras): a Sequential
# CNN, a two-input two-output graph, a Bidirectional LSTM with an operation.
SAVED = {
    path.stem: json.loads(path.read_text())
    for path in sorted((Path(__file__).parent / "import_configs").glob("*.json"))
}
BASES = {"minimal": base_config(), **SAVED}
PATHS = {name: _paths(config) for name, config in BASES.items()}


@settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(base=st.sampled_from(sorted(BASES)), data=st.data())
def test_malformed_configs_exit_2_with_a_message_never_a_traceback(base, data, tmp_path, capsys):
    config = copy.deepcopy(BASES[base])
    mutations = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from(PATHS[base]), st.sampled_from(["set", "delete"]), JSON_VALUES
            ),
            min_size=1,
            max_size=3,
        )
    )
    for path, how, value in mutations:
        try:
            *parents, last = path
            target = config
            for key in parents:
                target = target[key]
            if how == "delete":
                del target[last]
            else:
                target[last] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    path, code, out, err = import_file(tmp_path, capsys, config)
    assert "Traceback" not in err
    if code == 0:  # nothing injected: at most one statement per layer of the config
        layers = BASES[base]["config"]["layers"]
        assert len(load(out, "imported.mg").nodes) <= len(layers) + 1, out  # +1: an input
        return
    assert code == 2, err
    assert err.startswith(f"modelgen: error: {path}: "), err


def test_the_saved_configs_import(tmp_path, capsys):
    """The fuzz above mutates these: unmutated, each imports."""
    assert sorted(SAVED) == ["graph", "recurrent", "sequential"]
    for name, config in SAVED.items():
        path, code, out, err = import_file(tmp_path, capsys, config, f"{name}.json")
        assert code == 0, err
        assert len(load(out, f"{name}.mg").nodes) == len(config["config"]["layers"])


# ------------------------------------------------------------------------------ item 14


def test_a_zip_bomb_is_refused_quickly_in_bounded_memory(tmp_path):
    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("config.json", "w", force_zip64=True) as member:
            block = b" " * 2**20
            for _ in range(1024):  # 1 GiB of spaces
                member.write(block)
    assert bomb.stat().st_size < 8 * 2**20  # 1 GiB inflated from a few MB
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(
        ImportProblem, match=f"larger than {importer.MAX_CONFIG_BYTES // 2**20} MiB"
    ):
        read_config(str(bomb))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 8 * 2**20


def test_the_readme_states_the_import_limits_modelgen_applies():
    from modelgen import pyrunner

    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text().split())
    assert f"is at most {importer.MAX_CONFIG_BYTES // 2**20} MiB" in readme
    assert f"nest at most {importer.MAX_NESTING} deep" in readme
    assert f"has at most {importer.MAX_INT_DIGITS} digits" in readme
    assert f"printed more than {pyrunner.MAX_OUTPUT_BYTES // 2**20} MiB" in readme
    assert f"`--timeout SECONDS` (default {pyrunner.DEFAULT_TIMEOUT:g})" in readme


def test_a_keras_file_whose_header_understates_the_config_is_refused(tmp_path):
    """zipfile stops at the declared size: the lie ends in a CRC error, said cleanly."""
    liar = tmp_path / "liar.keras"
    _keras_file(liar, b" " * (40 * 2**20), compression=zipfile.ZIP_DEFLATED)
    data = bytearray(liar.read_bytes())
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, 1000)
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 1000)
    liar.write_bytes(bytes(data))
    with pytest.raises(ImportProblem, match="not a valid .keras file"):
        read_config(str(liar))


def test_a_json_file_past_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.json"
    with big.open("wb") as file:
        file.truncate(importer.MAX_CONFIG_BYTES + 1)  # sparse: no disk, no time
    tracemalloc.start()
    with pytest.raises(
        ImportProblem, match=f"larger than {importer.MAX_CONFIG_BYTES // 2**20} MiB"
    ):
        read_config(str(big))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < importer.MAX_CONFIG_BYTES * 1.5  # read once, to the limit, no copies


# ------------------------------------------------------------------------------ item 21


def graph_config() -> dict:
    """x -> dense, x -> other, add(dense, other): a graph, not a chain."""
    config = base_config()
    layers = config["config"]["layers"]
    layers.append(
        {
            "module": "keras.layers",
            "class_name": "Dense",
            "config": {"name": "other", "units": 3},
            "name": "other",
            "inbound_nodes": [{"args": [tensor("x", [None, 4])], "kwargs": {}}],
        }
    )
    layers.append(
        {
            "module": "keras.layers",
            "class_name": "Add",
            "config": {"name": "add"},
            "name": "add",
            "inbound_nodes": [
                {"args": [[tensor("dense", [None, 3]), tensor("other", [None, 3])]], "kwargs": {}}
            ],
        }
    )
    config["config"]["output_layers"] = [["add", 0, 0]]
    return config


def test_convert_names_the_source_models_layer_and_its_own_flag(tmp_path, capsys):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(graph_config()))
    code, _, err = run(["convert", str(path), "--to", "sequential"], capsys)
    assert code == 2
    assert err.startswith(f"modelgen: error: {path}: layer 'other' (Dense): "), err
    assert "use --to functional or subclass" in err
    assert "--style" not in err and f"{path}:" not in err.replace(f"{path}: ", "")


def test_a_spec_the_import_wrote_that_does_not_load_names_the_layer(tmp_path, capsys):
    config = base_config()  # a source that is not the statement before and no label for it
    config["config"]["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = [
        "dense",
        0,
        0,
    ]  # the dense layer reads itself: a cycle
    path, code, _, err = import_file(tmp_path, capsys, config)
    assert_clean_refusal(path, code, err)
    assert "layer 'dense' (Dense): " in err
    assert "m.json:3:" not in err


# ------------------------------------------------------------------------------ item 8


def test_unicode_names_come_back_as_the_characters_not_surrogate_pairs(verify):
    import keras
    from keras import layers

    from modelgen.importer import spec_from_config

    keras.backend.clear_session()
    x = keras.Input((4,))
    model = keras.Model(x, layers.Dense(3, name="hid\U0001f600den")(x))
    text = spec_from_config(json.loads(model.to_json()))  # to_json escapes it: \ud83d\ude00
    assert 'name="hid\U0001f600den"' in text, text
    (keyword,) = [k for k in parse(text, "u.mg").statements[-1].keywords if k.key.text == "name"]
    assert keyword.value.python() == "hid\U0001f600den"


def test_a_unicode_layer_name_the_validation_refuses_is_said_of_the_keras_layer(
    tmp_path, capsys, verify
):
    """Names are held to TensorFlow's scope rules (item 6): the import says which layer."""
    import keras
    from keras import layers

    keras.backend.clear_session()
    x = keras.Input((4,))
    model = keras.Model(x, layers.Dense(3, name="hid\U0001f600den")(x))
    path = tmp_path / "unicode.json"
    path.write_text(model.to_json())
    code, out, err = run(["import", str(path)], capsys)
    if code == 0:
        assert 'name="hid\U0001f600den"' in out
        return
    assert_clean_refusal(path, code, err)
    assert "layer 'hid\U0001f600den' (Dense): name 'hid\U0001f600den' holds" in err


@pytest.mark.parametrize("style", ["functional", "subclass", "sequential"])
def test_a_model_named_with_an_emoji_imports_generates_and_builds(style, tmp_path, capsys, verify):
    import keras
    from keras import layers

    from modelgen.generate import generate

    keras.backend.clear_session()
    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(3, name="hidden"), layers.Dense(2)], name="\U0001f600"
    )
    path = tmp_path / "unicode.json"
    path.write_text(model.to_json())
    code, out, err = run(["import", str(path)], capsys)
    assert code == 0, err
    assert out.splitlines()[0] == 'model model  # the Keras model\'s name: "\U0001f600"', out
    rebuilt = verify.build(generate(load(out, "unicode.mg"), style), style)
    assert rebuilt.name == "model"
    assert rebuilt.layers[-2].name == "hidden"
    assert rebuilt.count_params() == model.count_params()


def test_a_real_model_with_dict_inputs_is_refused_not_a_recursion_error(tmp_path, capsys, verify):
    import keras
    from keras import layers

    keras.backend.clear_session()
    a, b = keras.Input((3,), name="a"), keras.Input((4,), name="b")
    model = keras.Model({"a": a, "b": b}, layers.Dense(2)(layers.Concatenate()([a, b])))
    path = tmp_path / "dict_inputs.json"
    path.write_text(model.to_json())
    code, _, err = run(["import", str(path)], capsys)
    assert_clean_refusal(path, code, err)
    assert "takes its inputs as a dict (keys 'a', 'b')" in err


def test_weights_from_a_keras_file_keras_cannot_load_are_a_clean_error(tmp_path, capsys, verify):
    config = base_config()
    del config["module"]  # Keras then cannot find the class 'Functional'
    path = _keras_file(tmp_path / "broken.keras", json.dumps(config).encode())
    code, _, err = run(
        ["convert", str(path), "--to", "functional", "--weights", "-o", str(tmp_path / "m.py")],
        capsys,
    )
    assert_clean_refusal(path, code, err)
    assert "Keras cannot load the model for its weights" in err
    assert len(err) < 600  # not Keras' whole config quoted back
    assert not (tmp_path / "m.py").exists()


def test_lines_of_the_unseen_spec_are_said_as_the_layers_they_came_from():
    from modelgen.errors import Diagnostic, SpecError
    from modelgen.importer import import_spec
    from modelgen.ir import Span

    imported = import_spec(graph_config())
    error = SpecError(
        "g.json",
        imported.text,
        [Diagnostic("label 'a' is already used on line 3", Span(4, 1, 4, 5), "see on line 2")],
    )
    message = imported.explain(error)
    assert message == (
        "layer 'other' (Dense): label 'a' is already used in layer 'dense' (Dense)\n"
        "  hint: see in layer 'x' (InputLayer)"
    ), imported.text


def test_a_style_refusals_hint_names_the_flag_of_the_command():
    """`convert` chooses the style with --to: the refusal's hint (written for `new`) says so."""
    from modelgen.errors import Diagnostic, SpecError
    from modelgen.importer import import_spec
    from modelgen.ir import Span

    imported = import_spec(graph_config())
    refusal = Diagnostic("cannot", Span(4, 1, 4, 5), "use --style functional")
    error = SpecError("g.json", imported.text, [refusal, Diagnostic("no hint", Span(2, 1, 2, 2))])
    # (in source order, as SpecError holds them)
    assert imported.explain(error) == (
        "layer 'x' (InputLayer): no hint\nlayer 'other' (Dense): cannot\n  hint: use --style functional"
    )
    assert imported.explain(error, "--to") == (
        "layer 'x' (InputLayer): no hint\nlayer 'other' (Dense): cannot\n  hint: use --to functional"
    )
