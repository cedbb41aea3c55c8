"""The rules a name follows, at the bottom of the module graph (it imports nothing of modelgen).

What a Python identifier in the generated code may be (`RESERVED_NAMES`, keywords),
what TensorFlow takes as a layer or model name, and how a name is made from text:
`as_identifier`, `snake_case`, `class_name`. The parser, validation, naming and the
importer all take them from here.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

# Names the generated modules use themselves; a label or model name may not shadow them.
# (`weights` is the parameter of `build_model(weights=None)` in converted code.)
RESERVED_NAMES = frozenset(
    {"keras", "layers", "tf", "tensorflow", "build_model", "self", "weights"}
)

# The attributes a keras.Model instance has once built, compiled, fitted, evaluated and
# saved, on any backend (read off Keras 3.15: dir() of such a model on TensorFlow, and
# every `self.NAME =` of the trainer, model, layer and operation classes of each
# backend; tests/test_names_keras.py holds it against the installed Keras). A layer
# attribute of a subclassed model must not be one of these: `fit()` sets
# `self.stop_training = False` over a layer called `stop_training`.
MODEL_ATTRIBUTES = frozenset(
    """
    activity_regularizer add_loss add_metric add_variable add_weight autocast
    build build_from_config built call call_signature_parameters compile
    compile_from_config compiled compiled_loss compiled_metrics compute_dtype compute_loss
    compute_mask compute_metrics compute_output_shape compute_output_spec count_params
    distribute_reduction_method distribute_strategy dtype dtype_policy evaluate export fit
    from_config get_build_config get_compile_config get_config get_layer get_metrics_result
    get_quantization_layer_structure get_state_tree get_weights history input input_dtype
    input_spec inputs jit_compile layers load_own_variables load_weights loss losses
    make_predict_function make_test_function make_train_function metrics metrics_names
    metrics_variables name non_trainable_variables non_trainable_weights optimizer output
    outputs ov_compiled_model ov_device ov_input_shapes path predict predict_function
    predict_on_batch predict_step quantization_mode quantize quantized_build quantized_call
    rematerialized_call reset_metrics run_eagerly save save_own_variables save_weights
    set_state_tree set_weights stateless_call stateless_compute_loss steps_per_execution
    stop_evaluating stop_predicting stop_training struct_outputs struct_params summary
    supports_jit supports_masking symbolic_call test_function test_on_batch test_step
    to_json torch_params train_function train_on_batch train_step trainable
    trainable_variables trainable_weights unrolled_steps_per_execution variable_dtype
    variables weights
    """.split()
)

# What a name Keras gives to TensorFlow may hold. TensorFlow opens a name scope for the
# model and, inside it, one for each layer it calls, and refuses names outside its
# patterns (tensorflow/python/framework/ops.py: _VALID_OP_NAME_REGEX for the model's,
# a root scope, `[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*`; _VALID_SCOPE_NAME_REGEX for a
# layer's in a functional model, `[A-Za-z0-9_.\\/>-]*`, but a subclassed model calls its
# layers in root scopes, so a layer name starts as a root scope's does). Keras refuses '/' in any name (keras/src/ops/
# operation.py). When the model is fitted, TensorFlow's C++ checks each graph node's
# name, `model/LAYER_1/Cast`, as segments joined by '>', each `[A-Za-z0-9.]
# [A-Za-z0-9_./-]*` (IsValidNodeName in tensorflow/core/framework/node_def_util.cc):
# no backslash, and a '>' must be followed by a letter, a digit or '.'. Nothing else:
# no space, no letter outside ASCII.
_LAYER_NAME_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.->"
)
_AFTER_ANGLE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def identifier_problem(text: str) -> str | None:
    """Why `text` cannot be a name in the generated Python code, or None."""
    if not text.isidentifier():
        return "is not a Python identifier"
    normal = unicodedata.normalize("NFKC", text)
    if normal != text:
        # Python reads identifiers in NFKC: `ﬁ` is `fi` and full-width `ｋｅｒａｓ` is `keras`,
        # so such a label could shadow another name, or `keras` itself, in the code.
        return f"is read by Python as {normal!r} (identifiers are NFKC-normalized)"
    if keyword.iskeyword(text):
        return "is a Python keyword"
    if text in RESERVED_NAMES:
        return "would shadow a name the generated code uses"
    if text.startswith("__"):
        return "starts with '__', which Python reserves"
    return None


def layer_name_problem(text: str) -> str | None:
    """Why Keras (with TensorFlow) cannot build and fit a layer named `text`, or None."""
    if not text:
        return "is empty"
    bad = next((c for c in text if c not in _LAYER_NAME_CHARACTERS), None)
    if bad is not None:
        return f"holds {_shown(bad)}, which TensorFlow refuses in a layer name"
    if text[0] not in _AFTER_ANGLE:  # a subclass calls its layers in root name scopes
        return (
            f"starts with {_shown(text[0])}, which TensorFlow refuses at the start of the "
            "name scope a subclassed model calls the layer in"
        )
    if any(
        c == ">" and (text[i + 1 : i + 2] or "_") not in _AFTER_ANGLE for i, c in enumerate(text)
    ):
        return "has a '>' with no letter, digit or '.' after it, which TensorFlow refuses"
    return None


def model_name_problem(text: str) -> str | None:
    """Why `text` cannot name the model (a Python identifier TensorFlow takes as a root
    name scope: an ASCII letter, then ASCII letters, digits and '_'), or None."""
    problem = identifier_problem(text)
    if problem is not None:
        return problem
    bad = next((c for c in text if c not in _LAYER_NAME_CHARACTERS), None)
    if bad is not None:
        return f"holds {_shown(bad)}, which TensorFlow refuses in a model name"
    if text[0] not in _ASCII_LETTERS:
        return (
            f"starts with {_shown(text[0])}: TensorFlow needs a model name to start with a letter"
        )
    return None


def _shown(character: str) -> str:
    if character == " ":
        return "a space"
    if character.isprintable():
        return repr(character)
    return f"{character!r}"  # repr shows a control character escaped


def _spelt(character: str) -> str:
    """A letter outside ASCII by its Unicode name's last word: `π` -> `pi`."""
    if character.isascii() or not character.isalpha():
        return character
    words = unicodedata.name(character, "").split()
    return words[-1].lower() if "LETTER" in words and words[-1].isalpha() else character


