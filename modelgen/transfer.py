"""Carry an existing model's weights into its converted code (`convert --weights`).

Needs TensorFlow: the original model is loaded, the converted code is built, each
layer's weights are copied across in Keras' graph order (the order `check` pairs
layers in), and the converted model saves them as `.weights.h5`, which the
generated `build_model(weights=...)` loads.
"""

from __future__ import annotations

import os
import runpy
import tempfile
from pathlib import Path

from .errors import UsageError
from .importer import ImportProblem


def weights_path(code_path: Path) -> Path:
    """`model.py` -> `model.weights.h5` (Keras wants that suffix)."""
    return code_path.with_name(code_path.name.removesuffix(".py") + ".weights.h5")


def _original(source: str):
    import keras

    from . import verify  # noqa: F401 - quiets TensorFlow's start-up before keras loads

    path = Path(source)
    if path.suffix == ".keras":
        return keras.saving.load_model(path, compile=False)
    if path.suffix == ".py":
        namespace = runpy.run_path(str(path), run_name="modelgen_weights_source")
        if "build_model" in namespace:
            return namespace["build_model"]()
        if "model" in namespace:
            return namespace["model"]
        raise ImportProblem(f"{source}: defines neither build_model() nor a module-level model")
    raise ImportProblem(
        f"{source}: a JSON config has no weights; convert the .keras file to carry them"
    )


def save_converted_weights(source: str, code: str, style: str, target: Path, force: bool) -> None:
    """Build `code`, give it the weights of the model in `source`, save them to `target`."""
    from .verify import build, layers_in_order

    if target.exists() and not force:
        raise UsageError(f"{target}: already exists (use --force to overwrite it)")
    original = _original(source)
    converted = build(code, style)
    inputs = list(original.inputs)
    pairs = zip(layers_in_order(original, inputs), layers_in_order(converted, inputs), strict=True)
    for (mine, _), (theirs, _) in pairs:
        theirs.set_weights(mine.get_weights())
    descriptor, temporary = tempfile.mkstemp(
        prefix=".modelgen-", suffix=".weights.h5", dir=target.parent
    )
    os.close(descriptor)
    try:
        converted.save_weights(temporary, overwrite=True)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
