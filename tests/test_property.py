"""Property: for random valid chains and DAGs, the static summary is the one Keras prints."""

from __future__ import annotations

from hypothesis import given, reject

from modelgen.errors import SpecError
from modelgen.generate import load

from .random_specs import keras_backed, specs
from .test_catalogue_keras import _keras, _static


def check_against_keras(spec: str, verify) -> None:
    try:
        load(spec, "case.mg")
    except SpecError:
        reject()  # the static checker refuses it; test_catalogue_keras proves refusals
    assert _static(spec) == _keras(spec, verify), spec


@keras_backed(200)
@given(spec=specs())
def test_static_summary_equals_keras_for_random_specs(spec, verify):
    check_against_keras(spec, verify)
