"""Fuzzing: whatever text comes in, modelgen answers with a spec or with its own errors.

Hypothesis strategies for malformed specs:

* `mutated_specs()`: a valid spec (an example, an accepted catalogue case or a random
  valid spec) with a few token-level mutations: tokens deleted, duplicated or swapped,
  characters, unicode or operators inserted, numbers made huge, negative or zero,
  names replaced by other layer and argument names, the text truncated;
* `odd_calls()`: every catalogue layer with odd but well-typed arguments, on inputs of
  any rank, so that the shape and parameter rules see what they rarely see;
* `grammar_soup()`: statements made of the DSL's own vocabulary in random order;
* `random_text()`: characters from the grammar's alphabet, with some unicode.

The property (`check`), through the library API: `load` either accepts the text or
raises a `SpecError` (never a KeyError, RecursionError, TypeError, ..., nor another
kind of modelgen error) whose every error is positioned on the text, shown with its
line and a caret, has a hint and no raw control character (`explained`). An accepted
spec generates in every style that does not refuse it, as a module that parses as
Python; a style that refuses it raises exactly its refusal; the summary prints.
`check_cli` asks the same of the `modelgen` command: exit code 0 with the module
written, or 2 with a positioned error (or one `modelgen: error:` line), no traceback.

`python -m tests.fuzz --examples 20000` runs the long campaign (library API).
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from modelgen import catalogue
from modelgen.argtypes import ACTIVATION_NAMES, DTYPE_NAMES, ArgType, ArgumentTypeError
from modelgen.errors import SpecError, visible
from modelgen.generate import generate, load
from modelgen.lines import source_lines
from modelgen.parser import parse
from modelgen.styles import STYLES
from modelgen.summary import summarize

from .bad_specs import modelgen_command

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- seeds


def seed_specs() -> list[str]:
    """Valid specs to mutate: every example and every accepted catalogue case."""
    from .catalogue_cases import ACCEPTED

    examples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*/*.mg"))]
    blocks = [
        "block basic filters stride=1\n  x: input\n  c: conv2d $filters 3x3 strides=$stride"
        " padding=same\n  y: conv2d $filters 1x1 strides=$stride <- x\n  add <- c, y\nend\n"
        "input 8x8x3\nbasic 4 * 2\nb: basic * [8] [8 stride=2]\ndense 3",
        "block pair a b=2\n  p: input\n  q: input\n  s: dense $a <- p\n  t: dense $b <- q\n"
        "  concatenate <- s, t\nend\n"
        "i: input 4\nj: input 5\npair 3 b=3 <- i, j",
    ]
    return examples + blocks + [spec for _, spec in ACCEPTED]


SEEDS = seed_specs()

# A spec as tokens: line ends, blanks, words and numbers, '<-', one character otherwise.
_TOKEN = re.compile(r"\n|[ \t]+|<-|\w+|.", re.S)
_NUMBER = re.compile(r"[+-]?\d[\w.]*")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


PARAMETER_NAMES = sorted({p.name for e in catalogue.ENTRIES for p in e.params})
WORDS = [
    *catalogue.keywords(),
    *PARAMETER_NAMES,
    *ACTIVATION_NAMES[:8],
    *DTYPE_NAMES[:4],
    "model", "outputs", "input", "true", "false", "none", "same", "valid",
    "he_normal", "l2", "max_norm", "variance_scaling", "fan_out",
    "keras", "layers", "self", "class", "__x", "build_model", "a", "b", "x",
    "block", "end", "$filters", "$x", "$", "basic",
]  # fmt: skip
NUMBERS = [
    "0", "-0", "-1", "1", "-5", "0.0", "-1.5", "1.0", "1e308", "1e309", "-1e309", "1e-400",
    "99999999999999999999", "9" * 400, "9" * 5000, "2147483648", "65536x65536x65536",
    "0x3", "3x0", "?x?", "?", "1" + "x1" * 40, "+3", ".5", "5.", "1e3", "1_000",
    "(" * 500 + "1" + ")" * 500, "l2(" * 500 + "1" + ")" * 500,
]  # fmt: skip
# In range, so that validation passes more often and the shape rules see odd values.
SMALL_VALUES = [
    "0", "1", "2", "3", "-1", "-2", "-3", "7", "100", "0.5", "1.5", "-0.5", "?", "none",
    "true", "1x1", "2x2", "0x2", "3x3x3", "(1, 2)", "(0, 0)", "(2,)", "()", "((1, 2), (3, 4))",
    "(1, -1)", "same", "valid", "causal", "channels_first", "l2(0.1)", "max_norm(2, axis=(0, 1))",
    "float16", "int32", "relu", "tanh", "sum", "nearest", "he_normal", "(0.5, 2)",
]  # fmt: skip
OPERATORS = ["<-", "|", ":", "=", ",", "(", ")", "#", "?", "x", "\n", " ", "'", '"', "\\", "-",
             ".", "\r", "Dense(", "layers.Conv2D(", "*", "* 2", "[", "]", "$", "\nend\n",
             "\nblock b n\n"]  # fmt: skip
UNICODE = ["é", "٣", "²", "ǅ", "\u00a0", "\u200b", "\r", "\x00", "\x0b", "\t", "ｄｅｎｓｅ", "😀",
           "\u2028", "\ufeff", "×", "\x0c", "\x1b[2J", "\x9b", "\u202e", "\x7f"]  # fmt: skip
ALPHABET = "abdeilnpstux_019 \t\n|#:=<-,()?\"'.+eExX" + "".join(UNICODE[:10])


# ----------------------------------------------------------------------- mutations


def _pick(draw, items: list[str], where=lambda token: True) -> int:
    """The index of a token that `where` accepts, or of any token if none does."""
    candidates = [i for i, token in enumerate(items) if where(token)] or list(range(len(items)))
    return draw(st.sampled_from(candidates))


def _replace(draw, items: list[str], where, choices: list[str]) -> list[str]:
    at = _pick(draw, items, where)
    return items[:at] + [draw(st.sampled_from(choices))] + items[at + 1 :]


def _delete(draw, items: list[str]) -> list[str]:
    at = _pick(draw, items)
    return items[:at] + items[at + 1 :]


def _duplicate(draw, items: list[str]) -> list[str]:
    at = _pick(draw, items)
    return items[: at + 1] + items[at:]


def _swap(draw, items: list[str]) -> list[str]:
    i, j = _pick(draw, items), _pick(draw, items)
    items = list(items)
    items[i], items[j] = items[j], items[i]
    return items


def _insert(draw, items: list[str]) -> list[str]:
    piece = st.one_of(
        st.sampled_from(OPERATORS),
        st.sampled_from(UNICODE),
        st.characters(),
        st.text(alphabet=ALPHABET, max_size=4),
    )
    at = draw(st.integers(0, len(items)))
    return items[:at] + [draw(piece)] + items[at:]


def _truncate(draw, items: list[str]) -> list[str]:
    return items[: _pick(draw, items)]


def _separator(draw, items: list[str]) -> list[str]:
    """A line end becomes '|', or a '|' a line end."""
    at = _pick(draw, items, lambda token: token in ("\n", "|"))
    return items[:at] + ["|" if items[at] == "\n" else "\n"] + items[at + 1 :]


def _number(draw, items: list[str]) -> list[str]:
    return _replace(draw, items, _NUMBER.fullmatch, NUMBERS)


def _word(draw, items: list[str]) -> list[str]:
    return _replace(draw, items, lambda token: token[:1].isalpha(), WORDS)


def _value(draw, items: list[str]) -> list[str]:
    return _replace(draw, items, _NUMBER.fullmatch, SMALL_VALUES)


def _keyword(draw, items: list[str]) -> list[str]:
    """A `key=value` at the end of a statement, with a parameter of that statement's layer."""
    ends = [i for i, token in enumerate(items) if token in ("\n", "|")] + [len(items)]
    at = draw(st.sampled_from(ends))
    start = max([i + 1 for i in ends if i < at], default=0)
    if "<-" in items[start:at]:  # sources come last
        at = items.index("<-", start)
    entries = [catalogue.lookup(t) for t in items[start:at] if catalogue.lookup(t)]
    names = [p.name for p in entries[0].params] if entries else PARAMETER_NAMES
    key, value = draw(st.sampled_from(names)), draw(st.sampled_from(SMALL_VALUES))
    return items[:at] + [f" {key}={value}"] + items[at:]


