"""A spec's two summaries, to hold one against the other: modelgen's static summary and
the one Keras reports for the model that the functional code builds, each without what
only one of them can know (the spec's line numbers, the model's name).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from modelgen.generate import generate, load
from modelgen.summary import summarize

from .keras_summary import keras_summary


def static_summary(spec: str) -> dict[str, Any]:
    """modelgen's summary of `spec`, computed without TensorFlow."""
    summary = summarize(load(spec, "case.mg")).as_dict()
    for row in summary["layers"]:
        del row["line"]
    summary["model"] = "case"
    return summary


def built_summary(spec: str, verify: ModuleType) -> dict[str, Any]:
    """What Keras says of the model `spec`'s functional code builds (`verify` is the
    fixture: modelgen.verify, which imports TensorFlow)."""
    import keras

    keras.backend.clear_session()  # fresh automatic names, as in a new process
    model = verify.build(generate(load(spec, "case.mg"), "functional"), "functional")
    summary = keras_summary(model)
    summary["model"] = "case"
    return summary
