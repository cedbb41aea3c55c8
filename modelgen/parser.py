"""Stage 1, parse: spec text -> `ir.Spec` (the syntax IR).

The grammar lives in `grammar.lark` and is compiled once, as an LALR parser, by
lark. A lark `Transformer` turns the tree into frozen dataclasses that keep the line
and column of every name and value. Syntax errors become positioned diagnostics.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import re
import sys
from pathlib import Path

import lark
from lark import Lark, Token, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.visitors import Transformer_NonRecursive

from .errors import Diagnostic, SpecError
from .ir import (
    CallData,
    KeywordArgument,
    LayerStatement,
    ModelStatement,
    Name,
    OutputsStatement,
    Span,
    Spec,
    Statement,
    Value,
    ValueKind,
)

EXPR_FILENAME = "<expr>"
STDIN_FILENAME = "<stdin>"
DEFAULT_MODEL_NAME = "model"
MAX_TUPLE_DEPTH = 8  # (((1))) is plenty; deeper nesting is a mistake, not a shape

# How the terminals of grammar.lark read in a message.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "INT": "an integer",
    "FLOAT": "a number",
    "DIMS": "a shape such as 3x3",
    "QMARK": "'?'",
    "STRING": "a quoted string",
    "CALLEE": "a call such as l2(1e-4)",
    "COLON": "':'",
    "EQUAL": "'='",
    "COMMA": "','",
    "LPAR": "'('",
    "RPAR": "')'",
    "_SEP": "the end of the statement",
    "MODEL": "'model'",
    "OUTPUTS": "'outputs'",
    "$END": "the end of the input",
}


@functools.cache
def _lark() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        # Building the LALR tables is most of a cold parse; lark keeps them in a file
        # (checked against the grammar's hash) when it has a private place to put it.
        cache=_private_cache_file() or False,
    )


def _private_cache_file() -> str | None:
    """Where lark may keep the compiled grammar: a folder only this user can write, or None.

    lark's cache is a pickle, so it must never be read from a place others can write
    (lark's own default is the shared temp folder).
    """
    if os.environ.get("MODELGEN_NO_CACHE"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "modelgen"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return None
    except OSError:
        return None
    version = f"lark{lark.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
    return str(folder / f"grammar-{version}.lark-cache")


def default_model_name(filename: str) -> str:
    """The model name a spec gets without a `model` statement: its file's stem, made an identifier."""
    if filename in (EXPR_FILENAME, STDIN_FILENAME):
        return DEFAULT_MODEL_NAME
    stem = re.sub(r"\W", "_", Path(filename).stem)
    if not stem or not stem.isidentifier():
        stem = f"model_{stem}".rstrip("_") or DEFAULT_MODEL_NAME
    return stem


def parse(source: str, filename: str = EXPR_FILENAME) -> Spec:
    """Parse spec text into the syntax IR, or raise `SpecError` with every syntax error."""
    try:
        tree = _lark().parse(source)
    except UnexpectedInput as error:
        raise SpecError(filename, source, _syntax_errors(source, error)) from None
    transformer = _ToIR()
    statements = transformer.transform(tree)
    if transformer.errors:
        raise SpecError(filename, source, transformer.errors)
    return Spec(filename, source, tuple(statements), default_model_name(filename))


def source_lines(source: str) -> list[str]:
    """The lines as the grammar sees them: only '\n' ends a line."""
    return [line.removesuffix("\r") for line in source.split("\n")]


def _syntax_errors(source: str, first: UnexpectedInput) -> list[Diagnostic]:
    """Every line's problems: statements never span lines, so each line parses alone."""
    diagnostics = []
    for number, line in enumerate(source_lines(source), start=1):
        try:
            tree = _lark().parse(line)
        except UnexpectedInput as error:
            diagnostics.append(_diagnostic(error, line, number))
            continue
        transformer = _ToIR()  # a line that parses may still hold a bad literal
        transformer.transform(tree)
        diagnostics += [_on_line(d, number) for d in transformer.errors]
    if not diagnostics:  # cannot happen if lines parse alone; never lose the error
        number = first.line if isinstance(first.line, int) and first.line > 0 else 1
        diagnostics.append(_diagnostic(first, source_lines(source)[number - 1], number))
    return diagnostics


def _on_line(diagnostic: Diagnostic, number: int) -> Diagnostic:
    span = diagnostic.span
    return dataclasses.replace(diagnostic, span=Span(number, span.column, number, span.end_column))


def _diagnostic(error: UnexpectedInput, line: str, number: int) -> Diagnostic:
    column = error.column if isinstance(error.column, int) and error.column > 0 else len(line) + 1
    if isinstance(error, UnexpectedCharacters):
        return _character_error(line, number, column)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    if token.type == "$END":  # lark places it on the last token; point past the line
        column = len(line.rstrip()) + 1
        found, width = "end of the line", 1
    elif token.type in _TOKEN_NOUNS:
        found, width = f"{_TOKEN_NOUNS[token.type]} {str(token)!r}", len(token)
    elif token.type in ("MODEL", "OUTPUTS"):
        found, width = f"'{token}' (a keyword, only allowed first in a statement)", len(token)
    else:
        found, width = repr(str(token)), len(token)
    span = Span(number, column, number, column + max(width, 1))
    if token.type == "COLON":
        keyword = re.search(r"(?:^|\|)\s*(model|outputs)\s*$", line[: column - 1], re.I)
        if keyword:
            return Diagnostic(
                f"'{keyword.group(1)}' is a keyword and cannot be a label",
                span,
                "choose another label, e.g. 'net:'",
            )
    return Diagnostic(
        f"unexpected {found}", span, _TOKEN_HINTS.get(token.type) or _expected(error.expected)
    )


def _character_error(line: str, number: int, column: int) -> Diagnostic:
    char = line[column - 1] if column <= len(line) else ""
    rest = line[column - 1 :]
    if char.isdigit() or (char in ".?+-" and re.match(r"[+-]?[\d.?]", rest)):
        word = re.match(r"[+\-\w.?]+", rest).group()  # type: ignore[union-attr]
        return Diagnostic(
            f"malformed number or shape {word!r}",
            Span(number, column, number, column + len(word)),
            "numbers are written 10, -1, 0.5 or 1e-3; shapes 28x28, with ? for an unknown size",
        )
    before = line[column - 2] if column > 1 else ""
    return Diagnostic(
        f"unexpected character {char!r}",
        Span.point(number, column),
        _character_hint(char, before),
    )


# How a token reads after "unexpected"; the value terminals start an argument.
_TOKEN_NOUNS = {
    "INT": "integer",
    "FLOAT": "number",
    "DIMS": "shape",
    "QMARK": "unknown size",
    "STRING": "string",
    "NAME": "name",
}
_VALUE_TERMINALS = set(_TOKEN_NOUNS)
_TOKEN_HINTS = {
    "COMMA": "separate arguments with spaces; commas go between sources ('<- a, b'), outputs and tuple items",
    "EQUAL": "a keyword argument is written key=value with a name before '='",
    "COLON": "a label comes first and once: 'label: dense 10'",
}


def _expected(terminals: set[str]) -> str | None:
    words = set()
    if _VALUE_TERMINALS - {"NAME"} <= terminals:
        words.add("an argument")
        terminals = terminals - _VALUE_TERMINALS - {"LPAR"}
    words |= {_TERMINAL_WORDS.get(t, _literal(t)) for t in terminals}
    return f"expected {_join(sorted(words))}" if words else None


def _literal(terminal: str) -> str:
    names = {"__ANON_0": "'<-'", "LESSTHAN": "'<-'"}
    return names.get(terminal, terminal.lower())


def _join(words: list[str]) -> str:
    if len(words) <= 2:
        return " or ".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _character_hint(char: str, before: str) -> str | None:
    if char in "\"'":
        return "a string must end on the same line with the same quote"
    if char == "-" and (before.isalnum() or before == "_"):
        return "names are letters, digits and '_': write my_model, not my-model"
    if char == "-":
        return "sources are given with '<-', e.g. 'concatenate <- a, b'"
    if char == "<":
        return "sources are given with '<-' followed by label names"
    if char in ";,":
        return "separate statements with a new line or '|', arguments with spaces"
    return "names are letters, digits and '_'; shapes are written 28x28"


def _span(token: Token) -> Span:
    return Span(token.line, token.column, token.end_line, token.end_column)  # type: ignore[arg-type]


def _name(token: Token) -> Name:
    return Name(str(token), _span(token))


_WORD_CONSTANTS = {"true": True, "false": False, "none": None}


@v_args(inline=True)
class _ToIR(Transformer_NonRecursive):
    """lark tree -> syntax IR. Bad literals are collected in `errors`; parsing goes on."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[Diagnostic] = []

    def _bad(self, message: str, span: Span, text: str, hint: str | None = None) -> Value:
        self.errors.append(Diagnostic(message, span, hint))
        return Value(ValueKind.NONE, None, span, text)

    def start(self, *statements: Statement) -> list[Statement]:
        return list(statements)

    # ---------------------------------------------------------------- statements
    @v_args(meta=True, inline=True)
    def model_stmt(self, meta, name: Token) -> ModelStatement:
        return ModelStatement(_name(name), _meta_span(meta))

    @v_args(meta=True, inline=False)
    def outputs_stmt(self, meta, names: list[Token]) -> OutputsStatement:
        return OutputsStatement(tuple(_name(t) for t in names), _meta_span(meta))

    def label(self, name: Token) -> Name:
        return _name(name)

    def sources(self, *names: Token) -> tuple[Name, ...]:
        return tuple(_name(t) for t in names)

    def keyword_argument(self, key: Token, value: Value) -> KeywordArgument:
        return KeywordArgument(_name(key), value)

    @v_args(meta=True, inline=False)
    def layer_stmt(self, meta, children: list) -> LayerStatement:
        label = children.pop(0) if isinstance(children[0], Name) else None
        layer = _name(children.pop(0))
        sources = children.pop() if children and isinstance(children[-1], tuple) else None
        positional = tuple(c for c in children if isinstance(c, Value))
        keywords = tuple(c for c in children if isinstance(c, KeywordArgument))
        return LayerStatement(label, layer, positional, keywords, sources, _meta_span(meta))

    # -------------------------------------------------------------------- values
    def int(self, token: Token) -> Value:
        try:
            number = int(token)
        except ValueError:  # more digits than Python converts
            return self._bad("integer is too long", _span(token), str(token))
        return Value(ValueKind.INT, number, _span(token), str(token))

    def float(self, token: Token) -> Value:
        number = float(token)
        if not math.isfinite(number):
            return self._bad(f"number {token} is out of range", _span(token), str(token))
        return Value(ValueKind.FLOAT, number, _span(token), str(token))

    def dims(self, token: Token) -> Value:
        span = _span(token)
        items = tuple(
            Value(ValueKind.NONE, None, span, d)
            if d == "?"
            else Value(ValueKind.INT, int(d), span, d)
            for d in re.split("[xX]", str(token))
        )
        return Value(ValueKind.TUPLE, items, span, str(token))

    def string(self, token: Token) -> Value:
        import ast  # only quoted strings need it

        try:
            text = ast.literal_eval(str(token))
        except (ValueError, SyntaxError) as error:
            return self._bad(f"invalid string: {error.args[0]}", _span(token), str(token))
        return Value(ValueKind.STRING, text, _span(token), str(token))

    def word(self, token: Token) -> Value:
        lowered = str(token).lower()
        if lowered in _WORD_CONSTANTS:
            constant = _WORD_CONSTANTS[lowered]
            kind = ValueKind.NONE if constant is None else ValueKind.BOOL
            return Value(kind, constant, _span(token), str(token))
        return Value(ValueKind.WORD, str(token), _span(token), str(token))

    @v_args(meta=True, inline=False)
    def call(self, meta, children: list) -> Value:
        callee, *arguments = children
        span = _meta_span(meta)
        positional = tuple(a for a in arguments if isinstance(a, Value))
        keywords = tuple(a for a in arguments if isinstance(a, KeywordArgument))
        texts = [
            a.text if isinstance(a, Value) else f"{a.key.text}={a.value.text}" for a in arguments
        ]
        text = f"{callee[:-1]}({', '.join(texts)})"
        name = Name(
            str(callee)[:-1], Span(span.line, span.column, span.line, span.column + len(callee) - 1)
        )
        if (
            1 + max((_depth(a if isinstance(a, Value) else a.value) for a in arguments), default=0)
            > MAX_TUPLE_DEPTH
        ):
            return self._bad(
                f"values nest more than {MAX_TUPLE_DEPTH} deep", span, text, "flatten the value"
            )
        return Value(ValueKind.CALL, CallData(name, positional, keywords), span, text)

    @v_args(meta=True, inline=False)
    def tuple(self, meta, items: list[Value]) -> Value:
        span = _meta_span(meta)
        text = "(" + ", ".join(item.text for item in items) + ("," if len(items) == 1 else "") + ")"
        if 1 + max((_depth(item) for item in items), default=0) > MAX_TUPLE_DEPTH:
            return self._bad(
                f"tuples nest more than {MAX_TUPLE_DEPTH} deep", span, text, "flatten the tuple"
            )
        return Value(ValueKind.TUPLE, tuple(items), span, text)


def _depth(value: Value) -> int:
    if isinstance(value.data, CallData):
        items = [*value.data.positional, *(k.value for k in value.data.keywords)]
    elif value.kind is ValueKind.TUPLE:
        items = list(value.data)  # type: ignore[arg-type]
    else:
        return 0
    return 1 + max((_depth(item) for item in items), default=0)


def _meta_span(meta) -> Span:
    return Span(meta.line, meta.column, meta.end_line, meta.end_column)