# The first four keep the grammar's shape, so that validation and shape rules see them.
VALUE_MUTATIONS = [_value, _keyword, _number, _word]
MUTATIONS = [*VALUE_MUTATIONS, _delete, _duplicate, _swap, _insert, _truncate, _separator]


@st.composite
def mutated_specs(draw, mutations=tuple(MUTATIONS)) -> str:
    """A valid spec with one to four `mutations`."""
    from .random_specs import specs

    seed = draw(st.one_of(st.sampled_from(SEEDS), specs()))
    items = tokens(seed)
    for _ in range(draw(st.integers(1, 4))):
        items = draw(st.sampled_from(mutations))(draw, items) if items else [seed]
    return "".join(items)


@st.composite
def grammar_soup(draw) -> str:
    """Statements made of the DSL's own words, numbers and operators, in any order."""
    piece = st.one_of(st.sampled_from(WORDS), st.sampled_from(NUMBERS), st.sampled_from(OPERATORS))
    statements = draw(st.lists(st.lists(piece, max_size=8), min_size=1, max_size=6))
    separator = draw(st.sampled_from(["\n", " | "]))
    return separator.join(" ".join(statement) for statement in statements)


@functools.cache
def _fitting(type_: ArgType) -> list[str]:
    """The SMALL_VALUES that `type_` accepts (or all of them, if none does)."""
    fits = []
    for text in SMALL_VALUES:
        (statement,) = parse(f"input {text}").statements
        try:
            type_.coerce(statement.positional[0])  # type: ignore[union-attr]
        except ArgumentTypeError:
            continue
        fits.append(text)
    return fits or SMALL_VALUES


