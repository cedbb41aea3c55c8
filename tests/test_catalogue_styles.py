"""Every catalogue layer builds the same model in every style that can express it.

For each entry, the first Keras-backed case that uses it goes through `check`:
all applicable styles are generated, exec'd, built and compared (summary rows,
configs, outputs on shared weights).
"""

from __future__ import annotations

import pytest

from modelgen import catalogue
from modelgen.generate import load

from .catalogue_cases import ACCEPTED


def _first_case_per_entry() -> dict[str, str]:
    chosen: dict[str, str] = {}
    for _, spec in ACCEPTED:
        for node in load(spec, "case.mg").nodes:
            for entry in (node.entry, node.wrapped.entry if node.wrapped else None):
                if entry is not None and not entry.is_input:
                    chosen.setdefault(entry.keyword, spec)
    return chosen


CASES = _first_case_per_entry()


def test_every_layer_has_a_case():
    assert {e.keyword for e in catalogue.ENTRIES if not e.is_input} == set(CASES)


@pytest.mark.parametrize("keyword", sorted(CASES))
def test_every_style_builds_the_same_model(keyword, verify):
    report = verify.check_graph(load(CASES[keyword], "case.mg"))
    assert report.ok, f"{CASES[keyword]}\n{report.table()}"
