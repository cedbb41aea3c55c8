"""Every catalogue layer builds the same model in every style that can express it.

For each entry, the first Keras-backed case that uses it goes through `check`:
every registered style that can express it is generated, exec'd, built and
compared (summary rows, configs, outputs on shared weights); the others say why not.
"""

from __future__ import annotations

import pytest

from modelgen import catalogue
from modelgen.generate import load
from modelgen.styles import STYLES

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
    graph = load(CASES[keyword], "case.mg")
    report = verify.check_graph(graph)
    assert report.ok, f"{CASES[keyword]}\n{report.table()}"
    # every registered style was built and compared, or skipped because it refuses the model
    assert set(report.comparisons) | set(report.skipped) == set(STYLES)
    assert not set(report.comparisons) & set(report.skipped)
    for name, style in STYLES.items():
        note = style.skipped(graph)
        assert report.skipped.get(name) == (note.message if note else None), name
