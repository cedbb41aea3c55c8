"""The subprocess side of `modelgen import FILE.py`: run FILE as `python FILE` would.

Started by `modelgen.pyrunner` as `python -P pyrunner_child.py FILE RESULT_DIR SAVE`,
so that neither the current folder nor this file's folder is on `sys.path`; FILE's
own folder goes first, as `python FILE` puts it. FILE runs under the module name
`modelgen_imported` (its `if __name__ == "__main__":` block does not run), then
`build_model()` or its module-level `model` is taken and its config written to
RESULT_DIR/config.json; with SAVE=1 the model itself (its weights) is saved to
RESULT_DIR/model.keras, from the same run. A refusal is written to
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
    config = os.path.join(result_dir, "config.json")
    with open(config + ".part", "w", encoding="utf-8") as file:
        file.write(model.to_json())
    if save:
        model.save(os.path.join(result_dir, "model.keras"))
    os.replace(config + ".part", config)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] == "1")
