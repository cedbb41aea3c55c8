"""Import accounts for everything Keras saves: no setting and no call argument is dropped.

Every key of a layer's config and every argument of its saved call is written, known
to mean what leaving it out means, or refused by name (an `ImportProblem` naming the
layer and the key). The first tests hold the catalogue's facts for this (its entries'
`saved_settings`, `saved_defaults`, `call_inputs` and `call_arguments`) against the
installed Keras, so a key or call argument Keras adds later fails here instead of
being dropped. The others convert real Keras models that once came back as a
different model, and compare outputs, saved configs and parameter counts.
"""

from __future__ import annotations

import functools
import inspect
import json
import shutil
import subprocess

import numpy as np
import pytest

from modelgen import catalogue
from modelgen.catalogue import NO_DEFAULT
from modelgen.generate import generate, load
from modelgen.importer import ImportProblem, spec_from_config
from modelgen.importer.layer_words import INPUT_KEYS

from .catalogue_cases import ACCEPTED

MODELGEN = shutil.which("modelgen")
LAYERS = [e for e in catalogue.ENTRIES if not e.is_operation and not e.is_input]


@functools.cache
def _sample_nodes() -> dict:
    """A node of each catalogue entry from the catalogue's accepted cases."""
    nodes: dict = {}
    for _, spec in ACCEPTED:
        for node in load(spec, "case.mg").nodes:
            nodes.setdefault(node.entry.keyword, node)
    return nodes


def _keras_layer(node):
    """The Keras layer of a node, made with the node's required arguments only."""
    import keras

    cls = getattr(keras.layers, node.entry.keyword)
    if getattr(node, "wrapped", None) is not None:
        return cls(_keras_layer(node.wrapped))
    given = {a.name: a.value for a in node.arguments}
    return cls(*(given[p.name] for p in node.entry.params if p.default is NO_DEFAULT))


@pytest.mark.parametrize("entry", LAYERS, ids=lambda e: e.keyword)
def test_every_config_key_keras_saves_is_accounted_for(entry, verify):
    config = _keras_layer(_sample_nodes()[entry.keyword]).get_config()
    handled = {"name", "trainable", "dtype"} | {p.name for p in entry.params}
    if entry.is_wrapper:
        handled.add("layer")  # written as the wrapped layer
    neutral = dict(entry.saved_settings)
    derived = entry.saved_defaults(config, []) if entry.saved_defaults else {}
    unaccounted = set(config) - handled - set(neutral) - set(derived)
    assert not unaccounted, (
        f"Keras saves {sorted(unaccounted)} for {entry.keyword}: give the catalogue entry "
        "a parameter, a saved_settings value that means leaving it out, or a saved_defaults rule"
    )
    for key, values in neutral.items():  # the facts hold: a default layer saves a neutral value
        if key in config:
            assert config[key] in values, (entry.keyword, key, config[key])


def test_every_config_key_keras_saves_for_an_input_is_accounted_for(verify):
    import keras

    layer = keras.layers.InputLayer(shape=(3,))
    assert type(layer).__name__ == catalogue.INPUT.class_name
    config = layer.get_config()
    neutral = dict(catalogue.INPUT.saved_settings)
    unaccounted = set(config) - set(INPUT_KEYS) - set(neutral)
    assert not unaccounted, (
        f"Keras saves {sorted(unaccounted)} for an input: give catalogue.INPUT a "
        "saved_settings value that means leaving it out, or write it"
    )
    for key, values in neutral.items():
        assert config[key] in values, (key, config[key])


@pytest.mark.parametrize("entry", LAYERS, ids=lambda e: e.keyword)
def test_every_call_argument_keras_takes_is_accounted_for(entry):
    import keras

    signature = inspect.signature(getattr(keras.layers, entry.keyword).call)
    parameters = {n: p for n, p in signature.parameters.items() if n != "self"}
    declared = dict(entry.call_arguments)
    assert set(entry.call_inputs) <= set(parameters), entry.call_inputs
    # In the call's order: a positional argument after the inputs is read by its place.
    assert list(parameters) == [*entry.call_inputs, *declared][: len(parameters)], (
        f"{entry.keyword}.call takes {list(parameters)}: declare the entry's call_inputs "
        "and call_arguments in that order"
    )
    assert set(parameters) == set(entry.call_inputs) | set(declared), (
        f"{entry.keyword}.call takes {sorted(set(parameters) - set(entry.call_inputs))}: "
        "declare each in the entry's call_arguments with the value leaving it out means"
    )
    for name, neutrals in declared.items():
        if name == "training":  # see catalogue.base.TRAINING
            assert neutrals == (None, False)
        else:
            assert neutrals == (parameters[name].default,), (entry.keyword, name)


