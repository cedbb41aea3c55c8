"""data.py makes and loads arrays that fit the model."""

import numpy as np
import pytest

import data
from model import build_model
from train import single


def test_synthetic_data_fits_the_model():
    inputs, targets = data.synthetic(4)
    predictions = build_model().predict(single(inputs), verbose=0)
    predictions = predictions if isinstance(predictions, list) else [predictions]
    for output, target, prediction in zip(data.OUTPUTS, targets, predictions, strict=True):
        labels = output.kind == "classes"  # class labels: one axis fewer than the probabilities
        assert target.shape == (prediction.shape[:-1] if labels else prediction.shape)
        if labels:
            assert target.min() >= 0 and target.max() < output.high
        elif output.kind == "binary":
            assert set(np.unique(target)) <= {0.0, 1.0}


def test_npz_round_trip(tmp_path):
    inputs, targets = data.synthetic(8, seed=1)
    data.save_npz(tmp_path / "data.npz", inputs, targets)
    loaded_inputs, loaded_targets = data.load(tmp_path / "data.npz")
    for want, got in zip(inputs + targets, loaded_inputs + loaded_targets, strict=True):
        np.testing.assert_array_equal(got, want)


def test_npz_without_an_array_is_refused_by_name(tmp_path):
    inputs, targets = data.synthetic(8)
    named = {a.name: v for a, v in zip(data.INPUTS + data.OUTPUTS, inputs + targets, strict=True)}
    missing = data.OUTPUTS[-1].name
    del named[missing]
    np.savez(tmp_path / "data.npz", **named)
    with pytest.raises(data.DataError, match=f"no array named {missing}"):
        data.load(tmp_path / "data.npz")


def test_npz_of_the_wrong_shape_is_refused(tmp_path):
    inputs, targets = data.synthetic(8)
    inputs[0] = inputs[0][..., None]
    data.save_npz(tmp_path / "data.npz", inputs, targets)
    with pytest.raises(data.DataError, match=f"{data.INPUTS[0].name} is"):
        data.load(tmp_path / "data.npz")
