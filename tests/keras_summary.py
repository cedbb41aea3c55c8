"""What Keras' own summary says of a built model, to hold modelgen's static summary against.

Imports Keras (and so TensorFlow) when it is called: only tests that build models
(with the `verify` fixture) call it.
"""

from __future__ import annotations


def keras_summary(model) -> dict:  # noqa: ANN001 - a keras.Model
    """What Keras' summary says of a functional model, in the shape of `Summary.as_dict()`."""
    import keras
    import numpy as np

    def count(weights) -> int:  # noqa: ANN001
        return int(sum(int(np.prod(w.shape)) for w in weights))

    def size(weights) -> int:  # noqa: ANN001
        return int(sum(int(np.prod(w.shape)) * np.dtype(w.dtype).itemsize for w in weights))

    layers = []
    for layer in model.operations:  # the summary lists operations (x + 3.0) too
        sources = []
        for node in layer._inbound_nodes:  # the summary's own source of "Connected to"
            for tensor in keras.tree.flatten(node.input_tensors):
                sources.append(f"{tensor._keras_history.operation.name}[0][0]")
        layers.append(
            {
                "name": layer.name,
                "class": type(layer).__name__,
                "output_shape": list(layer.output.shape),
                "params": count(getattr(layer, "weights", [])),
                "trainable_params": count(getattr(layer, "trainable_weights", [])),
                "non_trainable_params": count(getattr(layer, "non_trainable_weights", [])),
                "connected_to": sources,
            }
        )
    return {
        "model": model.name,
        "layers": layers,
        "total_params": count(model.weights),
        "trainable_params": count(model.trainable_weights),
        "non_trainable_params": count(model.non_trainable_weights),
        "total_bytes": size(model.weights),
        "trainable_bytes": size(model.trainable_weights),
        "non_trainable_bytes": size(model.non_trainable_weights),
    }
