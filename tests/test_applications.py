"""Real architectures: keras.applications models import, regenerate and build the same model.

Each is built with weights=None (offline), its config imported into a spec, and the
spec regenerated as functional and subclassed code. Both must build the model the
original is: equal layer configs except names, equal parameter counts, equal
outputs on the same input once the original's weights are copied across.

The largest are marked slow: `python -m pytest -m 'not slow'` leaves them out of a quick run.
"""

from __future__ import annotations

import json

import pytest

from modelgen.generate import generate, load
from modelgen.importer import ImportProblem, spec_from_config

# name -> (input shape, slow): small inputs keep the build quick; every one is
# an input size the architecture accepts with weights=None.
APPLICATIONS = {
    "VGG16": ((32, 32, 3), False),
    "ResNet50": ((32, 32, 3), False),
    "ResNet50V2": ((32, 32, 3), True),
    "MobileNetV2": ((32, 32, 3), False),
    "DenseNet121": ((32, 32, 3), True),
    "InceptionV3": ((75, 75, 3), True),
    "Xception": ((71, 71, 3), False),
    "NASNetMobile": ((32, 32, 3), True),
    "MobileNetV3Small": ((32, 32, 3), False),
    "EfficientNetB0": ((32, 32, 3), True),
    "EfficientNetV2B0": ((32, 32, 3), True),
}
# Architectures outside the scope (a custom layer), and the error that says so.
REFUSED = {
    "ConvNeXtTiny": "is a custom layer",
}


def _case(name: str):
    shape, slow = APPLICATIONS[name]
    return pytest.param(name, shape, marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("name,shape", [_case(n) for n in APPLICATIONS])
def test_application_round_trips_in_functional_and_subclass(name, shape, verify):
    import keras

    keras.backend.clear_session()
    original = getattr(keras.applications, name)(weights=None, input_shape=shape)
    verify.randomize_weights(original)
    graph = load(spec_from_config(json.loads(original.to_json())), f"{name}.mg")
    for style in ("functional", "subclass"):
        rebuilt = verify.build(generate(graph, style), style)
        comparison = verify.compare(original, rebuilt)
        assert comparison.ok, (style, comparison.problems)
        assert rebuilt.count_params() == original.count_params()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_the_dsl_cannot_write_yet_is_refused_clearly(name, verify):
    import keras

    keras.backend.clear_session()
    model = getattr(keras.applications, name)(weights=None, input_shape=(32, 32, 3))
    with pytest.raises(ImportProblem, match=REFUSED[name]):
        spec_from_config(json.loads(model.to_json()))