# ----------------------------------------------------------------- the silent differences


def convert(model, verify):
    """Import `model`, build the spec's functional code, give it the original's weights."""
    spec = spec_from_config(json.loads(model.to_json()))
    rebuilt = verify.build(generate(load(spec, "imported.mg"), "functional"))
    rebuilt.set_weights(model.get_weights())
    return spec, rebuilt


def configs(model) -> list[dict]:
    """Each layer's saved config, without the names Keras chose."""
    out = []
    for layer in model.layers:
        config = layer.get_config()
        config.pop("name", None)
        for key in ("layer", "backward_layer"):
            if isinstance(config.get(key), dict):
                config[key]["config"].pop("name", None)
        out.append((type(layer).__name__, config))
    return out


def assert_same_model(model, rebuilt, data):
    assert rebuilt.count_params() == model.count_params()
    assert configs(rebuilt) == configs(model)
    np.testing.assert_allclose(
        rebuilt(data, training=False), model(data, training=False), rtol=1e-6, atol=1e-6
    )


def refusal(model) -> str:
    with pytest.raises(ImportProblem) as problem:
        spec_from_config(json.loads(model.to_json()))
    return str(problem.value)


def test_use_causal_mask_is_refused_by_name_not_dropped(verify):
    import keras
    from keras import layers

    keras.backend.clear_session()
    q, v = keras.Input((5, 8)), keras.Input((5, 8))
    attention = keras.Model([q, v], layers.Attention()([q, v], use_causal_mask=True))
    assert refusal(attention) == (
        "layer 'attention' (Attention) is called with use_causal_mask=True, "
        "which the DSL cannot write"
    )
    heads = keras.Model([q, v], layers.MultiHeadAttention(2, 4)(q, v, use_causal_mask=True))
    assert "(MultiHeadAttention) is called with use_causal_mask=True" in refusal(heads)
    # Passed as what leaving it out means, it imports, and to the same model.
    rng = np.random.default_rng(0)
    data = [rng.normal(size=(2, 5, 8)).astype("float32") for _ in range(2)]
    for explicit in (
        keras.Model([q, v], layers.Attention()([q, v], use_causal_mask=False)),
        keras.Model([q, v], layers.MultiHeadAttention(2, 4)(q, v, use_causal_mask=False)),
    ):
        _, rebuilt = convert(explicit, verify)
        assert_same_model(explicit, rebuilt, data)


@pytest.mark.parametrize(
    "call,message",
    [
        (
            "layers.Dropout(0.5)(x, training=True)",
            "layer 'dropout' (Dropout) is called with training=True",
        ),
        (
            "layers.MultiHeadAttention(2, 4)(x, x, x, keras.ops.ones((1, 5), 'bool'))",
            "(MultiHeadAttention) is called with query_mask=a constant tensor",
        ),
        (
            "layers.BatchNormalization()(x, training=True)",
            "(BatchNormalization) is called with training=True",
        ),
        (
            "layers.LSTM(3)(x, initial_state=[keras.ops.zeros((1, 3)), keras.ops.zeros((1, 3))])",
            "(LSTM) is called with initial_state=",
        ),
        (
            "layers.MultiHeadAttention(2, 4)(x, x, return_attention_scores=True)[0]",
            "(MultiHeadAttention) is called with return_attention_scores=True",
        ),
        (
            "layers.Softmax()(layers.Embedding(10, 8, mask_zero=True)(keras.ops.cast(x[..., 0], 'int32')))",
            "(Softmax) is called with mask=a tensor",
        ),
    ],
)
def test_a_call_argument_the_dsl_cannot_write_is_refused_by_name(call, message, verify):
    import keras
    from keras import layers

    keras.backend.clear_session()
    x = keras.Input((5, 8), batch_size=1)
    model = keras.Model(x, eval(call, {"keras": keras, "layers": layers, "x": x}))  # noqa: S307
    assert message in refusal(model)