def ascii_name(text: str) -> str:
    """`text` as a name every rule above takes: accents dropped (`é` -> `e`), other
    characters made '_', leading '_' and digits removed; '' when nothing is left."""
    plain = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    plain = "".join(_spelt(c) for c in plain if not unicodedata.combining(c))
    name = "".join(c if c in _LAYER_NAME_CHARACTERS and c not in ".->" else "_" for c in plain)
    return name.lstrip("_0123456789")


def snake_case(class_name: str) -> str:
    """`MaxPooling2D` -> `max_pooling2d`, as Keras names its layers."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def as_identifier(text: str) -> str:
    """`text` in the NFKC form Python reads identifiers in, with every character an
    identifier cannot hold made '_': `my-net` -> `my_net`, `ﬁle` -> `file`, `a²` -> `a2`.
    (It may still start with a digit.)"""
    normal = unicodedata.normalize("NFKC", text)
    return "".join(c if f"_{c}".isidentifier() else "_" for c in normal)


def class_name(model_name: str) -> str:
    """`mnist_mlp` -> `MnistMlp`."""
    parts = [p for p in model_name.split("_") if p]
    # Upper-casing may leave the NFKC form Python reads identifiers in ('ΐ' -> 'Ϊ́').
    name = as_identifier("".join(p[:1].upper() + p[1:] for p in parts) or "Model")
    if not name.isidentifier():  # it starts with a digit
        name = "Model" + name
    if name in ("Model", "Sequential"):  # legal, but a reader would take it for keras.Model
        return "My" + name
    if name in RESERVED_NAMES or keyword.iskeyword(name):
        name += "Model"
    return name
