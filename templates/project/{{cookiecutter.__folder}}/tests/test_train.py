"""One epoch on synthetic data: train, evaluate, save, reload and compare, on one device and mirrored."""

import csv
import math

import pytest
import tensorflow as tf

import train
from model import build_model


@pytest.fixture(scope="module", params=["default", "mirrored"])
def trained(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param)
    result = train.main(
        ["--epochs", "1", "--samples", "64", "--batch-size", "16",
         "--strategy", request.param, "--out", str(out)]
    )  # fmt: skip
    return request.param, out, result


def test_one_epoch_trains_saves_and_reloads(trained):
    strategy, out, result = trained
    mirrored = isinstance(result.model.distribute_strategy, tf.distribute.MirroredStrategy)
    assert mirrored == (strategy == "mirrored")
    with open(out / "history.csv", newline="") as handle:
        epochs = list(csv.DictReader(handle))
    assert len(epochs) == 1 and "val_loss" in epochs[0]
    assert (out / "checkpoint.keras").is_file() and result.saved == out / "model.keras"
    assert result.scores and all(math.isfinite(value) for value in result.scores.values())


def test_the_reload_check_fails_for_another_model(trained):
    _, _, result = trained
    inputs, _ = train.data.synthetic(4)
    with pytest.raises(AssertionError):
        train.check_reload(build_model(), result.saved, train.single(inputs))