@st.composite
def odd_calls(draw) -> str:
    """Any catalogue layer with odd but well-typed arguments, on inputs of any rank."""
    entry = draw(st.sampled_from([e for e in catalogue.ENTRIES if not e.is_input]))
    dims = st.lists(st.sampled_from(["?", "1", "2", "3", "5", "8"]), min_size=1, max_size=4)
    shapes = st.one_of(st.just("()"), dims.map("x".join))
    inputs = draw(st.integers(entry.min_inputs, entry.max_inputs or 3))
    lines = [f"i{n}: input {draw(shapes)}" for n in range(inputs)]
    words = [entry.keyword.lower()]
    if entry.is_wrapper:
        words.append(draw(st.sampled_from(["lstm 2", "dense 3", "conv1d 2 2", "flatten", "gru 1"])))
    chosen = draw(st.lists(st.sampled_from(entry.params), max_size=4, unique=True))
    for param in [p for p in entry.params if p.required or p in chosen]:
        words.append(f"{param.name}={draw(st.sampled_from(_fitting(param.type)))}")
    sources = ", ".join(f"i{n}" for n in range(inputs))
    return "\n".join([*lines, f"{' '.join(words)} <- {sources}"])


def random_text() -> st.SearchStrategy[str]:
    return st.text(alphabet=ALPHABET, max_size=60)


def fuzz_inputs() -> st.SearchStrategy[str]:
    return st.one_of(
        mutated_specs(),
        mutated_specs(tuple(VALUE_MUTATIONS)),
        odd_calls(),
        odd_calls(),
        grammar_soup(),
        random_text(),
    )


# ----------------------------------------------------------------------- properties


@dataclass
class Outcome:
    """What the library answered to one text: a refusal, or a module per style."""

    refusal: SpecError | None = None  # load's: the spec is not a model
    codes: dict[str, str] = field(default_factory=dict)  # style -> its module
    refused: dict[str, SpecError] = field(default_factory=dict)  # style -> why it cannot

    @property
    def kind(self) -> str:
        return "valid" if self.refusal is None else "error"


