"""The subprocess side of `modelgen import FILE.py`: run FILE as `python FILE` would.

Started by `modelgen.pyrunner` as `python -P pyrunner_child.py FILE RESULT_DIR SAVE`,
so that neither the current folder nor this file's folder is on `sys.path`; FILE's
own folder goes first, as `python FILE` puts it. FILE runs under the module name
`modelgen_imported` (its `if __name__ == "__main__":` block does not run), then
`build_model()` or its module-level `model` is taken and its config written to
RESULT_DIR/config.json; with SAVE=1 the model itself (its weights) is saved to
RESULT_DIR/model.keras, from the same run. Each custom layer class's instance is
traced through its `call` (as a subclassed model is), and the config's root holds
what that gives under TRACED_KEY, for the importer to write it as a block. A refusal is written to
RESULT_DIR/error.txt (exit 3). Only the standard library and Keras are imported.
Should modelgen die without killing it (SIGKILL), it kills its own process group.
"""

import os
import sys
from typing import NoReturn


def _refuse(result_dir: str, message: str) -> NoReturn:
    with open(os.path.join(result_dir, "error.txt"), "w", encoding="utf-8") as file:
        file.write(message)
    sys.exit(3)


def _die_with_parent() -> None:
    """If modelgen ends without killing us (SIGKILL gives it no chance), kill our whole
    process group: what FILE started too."""
    import signal
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="modelgen-parent-watch", daemon=True).start()


TRACED_KEY = "modelgen_traced_layers"  # see modelgen.importer.configs
_LAYER_KEYS = ("name", "trainable", "dtype")  # what every layer's get_config holds


def _custom(layer: object) -> bool:
    """A layer of a class of the user's own (not Keras', not a model)."""
    import keras

    return (
        isinstance(layer, keras.layers.Layer)
        and not isinstance(layer, keras.Model)
        and not type(layer).__module__.startswith("keras")
    )


def _plain(value: object) -> bool:
    """A value JSON keeps as it is: a number, string, bool, None, or a list of them."""
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


def _defaults(layer: object) -> dict:
    import inspect

    try:
        parameters = inspect.signature(type(layer).__init__).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {
        p.name: p.default
        for p in parameters
        if p.default is not inspect.Parameter.empty and _plain(p.default)
    }


def _traced(model: object) -> dict:
    """Each custom layer of `model`, by name: its class, the functional model its call
    makes of inputs like the ones it was called on (the same layers inside), its
    get_config beyond Layer's, its __init__'s defaults, and the same for the custom
    layers inside it."""
    import json

    import keras

    found = {}
    for layer in model.layers:  # type: ignore[attr-defined]
        if not _custom(layer) or not layer._inbound_nodes:
            continue
        what: dict[str, object] = {"class_name": type(layer).__name__}
        try:
            tensors = keras.tree.flatten(layer._inbound_nodes[0].input_tensors)
            fresh = [keras.Input(shape=tuple(t.shape[1:]), dtype=t.dtype) for t in tensors]
            outputs = layer.call(fresh if len(fresh) > 1 else fresh[0])
            inner = keras.Model(fresh, outputs, name=layer.name)
            config = layer.get_config()
            what.update(
                model=json.loads(inner.to_json()),
                arguments={k: v for k, v in config.items() if k not in _LAYER_KEYS and _plain(v)},
                defaults=_defaults(layer),
                layers=_traced(inner),
            )
        except Exception as error:  # noqa: BLE001 - the importer says why it cannot write it
            what["error"] = (
                f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            )
        found[layer.name] = what
    return found


def _leaves(model: object) -> list:
    """The layers holding `model`'s weights in graph order, a custom layer's as its call
    traces them (the order its block's layers have once imported)."""
    import keras

    found = []
    for operation in model.operations:  # type: ignore[attr-defined]
        if not isinstance(operation, keras.layers.Layer) or isinstance(
            operation, keras.layers.InputLayer
        ):
            continue
        if _custom(operation) and operation._inbound_nodes:
            tensors = keras.tree.flatten(operation._inbound_nodes[0].input_tensors)
            fresh = [keras.Input(shape=tuple(t.shape[1:]), dtype=t.dtype) for t in tensors]
            inner = keras.Model(fresh, operation.call(fresh if len(fresh) > 1 else fresh[0]))
            found += _leaves(inner)
        else:
            found.append(operation)
    return found


def _save_leaves(model: object, path: str) -> None:
    """With custom layers, which only FILE's code can load, the weights of every layer in
    `_leaves` order, for `convert --weights` to carry across."""
    if not any(_custom(layer) for layer in model.layers):  # type: ignore[attr-defined]
        return
    import numpy

    arrays = [
        w for layer in _leaves(model) for w in [len(layer.get_weights()), *layer.get_weights()]
    ]
    numpy.savez(path, *[numpy.asarray(a) for a in arrays])


def main(path: str, result_dir: str, save: bool) -> None:
    _die_with_parent()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    import runpy

    namespace = runpy.run_path(path, run_name="modelgen_imported")
    if callable(namespace.get("build_model")):
        model = namespace["build_model"]()
    elif "model" in namespace:
        model = namespace["model"]
    else:
        _refuse(result_dir, "defines neither build_model() nor a module-level model")
    import keras

    if not isinstance(model, keras.Model):
        _refuse(result_dir, f"build_model() gave a {type(model).__name__}, not a keras.Model")
    if model.__class__.__name__ not in ("Functional", "Sequential"):
        # A subclassed model has no graph in its config: take its functional view, its
        # call applied to inputs of the shapes it was built with (the same layers, so
        # the same weights).
        shapes = (model.get_build_config() or {}).get("input_shape") if model.built else None
        if shapes is None:
            _refuse(
                result_dir, "a subclassed model that was never built: call it once on keras.Input"
            )
        several = isinstance(shapes[0], (list, tuple))
        fresh = (
            [keras.Input(shape=tuple(s[1:])) for s in shapes]
            if several
            else keras.Input(shape=tuple(shapes[1:]))
        )
        model = keras.Model(fresh, model.call(fresh), name=model.name)
    import json

    saved = json.loads(model.to_json())
    saved[TRACED_KEY] = _traced(model)
    config = os.path.join(result_dir, "config.json")
    with open(config + ".part", "w", encoding="utf-8") as file:
        file.write(json.dumps(saved))
    if save:
        model.save(os.path.join(result_dir, "model.keras"))
        _save_leaves(model, os.path.join(result_dir, "model.leaves.npz"))
    os.replace(config + ".part", config)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] == "1")
