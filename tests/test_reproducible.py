"""The same spec gives the same bytes: in any process, under any hash seed, and whatever
order its key=value arguments are written in. The black version is pinned, since the
golden files depend on its exact output."""

from __future__ import annotations

import importlib.metadata
import itertools
import json
import random
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable

import pytest

from modelgen.generate import generate_all, load
from modelgen.ir import KeywordArgument, LayerStatement, Span, Value, ValueKind
from modelgen.lines import source_lines
from modelgen.parser import parse
from modelgen.render import IMPORT_FLAVOURS
from modelgen.styles import STYLES

from .catalogue_cases import ACCEPTED
from .goldens import ROOT, example_specs
from .large_specs import residual_dag

# Every example, and a 300-node DAG, in every style and import flavour, as one JSON text.
EVERY_OUTPUT = """
import json, sys
from modelgen.generate import generate_all, load
from modelgen.render import IMPORT_FLAVOURS
from tests.large_specs import residual_dag
specs = [(path, open(path, encoding="utf-8").read()) for path in sys.argv[1:]]
outputs = {}
for name, text in specs + [("dag_300.mg", residual_dag(300))]:
    graph = load(text, name)
    for imports in IMPORT_FLAVOURS:
        for result in generate_all(graph, imports):
            outputs[f"{name} {result.style.name} {imports}"] = result.code or str(result.skipped)
sys.stdout.write(json.dumps(outputs, sort_keys=True))
"""


def test_every_style_is_byte_identical_across_processes_and_hash_seeds() -> None:
    specs = [str(path) for path in example_specs()]
    runs = {
        seed: subprocess.run(
            [sys.executable, "-c", EVERY_OUTPUT, *specs],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": "", "MODELGEN_NO_CACHE": "1"},
        ).stdout
        for seed in ("0", "1", "12345", "random")
    }
    assert len(set(runs.values())) == 1, "the output depends on the hash seed"
    outputs = json.loads(runs["random"])
    assert sorted(outputs) == sorted(
        f"{name} {style} {imports}"
        for name in [*specs, "dag_300.mg"]
        for style in STYLES
        for imports in IMPORT_FLAVOURS
    )
    in_process = [(path, open(path, encoding="utf-8").read()) for path in specs]
    for name, text in in_process + [("dag_300.mg", residual_dag(300))]:  # nor on this process
        for result in generate_all(load(text, name)):
            assert outputs[f"{name} {result.style.name} keras"] == (
                result.code or str(result.skipped)
            )


# ---------------------------------------------------------------- key=value order


def _keyword_groups(text: str) -> list[list[Span]]:
    """The spans of the key=value settings of each call, then of the key=value arguments
    of each statement: reordering a group moves no other group's place in this list."""
    groups: list[list[Span]] = []
    statement_groups = []

    def calls(value: Value) -> None:
        if value.kind is ValueKind.CALL:
            groups.append([k.span for k in value.data.keywords])  # type: ignore[union-attr]
            for item in (*value.data.positional, *(k.value for k in value.data.keywords)):  # type: ignore[union-attr]
                calls(item)
        elif value.kind is ValueKind.TUPLE:
            for item in value.data:  # type: ignore[union-attr]
                calls(item)

    for statement in parse(text).statements:
        if isinstance(statement, LayerStatement):
            statement_groups.append([k.span for k in statement.keywords])
            for argument in (*statement.positional, *statement.keywords):
                calls(argument.value if isinstance(argument, KeywordArgument) else argument)
    return [group for group in groups + statement_groups if len(group) > 1]


def _rearranged(text: str, group: list[Span], order: list[int]) -> str:
    """`text` with the arguments at `group` (one line, left to right) put in `order`."""
    lines = source_lines(text)
    line = lines[group[0].line - 1]
    pieces = [line[span.column - 1 : span.end_column - 1] for span in group]
    for slot, source in sorted(zip(group, order, strict=True), key=lambda p: -p[0].column):
        line = line[: slot.column - 1] + pieces[source] + line[slot.end_column - 1 :]
    lines[group[0].line - 1] = line
    return "\n".join(lines)


def reorderings(text: str) -> list[str]:
    """`text` with the key=value arguments of each statement and call reversed, rotated
    and shuffled (one group at a time, so that the spans still hold)."""
    variants = []
    orders: list[Callable[[int], list[int]]] = [
        lambda n: list(reversed(range(n))),
        lambda n: [*range(1, n), 0],
        lambda n: random.Random(n).sample(range(n), n),
    ]
    for make_order in orders:
        variant = text
        for index in itertools.count():
            groups = _keyword_groups(variant)
            if index >= len(groups):
                break
            variant = _rearranged(variant, groups[index], make_order(len(groups[index])))
        if variant != text:
            variants.append(variant)
    return variants


def _with_keywords() -> list[tuple[str, str]]:
    examples = [(p.name, p.read_text(encoding="utf-8")) for p in example_specs()]
    cases = [(f"{family}.mg", spec) for family, spec in ACCEPTED]
    return [(name, text) for name, text in examples + cases if _keyword_groups(text)]


WITH_KEYWORDS = _with_keywords()


def test_the_reordering_moves_arguments() -> None:
    text = "input 8 | dense 4 use_bias=false kernel_initializer=he_normal(seed=3) name=d"
    assert reorderings(text)[0] == (
        "input 8 | dense 4 name=d kernel_initializer=he_normal(seed=3) use_bias=false"
    )
    call = "input 8 | dense 4 kernel_initializer=variance_scaling(mode=fan_out, scale=2.0)"
    assert "variance_scaling(scale=2.0, mode=fan_out)" in reorderings(call)[0]
    assert len(WITH_KEYWORDS) >= 50


@pytest.mark.parametrize(("name", "text"), WITH_KEYWORDS, ids=[n for n, _ in WITH_KEYWORDS])
def test_the_order_of_key_value_arguments_changes_nothing(name: str, text: str) -> None:
    expected = [(r.style.name, r.code) for r in generate_all(load(text, name))]
    variants = reorderings(text)
    assert variants
    for variant in variants:
        assert [(r.style.name, r.code) for r in generate_all(load(variant, name))] == expected, (
            variant
        )


# ------------------------------------------------------------------------- black


def test_black_is_pinned_and_installed_at_the_pin() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pins = [d for d in tomllib.loads(pyproject)["project"]["dependencies"] if d.startswith("black")]
    assert len(pins) == 1 and re.fullmatch(r"black==[\d.]+", pins[0]), pins
    assert importlib.metadata.version("black") == pins[0].removeprefix("black==")
    comment = pyproject[: pyproject.index(f'"{pins[0]}"')].rsplit("\n\n", 1)[-1]
    assert "golden files" in comment and "python -m tests.regen" in comment