def check(text: str) -> Outcome:
    """The property (see the module docstring), asserted; anything but a `SpecError`
    from `load`, or a refused style's from `generate`, escapes as it is."""
    try:
        graph = load(text, "fuzz.mg")
    except SpecError as error:
        explained(error, text)
        return Outcome(refusal=error)
    outcome = Outcome()
    for name, style in STYLES.items():
        refusal = style.refusal(graph)
        if refusal is None:
            code = generate(graph, name)
            ast.parse(code)  # a SyntaxError escapes
            outcome.codes[name] = code
            continue
        try:
            generate(graph, name)
        except SpecError as error:
            assert error.diagnostics == [refusal], (name, error.format())
            explained(error, text)
            outcome.refused[name] = error
        else:
            raise AssertionError(f"{name} refuses the model but generated it: {refusal}")
    summary = summarize(graph)
    summary.table()
    summary.json()
    return outcome


def explained(error: SpecError, text: str) -> None:
    """A refusal prints, with no control character raw; every error in it is positioned
    on `text`, shown with its line and a caret, and says what to do about it."""
    shown = error.format()
    assert visible(shown, multiline=True) == shown, f"a raw control character: {shown!r}"
    assert error.diagnostics, "a SpecError with no error in it"
    lines = len(source_lines(text))
    for diagnostic in error.diagnostics:
        span = diagnostic.span
        assert 1 <= span.line <= lines and span.column >= 1, (span, diagnostic.message)
        assert diagnostic.hint, f"an error without a hint: {diagnostic.message}"
    first = error.diagnostics[0]
    head, source_line, caret, *_ = shown.split("\n") + ["", ""]
    assert head.startswith(f"fuzz.mg:{first.span.line}:{first.span.column}: error: "), shown
    assert source_line.startswith(f"{first.span.line:>5} | ") and "^" in caret, shown


def check_cli(text: str, folder: Path, style: str) -> None:
    """The `modelgen` command on `text`: exit 0 or 2, no traceback, no file on an error."""
    spec, target = folder / "fuzz.mg", folder / "out.py"
    spec.write_text(text, encoding="utf-8")
    target.unlink(missing_ok=True)
    result = subprocess.run(
        [modelgen_command(), "new", str(spec), "--style", style, "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 2), (text, result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, (text, result.stderr)
    assert visible(result.stderr, multiline=True) == result.stderr, (text, result.stderr)
    assert target.exists() == (result.returncode == 0), (text, result.stderr)
    if result.returncode == 0:
        ast.parse(target.read_text(encoding="utf-8"))
    else:  # the spec's positioned errors, or one line about the file
        said = re.match(
            rf"{re.escape(str(spec))}:\d+:\d+: error: |modelgen: error: ", result.stderr
        )
        assert said, (text, result.stderr)
    assert {p.name for p in folder.iterdir()} <= {spec.name, target.name}  # no temporary files


# ------------------------------------------------------------------------ campaign


def main() -> None:
    """The long campaign: `python -m tests.fuzz --examples N`."""
    import argparse

    from hypothesis import HealthCheck, Phase, given, settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=20000)
    arguments = parser.parse_args()

    outcomes: Counter[str] = Counter()
    unexpected: dict[tuple[str, str], str] = {}  # (exception, where) -> the first input

    @settings(
        max_examples=arguments.examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # failures are collected, not raised: nothing to shrink
        suppress_health_check=list(HealthCheck),
    )
    @given(text=fuzz_inputs())
    def campaign(text: str) -> None:
        try:
            outcomes[check(text).kind] += 1
        except Exception as error:  # the campaign reports every kind, and goes on
            outcomes["unexpected"] += 1
            frame = traceback.extract_tb(error.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            key = (type(error).__name__, where)
            if key not in unexpected:
                unexpected[key] = text
                print(f"UNEXPECTED {key[0]} at {where}: {error!r}\n  input: {text!r}", flush=True)

    start = time.monotonic()
    campaign()
    seconds = time.monotonic() - start
    total = sum(outcomes.values())
    print(
        f"{total} examples in {seconds:.0f} s: {outcomes['valid']} valid specs, "
        f"{outcomes['error']} refused with modelgen errors, "
        f"{outcomes['unexpected']} unexpected exceptions ({len(unexpected)} distinct)"
    )
    for (name, where), text in unexpected.items():
        print(f"  {name} at {where}: {text!r}")
    sys.exit(1 if unexpected else 0)


if __name__ == "__main__":
    main()
