"""Train model.py's model on data.py's data, save it as .keras and check the saved file.

    python train.py                              # synthetic data, this machine
    python train.py --data data.npz --epochs 20
    python train.py --strategy mirrored          # every GPU of this machine
    python train.py --strategy multiworker       # several machines: see README.md

It writes into --out (default runs/): checkpoint.keras (the epoch with the best
validation loss), history.csv (one row per epoch) and model.keras (the trained model,
which is loaded back and must predict what the trained model predicts).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

{% if cookiecutter.imports == "tensorflow" %}
import numpy as np
import tensorflow as tf
from tensorflow import keras
{% else %}
import keras
import numpy as np
import tensorflow as tf
{% endif %}

import data
from model import build_model  # importing model.py also registers a subclassed model with Keras

# A bigger cluster is a different flag, not different code.
STRATEGIES = {
    "default": tf.distribute.get_strategy,  # this process's one device
    "mirrored": tf.distribute.MirroredStrategy,  # every GPU of this machine, else its CPU
    # The machines TF_CONFIG lists. Keras 3 (3.15 at least) cannot yet fit() across more
    # than one worker: keras-team/keras#20585, see README.md.
    "multiworker": tf.distribute.MultiWorkerMirroredStrategy,
}


@dataclass
class Result:
    model: keras.Model
    scores: dict[str, float]  # on the held-out test samples
    saved: Path


def single(items: list):
    """Keras wants one array, not a list of one, for a model with one input or output."""
    return items[0] if len(items) == 1 else items


def split(inputs: list, targets: list, seed: int) -> list[tuple[list, list]]:
    """Shuffled training, validation and test parts: 80%, 10% and 10%, at least one sample each."""
    order = np.random.default_rng(seed).permutation(len(inputs[0]))
    held = max(1, len(order) // 10)
    parts = order[2 * held :], order[:held], order[held : 2 * held]
    return [([a[p] for a in inputs], [a[p] for a in targets]) for p in parts]


def loss_and_metric(output: data.Array, target: np.ndarray) -> tuple[str, str]:
    """Chosen by the output's final activation and by how its targets are written."""
    if output.kind == "classes":
        labels = target.ndim == len(output.shape)  # one axis fewer than the probabilities
        return ("sparse_" if labels else "") + "categorical_crossentropy", "accuracy"
    if output.kind == "binary":
        return "binary_crossentropy", "accuracy"
    return "mean_squared_error", "mean_absolute_error"


def train(
    epochs: int = 10,
    batch_size: int = 32,
    data_path: str | None = None,
    strategy_name: str = "default",
    out: Path = Path("runs"),
    samples: int = 256,
    seed: int = 0,
    patience: int = 3,
) -> Result:
    # First: a multi-worker strategy must start before TensorFlow does anything else.
    strategy = STRATEGIES[strategy_name]()
    if not strategy.extended.should_checkpoint:
        out = Path(tempfile.mkdtemp())  # a worker other than the chief: its files are thrown away
    out.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(seed)
    inputs, targets = data.load(data_path, samples, seed)
    (x, y), (x_val, y_val), (x_test, y_test) = split(inputs, targets, seed)

    with strategy.scope():
        model = build_model()
        losses, metrics = zip(*map(loss_and_metric, data.OUTPUTS, targets), strict=True)
        model.compile(
            optimizer="adam", loss=single(list(losses)), metrics=single([[m] for m in metrics])
        )
    callbacks = [
        keras.callbacks.ModelCheckpoint(str(out / "checkpoint.keras"), save_best_only=True),
        keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True),
        keras.callbacks.CSVLogger(str(out / "history.csv")),
    ]
    model.fit(
        single(x),
        single(y),
        validation_data=(single(x_val), single(y_val)),
        epochs=epochs,
        batch_size=batch_size,
        callbacks=callbacks,
        verbose=2,
    )
    scores = model.evaluate(
        single(x_test), single(y_test), batch_size=batch_size, return_dict=True, verbose=0
    )
    saved = out / "model.keras"
    model.save(saved)
    check_reload(model, saved, single(x_test))
    return Result(model, scores, saved)


def check_reload(model: keras.Model, path: Path, inputs) -> None:
    """The saved file must give the model back: the same predictions on the same inputs."""
    reloaded = keras.models.load_model(path)
    expected, got = model.predict(inputs, verbose=0), reloaded.predict(inputs, verbose=0)
    for want, have in zip(_as_list(expected), _as_list(got), strict=True):
        np.testing.assert_allclose(have, want, rtol=1e-5, atol=1e-6)


def _as_list(predictions) -> list:
    return list(predictions) if isinstance(predictions, (list, tuple)) else [predictions]


def main(argv: list[str] | None = None) -> Result:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32, help="across all devices")
    parser.add_argument(
        "--data",
        metavar="PATH.npz",
        help="arrays as `python data.py` lists them (default: synthetic)",
    )
    parser.add_argument(
        "--samples", type=int, default=256, help="synthetic samples, without --data"
    )
    parser.add_argument("--strategy", choices=STRATEGIES, default="default")
    parser.add_argument("--out", type=Path, default=Path("runs"), help="folder for what it writes")
    parser.add_argument("--patience", type=int, default=3, help="epochs without a better val_loss")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.data and not Path(args.data).is_file():
        parser.error(f"{args.data}: no such file")
    try:
        result = train(
            args.epochs,
            args.batch_size,
            args.data,
            args.strategy,
            args.out,
            args.samples,
            args.seed,
            args.patience,
        )
    except data.DataError as error:
        parser.exit(2, f"train.py: error: {error}\n")
    print("test:", ", ".join(f"{name} {value:.4f}" for name, value in result.scores.items()))
    print(f"saved {result.saved}; loaded back, it predicts what the trained model predicts")
    return result


if __name__ == "__main__":
    main()