def test_a_custom_backward_layer_is_refused_not_replaced_by_the_forward_one(verify):
    import keras
    from keras import layers

    keras.backend.clear_session()
    x = keras.Input((5, 8))
    backward = layers.GRU(3, reset_after=False, go_backwards=True)
    custom = keras.Model(x, layers.Bidirectional(layers.GRU(3), backward_layer=backward)(x))
    forward_copy = keras.Model(x, layers.Bidirectional(layers.GRU(3))(x))
    assert custom.count_params() == 225 and forward_copy.count_params() == 234
    assert refusal(custom) == (
        "layer 'bidirectional' (Bidirectional): the backward_layer is a GRU that is not the "
        "wrapped layer run the other way (reset_after: false, not true), which the DSL cannot write"
    )
    # A backward layer that is the forward one run backwards is what the DSL writes.
    data = np.random.default_rng(0).normal(size=(2, 5, 8)).astype("float32")
    for backward_layer in (None, layers.GRU(3, go_backwards=True)):
        model = keras.Model(
            x, layers.Bidirectional(layers.GRU(3), backward_layer=backward_layer)(x)
        )
        spec, rebuilt = convert(model, verify)
        assert "bidirectional gru 3" in spec
        assert_same_model(model, rebuilt, data)


def test_a_bidirectional_saved_by_model_save_imports(verify, tmp_path):
    """`model.save()` stamps a `shared_object_id` (a Python object's id) on every object
    it writes, so the backward layer's initializers never equal the forward copy's by
    their ids: those are not part of the layer, and a plain Bidirectional imports."""
    import keras
    from keras import layers

    keras.backend.clear_session()
    x = keras.Input((5, 8))
    for i, backward_layer in enumerate((None, layers.GRU(3, go_backwards=True))):
        model = keras.Model(
            x, layers.Bidirectional(layers.GRU(3), backward_layer=backward_layer)(x)
        )
        path = tmp_path / f"model{i}.keras"
        model.save(path)
        result = subprocess.run([MODELGEN, "import", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "bidirectional gru 3" in result.stdout
    custom = keras.Model(
        x,
        layers.Bidirectional(
            layers.GRU(3), backward_layer=layers.GRU(3, reset_after=False, go_backwards=True)
        )(x),
    )
    custom.save(tmp_path / "custom.keras")
    result = subprocess.run(
        [MODELGEN, "import", str(tmp_path / "custom.keras")], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "run the other way (reset_after: false, not true)" in result.stderr


def test_an_axis_comes_back_as_keras_saved_it(verify):
    import keras
    from keras import layers

    keras.backend.clear_session()
    x = keras.Input((4, 5, 6))
    model = keras.Model(
        x,
        [
            layers.Softmax(axis=1)(x),
            layers.Softmax(axis=(2, 1))(x),
            layers.Softmax(axis=(-1,))(x),  # not the default -1, to Keras' config
            layers.LayerNormalization(axis=[1, 2])(x),
            layers.LayerNormalization()(x),  # saved as [-1]: the default
            layers.PReLU(shared_axes=())(x),  # saved as [], not null
        ],
    )
    spec, rebuilt = convert(model, verify)
    assert "softmax axis=1\n" in spec and "softmax axis=(2, 1) " in spec
    assert "softmax axis=(-1,) " in spec and "prelu shared_axes=() " in spec
    assert "layernormalization <-" in spec
    assert_same_model(model, rebuilt, np.ones((2, 4, 5, 6), "float32"))


def test_a_one_dimensional_size_is_written_as_a_number(verify):
    import keras
    from keras import layers

    keras.backend.clear_session()
    x = keras.Input((10, 4))
    y = layers.MaxPooling1D(2)(layers.Conv1D(8, 3, strides=2)(x))
    # a pooling's strides may be none: (1,) was written as `strides=(1,)`
    model = keras.Model(x, layers.AveragePooling1D(2, strides=1)(y))
    spec, rebuilt = convert(model, verify)
    assert "conv1d 8 3 strides=2\nmaxpooling1d\naveragepooling1d pool_size=2 strides=1\n" in spec
    assert_same_model(model, rebuilt, np.ones((2, 10, 4), "float32"))


def test_true_divide_imports_as_divide_constant(verify):
    import keras
    from keras.applications import mobilenet_v2

    keras.backend.clear_session()
    x = keras.Input((4, 4, 3))
    divided = keras.Model(x, x / 127.5)
    assert json.loads(divided.to_json())["config"]["layers"][1]["class_name"] == "TrueDivide"
    data = np.random.default_rng(0).uniform(0, 255, size=(2, 4, 4, 3)).astype("float32")
    spec, rebuilt = convert(divided, verify)
    assert spec.endswith("input 4x4x3\ndivide_constant 127.5\n")
    assert_same_model(divided, rebuilt, data)
    preprocess = keras.Model(x, mobilenet_v2.preprocess_input(x))
    spec, rebuilt = convert(preprocess, verify)
    assert "divide_constant 127.5\nsubtract_constant 1.0\n" in spec
    np.testing.assert_allclose(rebuilt(data), preprocess(data), rtol=1e-6)


# ------------------------------------------------------------------ what cannot be written


@pytest.mark.parametrize(
    "build,name",
    [
        ("keras.Input((3, 8, 8, 2)); y = layers.ConvLSTM2D(4, 3)(x)", "'conv_lstm2d' (ConvLSTM2D)"),
        (
            "keras.Input((1,), dtype='string'); y = layers.StringLookup(vocabulary=['a'])(x)",
            "'string_lookup' (StringLookup)",
        ),
        ("keras.Input((8, 8, 3)); y = layers.RandomFlip()(x)", "'random_flip' (RandomFlip)"),
    ],
)
def test_a_keras_layer_modelgen_lacks_is_not_called_custom(build, name, tmp_path, verify):
    import keras
    from keras import layers

    keras.backend.clear_session()
    scope = {"keras": keras, "layers": layers}
    exec(f"x = {build}; m = keras.Model(x, y)", scope)  # noqa: S102
    for saved in (scope["m"], keras.Sequential(scope["m"].layers)):
        path = tmp_path / "model.json"
        path.write_text(saved.to_json())
        result = subprocess.run([MODELGEN, "import", str(path)], capture_output=True, text=True)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert f"layer {name} is a Keras layer modelgen does not support yet" in result.stderr
        assert "custom" not in result.stderr


def test_every_unwritable_layer_is_named_inside_nested_models_too(verify):
    import keras
    from keras import layers

    keras.backend.clear_session()
    a = keras.Input((4,))
    inner = keras.Model(
        a, layers.Lambda(lambda t: t * 2, name="double")(layers.Dense(4)(a)), name="inner"
    )
    x = keras.Input((4,))
    outer = keras.Model(x, layers.Add()([inner(x), inner(layers.Dense(4, name="d")(x))]))
    message = refusal(outer)
    assert "layer 'inner' (Functional) is called 2 times (a shared layer)" in message
    assert "layer 'double' (Lambda) inside layer 'inner' (Functional) is a Lambda" in message
    keras.backend.clear_session()
    y = keras.Input((4,))
    nested = keras.Model(
        y,
        keras.Sequential(
            [layers.Dense(4), layers.RandomFlip(), layers.Lambda(lambda t: t)], name="seq"
        )(y),
    )
    message = refusal(nested)
    assert "layer 'seq' (Sequential) is a nested model" in message
    assert (
        "layer 'random_flip' (RandomFlip) inside layer 'seq' (Sequential) is a Keras layer"
        in message
    )
    assert "layer 'lambda' (Lambda) inside layer 'seq' (Sequential) is a Lambda" in message


def test_a_model_name_the_dsl_cannot_hold_is_kept_in_a_comment(verify):
    import keras
    from keras import layers

    keras.backend.clear_session()
    x = keras.Input((4,))
    model = keras.Model(x, layers.Dense(2)(x), name="3dcnn")
    spec = spec_from_config(json.loads(model.to_json()))
    assert spec.startswith('model model_3dcnn  # the Keras model\'s name: "3dcnn"\n')
    assert verify.build(generate(load(spec, "m.mg"), "functional")).name == "model_3dcnn"


@pytest.mark.parametrize("style", ["functional", "subclass"])
def test_convert_weights_of_a_model_with_a_divide_carries_them(verify, tmp_path, style):
    """`x / 127.5` is Keras' TrueDivide in the original and keras.ops.divide in the
    code: weights go layer to layer, operations hold none (this was a traceback)."""
    import keras
    from keras import layers

    keras.backend.clear_session()
    x = keras.Input((4,))
    model = keras.Model(x, layers.Dense(2)(layers.Dense(3)(x) / 127.5 - 1))
    model.save(tmp_path / "model.keras")
    code = tmp_path / "converted.py"
    result = subprocess.run(
        [MODELGEN, "convert", str(tmp_path / "model.keras"), "--to", style]
        + ["--weights", "-o", str(code)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    namespace: dict = {"__name__": "converted"}
    exec(compile(code.read_text(), str(code), "exec"), namespace)  # noqa: S102
    rebuilt = namespace["build_model"](weights=str(tmp_path / "converted.weights.h5"))
    data = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    np.testing.assert_allclose(rebuilt(data), model(data), rtol=1e-6, atol=1e-6)
