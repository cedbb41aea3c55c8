"""Large and deep input: big models generate, hostile sizes are refused with a position.

Each large model is generated in a thread, which has Python's default recursion limit
and a thread's stack: a recursive stage would fail here with a RecursionError. These
tests assert completion and the output, not time; `benchmarks/scaling.py` measures
time per layer from 10 to 10,000 layers.
"""

from __future__ import annotations

import ast
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest

from modelgen.errors import SpecError
from modelgen.generate import Generated, generate_all, load
from modelgen.parser import MAX_LINE_LENGTH, MAX_TUPLE_DEPTH
from modelgen.styles import STYLES
from modelgen.summary import summarize

from .large_specs import chain, residual_dag
from .test_cli import run

T = TypeVar("T")
DEFAULT_RECURSION_LIMIT = 1000  # CPython's default


def in_a_thread(work: Callable[[], T]) -> T:
    """`work()` in a new thread, with the default recursion limit; its result or its error.

    Some libraries in the test session raise the limit when imported (jedi, through
    IPython, sets 3000), so the default is put back for the duration of the work.
    """
    results: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(work())
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    raised = sys.getrecursionlimit()
    sys.setrecursionlimit(DEFAULT_RECURSION_LIMIT)
    try:
        thread.start()
        thread.join()
    finally:
        sys.setrecursionlimit(raised)
    if errors:
        raise errors[0]
    return results[0]


def generate_every_style(text: str) -> dict[str, Generated]:
    """Each style's result (its code, or the note saying why it cannot express the
    model), in registry order, after a summary."""
    graph = load(text, "large.mg")
    summarize(graph)
    return {result.style.name: result for result in generate_all(graph)}


@pytest.mark.slow
def test_a_10000_layer_chain_in_every_style() -> None:
    results = in_a_thread(lambda: generate_every_style(chain(10_001)))
    assert list(results) == list(STYLES)
    codes = {style: result.code or "" for style, result in results.items()}
    for style, code in codes.items():
        dense = [line for line in code.splitlines() if 'layers.Dense(8, activation="relu")' in line]
        assert len(dense) == 10_000, style
        ast.parse(code)
    subclass = codes["subclass"]
    assert "self.dense_9999 = layers.Dense(8" in subclass and "x = self.dense_9998(x)" in subclass


def test_a_2000_node_residual_dag_in_every_style_that_can_express_it() -> None:
    results = in_a_thread(lambda: generate_every_style(residual_dag(2_000)))
    assert list(results) == list(STYLES)
    codes = {style: result.code or "" for style, result in results.items()}
    expressed = [style for style, code in codes.items() if code]
    assert sorted(expressed) == ["functional", "subclass"]
    for style in [s for s in STYLES if s not in expressed]:  # a DAG: Sequential refuses it
        skipped = results[style].skipped
        assert results[style].code is None and skipped is not None, style
        assert skipped.message == f"skipped {style}: 'c1' merges 2 inputs", style
    blocks = (2_000 - 1) // 3
    for style in expressed:
        code = codes[style]
        assert (
            code.count("layers.Add(") == blocks
            and code.count("layers.Dense(") == 2_000 - 1 - blocks
        )
        ast.parse(code)
    assert (
        f'c{blocks} = layers.Add(name="c{blocks}")([a{blocks}, b{blocks}])' in codes["functional"]
    )


def test_a_10000_layer_cycle_is_found_without_recursion() -> None:
    lines = ["x: input 8", "a0: dense 8 <- x", "merge: add <- a0, a9999", "a1: dense 8 <- merge"]
    lines += [f"a{i}: dense 8 <- a{i - 1}" for i in range(2, 10_000)]
    with pytest.raises(SpecError) as info:
        in_a_thread(lambda: load("\n".join(lines), "cycle.mg"))
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.span.line == 3
    assert diagnostic.message == (
        "layers read each other in a cycle: 'merge' <- 'a9999' <- 'a9998' <- 'a9997' <- "
        "'a9996' <- 'a9995' <- 'a9994' <- 'a9993' <- 'a9992' <- ... <- 'a1' <- 'merge' "
        "(10000 layers)"
    )


# --------------------------------------------------------------------- hostile sizes


def test_a_line_longer_than_the_limit_is_refused_where_it_passes_the_limit() -> None:
    text = "input 8\ndense 2 " + "# " + "x" * 1_000_000
    with pytest.raises(SpecError) as info:
        load(text, "long.mg")
    (diagnostic,) = info.value.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (2, MAX_LINE_LENGTH + 1)
    assert "line 2 is 1,000,010 characters long" in diagnostic.message
    shown = info.value.format()
    assert len(shown) < 1_000 and shown.splitlines()[1].endswith("...")


def test_a_line_at_the_limit_is_fine() -> None:
    name = "n" * (MAX_LINE_LENGTH - len('input 8 | dense 2 name=""'))
    graph = load(f'input 8 | dense 2 name="{name}"', "limit.mg")
    assert name in generate_all(graph)[0].code


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("(" * 1_000 + "1" + ")" * 1_000, "tuples nest more than"),
        ("(" * (MAX_TUPLE_DEPTH + 1) + "1," + ")" * (MAX_TUPLE_DEPTH + 1), "tuples nest more than"),
        ("constant(" * 500 + "1" + ")" * 500, "nest more than"),
        ("(" * 4_000, "unexpected"),
    ],
    ids=["1000 deep", "one too deep", "calls 500 deep", "4000 unclosed"],
)
def test_deep_nesting_is_refused_with_a_position(value: str, message: str) -> None:
    text = f"input 8 | dense 2 kernel_initializer={value}"
    with pytest.raises(SpecError) as info:
        in_a_thread(lambda: load(text, "deep.mg"))
    first = info.value.diagnostics[0]
    assert first.span.line == 1 and first.span.column > len("input 8 | dense 2")
    assert message in first.message
    assert len(info.value.format()) < 20_000


def test_nesting_at_the_limit_is_fine() -> None:
    value = "(" * (MAX_TUPLE_DEPTH - 1) + "(1, 2)" + ")" * (MAX_TUPLE_DEPTH - 1)
    with pytest.raises(SpecError) as info:  # a well-formed value, of the wrong type
        load(f"input 12 | reshape {value}", "deep.mg")
    assert "nest" not in info.value.format() and "reshape" in info.value.format().lower()


@pytest.mark.parametrize(
    "text",
    [
        "input 8 | dense 2 # " + "x" * 1_000_000,
        "input 8 | reshape " + "(" * 4_000 + "1" + ")" * 4_000,
        "input 8 | reshape " + "(" * 100_000,
    ],
    ids=["1 MB line", "tuples 4000 deep", "100000 unclosed"],
)
def test_the_command_refuses_them_with_exit_2_and_no_traceback(tmp_path, text: str) -> None:
    spec = tmp_path / "hostile.mg"
    spec.write_text(text, encoding="utf-8")
    result = run("new", spec, "--style", "functional")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{spec}:1:") and "error:" in result.stderr.splitlines()[0]
    assert "Traceback" not in result.stderr and len(result.stderr) < 20_000
