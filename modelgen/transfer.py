"""Carry an existing model's weights into its converted code (`convert --weights`).

Needs TensorFlow: the original model is loaded (a .py file's model comes saved from
the one run that gave its config, see `modelgen.pyrunner`), the converted code is built, each
layer's weights are copied across in Keras' graph order (the order `check` pairs
layers in), and the converted model saves them as `.weights.h5`, which the
generated `build_model(weights=...)` loads. They are saved in a folder of the
command's own; `modelgen.writing` then puts them in place together with the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .importer import ImportProblem
from .importer.sources import leaves_path

if TYPE_CHECKING:  # imported where it is used: loading Keras loads TensorFlow
    import keras


def weights_path(code_path: Path) -> Path:
    """`model.py` -> `model.weights.h5` (Keras wants that suffix)."""
    return code_path.with_name(code_path.name.removesuffix(".py") + ".weights.h5")


def _original(path: Path, source: str) -> keras.Model:
    """The model whose weights are carried: `path` is a .keras file (the user's, or the
    one the run of their .py file saved); `source` is what the user named, for messages."""
    if path.suffix == ".json":
        raise ImportProblem(
            f"{source}: a JSON config has no weights; convert the .keras file to carry them"
        )
    if path.suffix != ".keras":  # a .py file's model comes saved from its run (read_config)
        raise ImportProblem(f"{source}: the weights are read from a .keras file")
    import keras

    from . import verify  # noqa: F401 - quiets TensorFlow's start-up before keras loads

    try:
        return keras.saving.load_model(path, compile=False)
    except Exception as error:  # noqa: BLE001 - Keras raises many kinds; each is the file's fault
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        if len(reason) > 300:  # Keras quotes the whole config
            reason = reason[:300] + "..."
        raise ImportProblem(
            f"{source}: Keras cannot load the model for its weights: {reason}"
        ) from None


def _leaf_layers(model: keras.Model) -> list:
    """The layers holding `model`'s weights in graph order, a block's as its call runs
    them (the order `pyrunner_child` saves a custom layer's weights in)."""
    import keras

    from .verify import layers_in_order

    try:
        inputs = list(model.inputs)
    except AttributeError:  # a subclassed model: inputs of the shapes it was built with
        shapes = model.get_build_config()["input_shape"]
        several = isinstance(shapes[0], (list, tuple))
        inputs = [keras.Input(shape=tuple(s[1:])) for s in (shapes if several else [shapes])]
    found = []
    for layer, _ in layers_in_order(model, inputs):
        if not isinstance(layer, keras.layers.Layer):
            continue
        if type(layer).__module__.startswith("keras"):
            found.append(layer)
            continue
        tensors = keras.tree.flatten(layer._inbound_nodes[0].input_tensors)
        fresh = [keras.Input(shape=tuple(t.shape[1:]), dtype=t.dtype) for t in tensors]
        found += _leaf_layers(keras.Model(fresh, layer.call(fresh if len(fresh) > 1 else fresh[0])))
    return found


def _carry_leaves(leaves: Path, converted: keras.Model, saved: Path, source: str) -> None:
    import numpy

    with numpy.load(leaves) as archive:
        arrays = [archive[f"arr_{i}"] for i in range(len(archive.files))]
    layers = _leaf_layers(converted)
    at = 0
    for layer in layers:
        count = int(arrays[at]) if at < len(arrays) else -1
        weights = arrays[at + 1 : at + 1 + count]
        at += 1 + max(count, 0)
        try:
            if count != len(layer.get_weights()):
                raise ValueError(f"{max(count, 0)} weights for {len(layer.get_weights())}")
            layer.set_weights(weights)
        except ValueError as error:
            raise ImportProblem(
                f"{source}: the weights do not fit the converted layer {layer.name!r} ({error})"
            ) from None
    if at != len(arrays):
        raise ImportProblem(
            f"{source}: the model holds weights the converted code has no place for"
        )
    converted.save_weights(str(saved))


def save_converted_weights(
    model_file: str, code: str, style: str, saved: Path, source: str | None = None
) -> None:
    """Build `code`, give it the weights of the model in `model_file` (a .keras file),
    save them to `saved` (a new file whose name ends in .weights.h5, as Keras wants).
    `source`: the file the user named, if not `model_file`."""
    import keras

    from .verify import build, layers_in_order

    source = source or model_file
    leaves = leaves_path(Path(model_file))
    if leaves.exists():  # custom layers, which only the .py file's code loads
        _carry_leaves(leaves, build(code, style), saved, source)
        return
    original = _original(Path(model_file), source)
    converted = build(code, style)
    inputs = list(original.inputs)
    # Layers only: an operation (`x / 127.5`, which Keras records as TrueDivide and the
    # code writes as keras.ops.divide) holds no weights, under either class name.
    mine_layers, their_layers = (
        [op for op, _ in layers_in_order(model, inputs) if isinstance(op, keras.layers.Layer)]
        for model in (original, converted)
    )
    for mine, theirs in zip(mine_layers, their_layers, strict=True):
        try:
            theirs.set_weights(mine.get_weights())
        except ValueError as error:  # the converted layer holds weights of other shapes
            raise ImportProblem(
                f"{source}: the weights of layer {mine.name!r} do not fit the converted code ({error})"
            ) from None
    converted.save_weights(str(saved))
