"""Stage 1, parse: spec text -> `ir.Spec` (the syntax IR).

The grammar lives in `grammar.lark` and is compiled once, as an LALR parser, by
lark. A lark `Transformer`, run by the parser as it reduces each rule (no tree is
built), makes frozen dataclasses that keep the line and column of every name and
value. It keeps no state: a bad literal becomes a `Refused` value that carries its
diagnostic, and the diagnostics are collected from the statements after parsing, so
that parses may run in several threads at once. Syntax errors (lark's) become
positioned diagnostics too.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import io
import keyword as python_keyword
import math
import re
import sys
import warnings
from pathlib import Path
from typing import cast

import lark
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .cache import CacheFolder, private_folder
from .errors import Diagnostic, SpecError
from .identifiers import as_identifier
from .ir import (
    BlockEnd,
    BlockHeader,
    BlockParameter,
    BlockStatement,
    CallData,
    KeywordArgument,
    LayerStatement,
    ModelStatement,
    Name,
    OutputsStatement,
    Repeat,
    Span,
    Spec,
    Stage,
    Statement,
    Value,
    ValueKind,
)
from .lines import spec_text

EXPR_FILENAME = "<expr>"
STDIN_FILENAME = "<stdin>"
DEFAULT_MODEL_NAME = "model"
MAX_TUPLE_DEPTH = 8  # (((1))) is plenty; deeper nesting is a mistake, not a shape
# A statement never needs more; a longer line is a mistake or an attack, and would fill
# the terminal with itself in every error message.
MAX_LINE_LENGTH = 10_000
# Well above the 10,000-layer chain tests/test_scale.py generates, and bounded: a
# 10,000-layer model takes about 10 s and 330 MB to generate, 50,000 about 100 s and 1.5 GB.
MAX_STATEMENTS = 50_000

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
    "BLOCK": "'block'",
    "END": "'end'",
    "PARAMETER": "a block parameter such as $filters",
    "STAR": "'*'",
    "LSQB": "'['",
    "RSQB": "']'",
    "$END": "the end of the input",
}


@functools.cache
def _lark() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    # Building the LALR tables is most of a cold parse, so the built parser is kept in
    # the private cache folder. It is a pickle: modelgen reads the entry itself, from a
    # descriptor checked to be this user's (modelgen/cache.py), and unpickles it only
    # if it was saved under this key, never a path lark would open and unpickle.
    key = _lark_key(grammar)
    folder = private_folder()
    if folder is None:
        return _build_lark(grammar)
    with folder:
        parser = _cached_lark(folder, key)
        if parser is None:
            parser = _build_lark(grammar)
            saved = io.BytesIO()
            saved.write(key + b"\n")
            parser.save(saved)
            folder.write(_LARK_CACHE_ENTRY, saved.getvalue())
    return parser


def _build_lark(grammar: str) -> Lark:
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        transformer=_ToIR(),  # saved with the tables; it has no state
        maybe_placeholders=False,
    )


_LARK_CACHE_ENTRY = (
    f"grammar-lark{lark.__version__}-py{sys.version_info[0]}{sys.version_info[1]}.lark-cache"
)


def _lark_key(grammar: str) -> bytes:
    """What the saved parser is made from: the grammar, lark, Python, and this module
    (the options and the transformer). A saved parser under another key is not used."""
    made_of = (
        grammar.encode(),
        lark.__version__.encode(),
        sys.version.encode(),
        Path(__file__).read_bytes(),
    )
    return hashlib.sha256(b"\0".join(made_of)).hexdigest().encode()


def _cached_lark(folder: CacheFolder, key: bytes) -> Lark | None:
    """The parser saved under `key`, or None."""
    data = folder.read(_LARK_CACHE_ENTRY)
    if data is None:
        return None
    saved_key, _, pickled = data.partition(b"\n")
    if saved_key != key:  # stale, or not lark's: never unpickled
        return None
    try:
        return Lark.load(io.BytesIO(pickled))
    except Exception:  # a damaged entry of this user's (a crash, a disk error): rebuild
        return None


def default_model_name(filename: str) -> str:
    """The model name a spec gets without a `model` statement: its file's stem, made an identifier."""
    if filename in (EXPR_FILENAME, STDIN_FILENAME):
        return DEFAULT_MODEL_NAME
    stem = as_identifier(Path(filename).stem)
    if not stem or not stem.isidentifier():
        stem = f"model_{stem}".rstrip("_") or DEFAULT_MODEL_NAME
    return stem


def parse(source: str, filename: str = EXPR_FILENAME) -> Spec:
    """Parse spec text into the syntax IR, or raise `SpecError` with every syntax error.

    The text is read as `lines.spec_text` says (a leading BOM dropped, '\\r\\n', '\\r'
    and '\\n' end a line); the `Spec` and every error hold it so.
    """
    text = spec_text(source)
    lines = text.split("\n")
    problems = _text_problems(text, lines)
    if problems:
        raise SpecError(filename, text, problems)
    try:
        statements, errors = _statements(text, lines)
    except UnexpectedInput as error:
        raise SpecError(filename, text, _syntax_errors(lines, error)) from None
    if errors:
        raise SpecError(filename, text, errors)
    return Spec(filename, text, tuple(statements), default_model_name(filename))


def _text_problems(text: str, lines: list[str]) -> list[Diagnostic]:
    """What is wrong with the text before its grammar: lines too long, characters that
    look like a line end but are not one, too many statements."""
    too_long = [
        Diagnostic(
            f"line {number} is {len(line):,} characters long: a spec line has at most "
            f"{MAX_LINE_LENGTH:,}",
            Span(number, MAX_LINE_LENGTH + 1, number, len(line) + 1),
            "write one statement per line",
        )
        for number, line in enumerate(lines, start=1)
        if len(line) > MAX_LINE_LENGTH
    ]
    if too_long:
        return too_long
    if _NOT_TEXT.search(text):
        return [
            _not_text(match.group(), number, match.start() + 1)
            for number, line in enumerate(lines, start=1)
            for match in _NOT_TEXT.finditer(line)
        ]
    # Each statement ends at a line end or a '|': fewer of those, fewer statements.
    if text.count("\n") + text.count("|") < MAX_STATEMENTS:
        return []
    return _too_many_statements(lines)


# Characters a terminal or an editor shows as a line break although they do not end a
# line here, so that a statement after one in a comment would be seen and not read;
# and lone surrogates, which no UTF-8 text holds (a str from Python code may).
_NOT_TEXT = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029\ud800-\udfff]")
_LINE_BREAK_NAMES = {
    "\x0b": "a vertical tab",
    "\x0c": "a form feed",
    "\x1c": "a file separator",
    "\x1d": "a group separator",
    "\x1e": "a record separator",
    "\x85": "a next-line character",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}


def _not_text(char: str, number: int, column: int) -> Diagnostic:
    code = f"U+{ord(char):04X}"
    if char in _LINE_BREAK_NAMES:
        return Diagnostic(
            f"{_LINE_BREAK_NAMES[char]} ({code}) is not a line end in a spec",
            Span.point(number, column),
            "a line ends with a new line ('\\n', '\\r\\n' or '\\r'); this character may not "
            "stand anywhere, not even in a comment or a string",
        )
    return Diagnostic(
        f"{code} is a lone surrogate, which is not UTF-8 text",
        Span.point(number, column),
        "a spec is UTF-8 text: write the character itself",
    )


def _too_many_statements(lines: list[str]) -> list[Diagnostic]:
    seen = 0
    for number, line in enumerate(lines, start=1):
        for start, end in _statement_bounds(line):
            seen += 1
            if seen > MAX_STATEMENTS:
                return [
                    Diagnostic(
                        f"more than {MAX_STATEMENTS:,} statements: a spec holds at most "
                        f"{MAX_STATEMENTS:,}",
                        Span(number, start + 1, number, end + 1),
                        "split the model, or build it in Python: the limit keeps modelgen's "
                        "time and memory bounded",
                    )
                ]
    return []


# A string, a comment, or a '|' that ends a statement.
_STRING_COMMENT_OR_PIPE = re.compile(r'"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'|#.*|\|")


def _statement_bounds(line: str) -> list[tuple[int, int]]:
    """Where each statement of `line` starts and ends (0-based, without blanks or comment)."""
    bounds = []
    start = 0
    end = len(line)
    for match in _STRING_COMMENT_OR_PIPE.finditer(line):
        if match.group() == "|":
            bounds.append((start, match.start()))
            start = match.end()
        elif match.group().startswith("#"):
            end = match.start()
            break
    bounds.append((start, end))
    result = []
    for first, last in bounds:
        piece = line[first:last]
        if piece.strip():
            result.append((first + len(piece) - len(piece.lstrip()), first + len(piece.rstrip())))
    return result


def _statements(text: str, lines: list[str]) -> tuple[list[Statement], list[Diagnostic]]:
    """The statements of `text` (split into `lines`) and what is wrong in them, or lark's
    `UnexpectedInput`. The parser keeps no state of its own: a bad literal is a `Refused`
    value in the statements, found here after parsing, so parses may run side by side."""
    read, problems = _read_checked(text, lines)
    return _grouped(read, problems), problems


def _read_checked(text: str, lines: list[str]) -> tuple[list[_Read], list[Diagnostic]]:
    """What the grammar gives for `text`, blocks not yet grouped, and what is wrong in it."""
    read = _read(text)
    problems: list[Diagnostic] = []
    for statement in read:
        if isinstance(statement, BlockHeader):
            for parameter in statement.parameters:
                if parameter.default is not None and parameter.default.kind in _HOLDERS:
                    _refusals(parameter.default, problems)
        if isinstance(statement, LayerStatement):
            stages = statement.repeat.stages if statement.repeat else ()
            values = [
                *statement.positional,
                *(k.value for k in statement.keywords),
                *(v for stage in stages for v in stage.positional),
                *(k.value for stage in stages for k in stage.keywords),
            ]
            for value in values:
                if value.kind in _HOLDERS:  # most values are not: one test
                    _refusals(value, problems)
            python = _python_call(statement, lines)
            if python is not None:
                problems.append(python)
            spaced = _spaced_shape(statement)
            if spaced is not None:
                problems.append(spaced)
    return read, problems


_Read = Statement | BlockHeader | BlockEnd  # what the grammar gives, before blocks are grouped


def _grouped(read: list[_Read], problems: list[Diagnostic]) -> list[Statement]:
    """The statements with each block's body, from `block` to `end`, grouped in a
    `BlockStatement`; a misplaced `block`, `end` or `model` is a problem."""
    statements: list[Statement] = []
    header: BlockHeader | None = None
    body: list[Statement] = []
    # A block inside a block has an 'end' of its own, or the outer one lacks one: either
    # way, one 'end' too many is what the nesting, said already, leaves over.
    nested = 0
    for item in read:
        if isinstance(item, BlockHeader):
            if header is not None:
                nested += 1
                problems.append(
                    Diagnostic(
                        f"block {item.name.text!r} is inside block {header.name.text!r}, "
                        f"which has no 'end' before it",
                        item.span,
                        f"end block {header.name.text!r} with 'end' first: blocks are defined "
                        "at the top level, and may use each other",
                    )
                )
                continue
            header, body = item, []
        elif isinstance(item, BlockEnd):
            if header is None and nested:
                nested -= 1
                continue
            if header is None:
                problems.append(
                    Diagnostic(
                        "'end' without a block",
                        item.span,
                        "'end' closes the body of a 'block NAME ...'; remove it",
                    )
                )
                continue
            statements.append(
                BlockStatement(header.name, header.parameters, tuple(body), header.span, item.span)
            )
            header = None
        elif header is not None and isinstance(item, ModelStatement):
            problems.append(
                Diagnostic(
                    "'model' inside a block",
                    item.span,
                    "name the model once, at the top of the spec",
                )
            )
        elif header is not None:
            body.append(item)
        else:
            statements.append(item)
    if header is not None:
        problems.append(
            Diagnostic(
                f"block {header.name.text!r} has no 'end'",
                header.span,
                "end its body with a line 'end'",
            )
        )
    return statements


def _read(text: str) -> list[_Read]:
    """The statements of `text`, bad literals refused in place, or lark's `UnexpectedInput`."""
    # The transformer runs as the parser reduces, so what parse() gives is its list.
    return cast("list[_Read]", _lark().parse(text))


_HOLDERS = (ValueKind.NONE, ValueKind.TUPLE, ValueKind.CALL)  # the kinds a refusal can be in


def _refusals(value: Value, found: list[Diagnostic]) -> None:
    """Add to `found` why `value`, or a value in it, was refused: the parts of a value
    before the value, as the parser made them. A stack, not recursion: values may nest
    as deep as a line is long, refused every `MAX_TUPLE_DEPTH` levels."""
    stack: list[Value | Diagnostic] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Diagnostic):
            found.append(item)
        elif isinstance(item, Refused):
            stack.append(item.diagnostic)
            stack += reversed(item.parts)
        elif isinstance(item.data, tuple):
            stack += reversed(item.data)
        elif isinstance(item.data, CallData):
            stack += reversed([*item.data.positional, *(k.value for k in item.data.keywords)])


def _python_call(statement: LayerStatement, lines: list[str]) -> Diagnostic | None:
    """The error for `Dense(10)`: a name directly followed by "(" is a call, and a layer
    is not. `lines` are the text parsed, for the hint's DSL form."""
    if not statement.positional or not statement.positional[0].text.startswith("("):
        return None
    opened, layer = statement.positional[0].span, statement.layer
    if (opened.line, opened.column) != (layer.span.end_line, layer.span.end_column):
        return None
    span = statement.span
    written = lines[span.line - 1][span.column - 1 : span.end_column - 1]
    return Diagnostic(_PYTHON_MESSAGE.format(layer.text), span, _python_hint(written))


def _syntax_errors(lines: list[str], first: UnexpectedInput) -> list[Diagnostic]:
    """Every line's problems: statements never span lines, so each line parses alone.
    A block spans lines: its `block` and `end` lines are grouped once all are read (a
    line alone would be a block without `end`, or an `end` without a block), unless
    one of them is a line that does not parse."""
    diagnostics = []
    structure: list[_Read] = []  # the lines' `block`, `end` and `model`, on their lines
    grouped = True
    for number, line in enumerate(lines, start=1):
        try:
            read, errors = _read_checked(line, [line])  # it may hold a bad literal
        except UnexpectedInput as error:
            diagnostics.append(_diagnostic(error, line, number))
            grouped = grouped and not _BLOCK_OR_END.match(line)
            continue
        diagnostics += [_on_line(d, number) for d in errors]
        structure += [
            dataclasses.replace(item, span=_span_on_line(item.span, number))
            for item in read
            if isinstance(item, BlockHeader | BlockEnd | ModelStatement)
        ]
    if grouped:
        _grouped(structure, diagnostics)
    if not diagnostics:  # cannot happen if lines parse alone; never lose the error
        number = first.line if isinstance(first.line, int) and first.line > 0 else 1
        diagnostics.append(_diagnostic(first, lines[number - 1], number))
    return diagnostics


_BLOCK_OR_END = re.compile(r"\s*(?:block|end)\b", re.I)


def _on_line(diagnostic: Diagnostic, number: int) -> Diagnostic:
    return dataclasses.replace(diagnostic, span=_span_on_line(diagnostic.span, number))


def _span_on_line(span: Span, number: int) -> Span:
    return Span(number, span.column, number, span.end_column)


def _diagnostic(error: UnexpectedInput, line: str, number: int) -> Diagnostic:
    """The friendly error for lark's `error` on `line`, read from the line itself.

    Not lark's `match_examples`: it names a mistake by the parser state an example stops
    in, and that state counts the stack's depth, so `model:` does not name
    `input 3 | model:`, nor `dense units=` name `dense 2 units=` or `l2(l=)`; and when no
    example stops at the same token it answers with any example of that state, so
    `model:` names `model |` and `model 3` too. Each of the mistakes below would need
    an example for every depth and a check of the token after it."""
    column = error.column if isinstance(error.column, int) and error.column > 0 else len(line) + 1
    python = _python_statement(line, number, column)
    if python is not None:
        return python
    if isinstance(error, UnexpectedCharacters):
        return _character_error(line, number, column)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    if token.type == "$END":  # lark places it on the last token; point past the code
        column = len(_code(line).rstrip()) + 1
        found, width = "end of the line", 1
    elif token.type in _TOKEN_NOUNS:
        found, width = f"{_TOKEN_NOUNS[token.type]} {str(token)!r}", len(token)
    elif token.type in ("MODEL", "OUTPUTS"):
        found, width = f"'{token}' (a keyword, only allowed first in a statement)", len(token)
    else:
        found, width = repr(str(token)), len(token)
    span = Span(number, column, number, column + max(width, 1))
    if token.type == "COLON":
        dashed = re.search(r"(?:^|\|)\s*([^\W\d][\w-]*-[\w-]*)\s*$", line[: column - 1])
        if dashed:  # `hidden-1:` lexes as a name and the integer -1
            return Diagnostic(
                f"label {dashed.group(1)!r} has a '-'",
                Span(number, dashed.start(1) + 1, number, dashed.end(1) + 1),
                f"names are letters, digits and '_': write {dashed.group(1).replace('-', '_')}",
            )
        keyword = re.search(r"(?:^|\|)\s*(model|outputs|block|end)\s*$", line[: column - 1], re.I)
        if keyword:
            return Diagnostic(
                f"'{keyword.group(1)}' is a keyword and cannot be a label",
                span,
                "choose another label, e.g. 'net:'",
            )
    hint = None
    if token.type in ("$END", "_SEP"):
        hint = _unfinished(line[: column - 1], error.expected)
    elif token.type in _VALUE_TERMINALS and "<-" in _code(line[: column - 1]).rsplit("|", 1)[-1]:
        hint = "expected ',' between sources; arguments go before '<-', which ends the statement"
    return Diagnostic(
        f"unexpected {found}",
        span,
        hint
        or _TOKEN_HINTS.get(token.type)
        or _expected(error.expected, line[: column - 1])
        or "a statement is 'label: layer arguments <- sources'; see docs/dsl.md",
    )


# ---------------------------------------------------------------- Python, not the DSL

# A statement that starts as a Python layer call does: `Conv2D(`, `layers.Dense(`,
# `x = layers.Dense(64)(x)`, `model.add(...)`; a DSL label may come first.
_PYTHON_CALL = re.compile(
    r"(?P<label>[^\W\d]\w*\s*:\s*)?(?:[^\W\d]\w*\s*=\s*)?"
    r"(?P<callee>(?:[^\W\d]\w*\s*\.\s*)*[^\W\d]\w*)\("
)
_PYTHON_MESSAGE = "'{}(' is a Python call; in a spec, a layer's arguments follow its name"


def _python_statement(line: str, number: int, column: int) -> Diagnostic | None:
    """The error for Python written where a statement should be, if the statement
    holding `column` reads as one."""
    for start, end in _statement_bounds(line):
        if start < column <= end + 1:
            found = _PYTHON_CALL.match(line, start, end)
            if found is None:
                return None
            return Diagnostic(
                _PYTHON_MESSAGE.format(re.sub(r"\s+", "", found.group("callee"))),
                Span(number, start + 1, number, end + 1),
                _python_hint(line[start:end]),
            )
    return None


def _python_hint(statement: str) -> str:
    form = _python_form(statement)
    if form is not None:
        return f"write: {form}"
    layer = _python_layer(statement)
    layer = f"'{layer}'" if layer else "the layer's name"
    return (
        f"write {layer}, then its arguments separated by spaces, without parentheses or "
        "commas, as in 'conv2d 32 3x3 relu'; see docs/dsl.md"
    )


def _python_layer(statement: str) -> str | None:
    """The DSL keyword of the first Keras layer `statement` calls (not `model.add`), or None."""
    from . import catalogue  # only a spec written as Python needs it: ~28 ms a parse saves

    try:
        tree = ast.parse(statement.strip())
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        called = _PYTHON_CALL.match(statement.strip())
        names = re.split(r"[\s.]+", called.group("callee")) if called else []
        entry = catalogue.lookup(names[-1]) if names and names[-2:-1] != ["model"] else None
        return entry.keyword.lower() if entry else None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Attribute) and node.func.attr == "add"
        ):
            entry = catalogue.lookup(_last_name(node.func) or "")
            if entry is not None:
                return entry.keyword.lower()
    return None


def _python_form(statement: str) -> str | None:
    """The DSL statement that builds the layer a line of Keras Python builds, or None
    when it cannot be said for sure. `conv2d 32 3x3 relu` for
    `Conv2D(32, (3, 3), activation='relu')`, `h: dense 64 <- x` for
    `h = layers.Dense(64)(x)`; it always parses."""
    from . import catalogue  # as in _python_layer: only for a spec written as Python

    label_match = re.match(r"\s*([^\W\d]\w*)\s*:(?!=)", statement)
    label = label_match.group(1) if label_match else None
    if label is not None and python_keyword.iskeyword(label):  # `lambda: Dense(3)`
        return None
    code = statement[label_match.end() :] if label_match else statement
    try:
        body = ast.parse(code.strip()).body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    if len(body) != 1:
        return None
    node = body[0]
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if not isinstance(target, ast.Name) or label is not None:
            return None
        label, value = target.id, node.value
    elif isinstance(node, ast.Expr):
        value = node.value
    else:
        return None
    if isinstance(value, ast.Tuple) and len(value.elts) == 1:  # a line of a layer list
        value = value.elts[0]
    if (  # model.add(layers.Dense(10))
        isinstance(value, ast.Call)
        and _last_name(value.func) == "add"
        and len(value.args) == 1
        and not value.keywords
    ):
        value = value.args[0]
    sources: list[str] = []
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Call):  # Dense(10)(x)
        called = value.args[0] if len(value.args) == 1 and not value.keywords else None
        names = called.elts if isinstance(called, (ast.List, ast.Tuple)) else [called]
        sources = [n.id for n in names if isinstance(n, ast.Name)]
        if len(sources) != len(names):
            return None
        value = value.func
    if not isinstance(value, ast.Call):
        return None
    entry = catalogue.lookup(_last_name(value.func) or "")
    if entry is None or any(k.arg is None for k in value.keywords):
        return None
    params = entry.positional_params
    if len(value.args) > len(params):
        return None
    words = [entry.keyword.lower()]
    for argument in value.args:
        written = _dsl_value(argument)
        if written is None:
            return None
        words.append(written)
    filled = len(value.args)
    for keyword in value.keywords:
        text = _dsl_value(keyword.value)
        if text is None:
            return None
        if filled < len(params) and params[filled].name == keyword.arg:
            words.append(text)
            filled += 1
        elif keyword.arg == "activation" and isinstance(keyword.value, ast.Constant):
            words.append(text)  # a bare activation, as `conv2d 32 3x3 relu`
        else:
            words.append(f"{keyword.arg}={text}")
    form = " ".join(words)
    if label is not None and label not in sources:
        form = f"{label}: {form}"
    if sources:
        form += " <- " + ", ".join(sources)
    try:
        _, errors = _statements(form, [form])
    except UnexpectedInput:
        return None
    return None if errors else form


def _last_name(node: object) -> str | None:
    """`Dense` of `Dense`, `layers.Dense` or `keras.layers.Dense`."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _dsl_value(node: ast.expr) -> str | None:
    """How the Python expression `node` is written in a spec, or None."""
    if isinstance(node, ast.Call):  # keras.regularizers.L2(1e-4) -> l2(0.0001)
        name = _last_name(node.func)
        if name is None:
            return None
        parts = []
        for argument in node.args:
            text = _dsl_value(argument)
            if text is None:
                return None
            parts.append(text)
        for keyword in node.keywords:
            text = _dsl_value(keyword.value)
            if keyword.arg is None or text is None:
                return None
            parts.append(f"{keyword.arg}={text}")
        word = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
        return f"{word}({', '.join(parts)})"
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return _dsl_literal(value)


def _dsl_literal(value: object) -> str | None:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return repr(value)
    if isinstance(value, str):
        if re.fullmatch(r"[^\W\d]\w*", value) and value.lower() not in _WORD_CONSTANTS:
            return value
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (tuple, list)):
        if len(value) >= 2 and all(v is None or (type(v) is int and v > 0) for v in value):
            return "x".join("?" if v is None else str(v) for v in value)
        items = []
        for item in value:
            text = _dsl_literal(item)
            if text is None:
                return None
            items.append(text)
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    return None


# Strings first, so that a '(' or '#' inside one is not taken for code.
_STRING_PAREN_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'|[()]|#.*")


def _code(line: str) -> str:
    """The line without its comment."""
    for match in _STRING_PAREN_OR_COMMENT.finditer(line):
        if match.group().startswith("#"):
            return line[: match.start()]
    return line


def _unfinished(before: str, expected: set[str]) -> str | None:
    """A hint for a statement that stops too early, at the end of `before`: `key=`, `(1, 2`..."""
    statement = before.rsplit("|", 1)[-1].strip()
    key = re.search(r"([^\W\d]\w*)\s*=$", statement)
    if key:
        return f"expected a value for the argument '{key.group(1)}=', e.g. 'activation=relu'"
    unclosed = _unclosed(before)
    if unclosed is not None and "RPAR" in expected:
        return (
            f"expected ')' to close the '(' at column {unclosed + 1}, or ','; "
            "a statement never spans lines"
        )
    if statement == "outputs":
        return "expected a name: list the output labels, as in 'outputs a, b'"
    if statement == "model":
        return "expected a name, as in 'model mnist_mlp'"
    return None


def _unclosed(before: str) -> int | None:
    """The index of the last '(' in `before` that no ')' closes, or None."""
    opened: list[int] = []
    for match in _STRING_PAREN_OR_COMMENT.finditer(before):
        if match.group() == "(":
            opened.append(match.start())
        elif match.group() == ")" and opened:
            opened.pop()
    return opened[-1] if opened else None


def _leading(pattern: str, text: str) -> str:
    """What `pattern` matches at the start of `text`, or ''."""
    found = re.match(pattern, text)
    return found.group() if found else ""


def _character_error(line: str, number: int, column: int) -> Diagnostic:
    char = line[column - 1] if column <= len(line) else ""
    rest = line[column - 1 :]
    dotted = re.search(r"[^\W\d]\w*$", line[: column - 1])
    if char == "." and dotted and re.match(r"\.[^\W\d]", rest):  # keras.regularizers.L2
        name = _leading(r"[\w.]*", line[dotted.start() :])
        return Diagnostic(
            f"unexpected '.' in {name!r}: a spec has no dotted names",
            Span(number, dotted.start() + 1, number, dotted.start() + len(name) + 1),
            _dotted_hint(line, dotted.start()),
        )
    if char.isdigit() or (char in ".?+-" and re.match(r"[+-]?[\d.?]", rest)):
        word = _leading(r"[+\-\w.?]+", rest)  # one character at least, as tested above
        if re.fullmatch(r"\d\w*", word) and rest[len(word) :].lstrip().startswith(":"):
            return Diagnostic(
                f"label {word!r} starts with a digit",
                Span(number, column, number, column + len(word)),
                f"a label is a Python identifier: start it with a letter, e.g. 'layer_{word}'",
            )
        return Diagnostic(
            f"malformed number or shape {word!r}",
            Span(number, column, number, column + len(word)),
            "numbers are written 10, -1, 0.5 or 1e-3; shapes 28x28, with ? for an unknown size",
        )
    before = line[column - 2] if column > 1 else ""
    if char == "\\" and not _code(rest[1:]).strip():
        hint = (
            "a statement is one line: the DSL has no '\\' line continuation; join the "
            "lines (a line holds up to 10,000 characters), or start a new statement"
        )
    else:
        hint = _character_hint(char, before)
    return Diagnostic(f"unexpected character {char!r}", Span.point(number, column), hint)


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
    "LSQB": "'[' starts one use of a repetition, after '*': 'basic * [64] [128 stride=2]'",
    "RSQB": "']' ends one use of a repetition that '[' started: 'basic * [64] [128]'",
}


def _expected(terminals: set[str], before: str = "") -> str | None:
    """What the parser would have taken, in words, after `before` (the line up to there).

    The grammar's arguments stand in a statement, a tuple and a repetition's `[...]`,
    whose tokens LALR expects together: only those of the bracket that is open are said,
    and a repetition's `*` is never suggested."""
    statement = _code(before).rsplit("|", 1)[-1]
    terminals = terminals - {"STAR", "LSQB", "PARAMETER"}
    if statement.count("[") <= statement.count("]"):
        terminals = terminals - {"RSQB"}
    elif _unclosed(statement) is None:  # in a stage, not in its tuple: ']' ends it
        terminals = terminals - {"RPAR", "COMMA", "__ANON_0", "LESSTHAN", "_SEP", "$END"}
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


def _dotted_hint(line: str, start: int) -> str:
    """The hint for the dotted name at `start`: `keras.regularizers.L2(1e-4)` is `l2(0.0001)`."""
    name = _leading(r"[\w.]*", line[start:])
    end = start + len(name)
    if line[end : end + 1] == "(":
        depth = 0
        for match in _STRING_PAREN_OR_COMMENT.finditer(line, end):
            if match.group() == "(":
                depth += 1
            elif match.group() == ")":
                depth -= 1
            if depth == 0 or match.group().startswith("#"):
                end = match.end()
                break
    try:
        value = ast.parse(line[start:end], mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        value = None
    if isinstance(value, ast.Attribute):  # tf.nn.relu: Keras knows it by name
        written = value.attr if re.fullmatch(r"[^\W\d]\w*", value.attr) else None
    else:
        written = _dsl_value(value) if value is not None else None
    advice = "a spec names Keras' objects without their module"
    return f"{advice}: write {written}" if written else f"{advice}, as in l2(1e-4)"


def _character_hint(char: str, before: str) -> str:
    if char in "\"'":
        return "a string must end on the same line with the same quote"
    if char == "-" and (before.isalnum() or before == "_"):
        return "names are letters, digits and '_': write my_model, not my-model"
    if char == "-":
        return "sources are given with '<-', e.g. 'concatenate <- a, b'"
    if char in "<←⟵":
        return "sources are given with '<-' followed by label names"
    if char in ";,":
        return "separate statements with a new line or '|', arguments with spaces"
    if char in "×*":
        return "a shape is written with the letter x and no spaces: 28x28"
    if char == "\\":
        return "a backslash belongs in a quoted string, where it starts an escape such as \\n"
    return "names are letters, digits and '_'; shapes are written 28x28"


def _span(token: Token) -> Span:
    # lark types a token's position Optional (a Token made by hand has none); the lexer's have one
    line, column, end_line, end_column = token.line, token.column, token.end_line, token.end_column
    assert (
        line is not None and column is not None and end_line is not None and end_column is not None
    )
    return Span(line, column, end_line, end_column)


def _name(token: Token) -> Name:
    return Name(str(token), _span(token))


_WORD_CONSTANTS = {"true": True, "false": False, "none": None}


# What lark hands `layer_stmt`: its label, the layer's name, arguments, its repetition
# and its sources.
_LayerPart = Name | Token | Value | KeywordArgument | Repeat | tuple[Name, ...]


def _end(item: _LayerPart) -> tuple[int, int]:
    """Where a statement's last part ends: (line, column)."""
    if isinstance(item, tuple):  # sources
        item = item[-1]
    if isinstance(item, KeywordArgument):
        item = item.value
    if isinstance(item, Repeat):
        return item.span.end_line, item.span.end_column
    span = _span(item) if isinstance(item, Token) else item.span
    return span.end_line, span.end_column


def _between(first: Token, last: Token) -> Span:
    return _span(first).to(_span(last))


class Refused(Value):
    """A literal the parser refuses (an integer too long, a bad escape, tuples nested too
    deep), in the place of its value, with why: `_statements` collects the diagnostics
    after parsing, so that the transformer keeps no state. Its kind is NONE, as it has no
    value; a tuple or call keeps its `parts`, which may be refused too. A `Spec` never
    holds one: a spec with a refused value is a `SpecError`."""

    # Not a dataclass of its own: making one costs a millisecond of every cold start.
    diagnostic: Diagnostic
    parts: tuple[Value, ...]

    def __init__(
        self, message: str, span: Span, text: str, hint: str, parts: tuple[Value, ...] = ()
    ) -> None:
        super().__init__(ValueKind.NONE, None, span, text)
        object.__setattr__(self, "diagnostic", Diagnostic(message, span, hint))  # Value is frozen
        object.__setattr__(self, "parts", parts)


def _too_long(token: Token) -> Refused:
    return Refused(
        "integer is too long",
        _span(token),
        str(token),
        "Keras counts sizes in 64-bit integers: a dimension or size has at most 19 digits",
    )


@v_args(inline=True)
class _ToIR(Transformer[Token, list[Statement]]):
    """Each rule of the grammar -> syntax IR, as lark's parser reduces it. A bad literal
    becomes a `Refused` value and parsing goes on. No state: one instance serves every
    parse, in any thread."""

    def start(self, *statements: _Read) -> list[_Read]:
        return list(statements)

    # ---------------------------------------------------------------- statements
    def model_stmt(self, keyword: Token, name: Token) -> ModelStatement:
        return ModelStatement(_name(name), _between(keyword, name))

    def outputs_stmt(self, keyword: Token, *names_and_commas: Token) -> OutputsStatement:
        names = tuple(_name(t) for t in names_and_commas if t.type == "NAME")
        return OutputsStatement(names, _between(keyword, names_and_commas[-1]))

    def block_stmt(
        self, keyword: Token, name: Token, *parameters: Token | KeywordArgument
    ) -> BlockHeader:
        declared = tuple(
            BlockParameter(_name(p), None)
            if isinstance(p, Token)
            else BlockParameter(p.key, p.value)
            for p in parameters
        )
        last = parameters[-1] if parameters else name
        end = _span(last) if isinstance(last, Token) else last.span
        return BlockHeader(_name(name), declared, _span(keyword).to(end))

    def end_stmt(self, keyword: Token) -> BlockEnd:
        return BlockEnd(_span(keyword))

    @v_args(inline=False)
    def repeat(self, children: list[Token | Stage]) -> Repeat:
        star = children[0]
        assert isinstance(star, Token)
        stages = tuple(c for c in children if isinstance(c, Stage))
        if stages:
            return Repeat(len(stages), stages, _span(star).to(stages[-1].span))
        count = children[1]
        assert isinstance(count, Token)
        return Repeat(_integer(str(count)) or 0, (), _between(star, count))

    @v_args(inline=False)
    def stage(self, children: list[Token | Value | KeywordArgument]) -> Stage:
        opening, closing = children[0], children[-1]
        assert isinstance(opening, Token) and isinstance(closing, Token)
        return Stage(
            tuple(c for c in children if isinstance(c, Value)),
            tuple(c for c in children if isinstance(c, KeywordArgument)),
            _between(opening, closing),
        )

    def label(self, name: Token) -> Name:
        return _name(name)

    def sources(self, *names_and_commas: Token) -> tuple[Name, ...]:
        return tuple(_name(t) for t in names_and_commas if t.type == "NAME")

    def keyword_argument(self, key: Token, value: Value) -> KeywordArgument:
        return KeywordArgument(_name(key), value)

    @v_args(inline=False)
    def layer_stmt(self, children: list[_LayerPart]) -> LayerStatement:
        first = children[0]
        label = first if isinstance(first, Name) else None
        parts = children[1:] if label else children
        layer_token = parts[0]
        assert isinstance(layer_token, Token)
        layer = _name(layer_token)
        rest = parts[1:]
        start = (label or layer).span
        span = Span(start.line, start.column, *_end(rest[-1] if rest else layer))
        sources = rest[-1] if rest and isinstance(rest[-1], tuple) else None
        positional = tuple(c for c in rest if isinstance(c, Value))
        keywords = tuple(c for c in rest if isinstance(c, KeywordArgument))
        repeat = next((c for c in rest if isinstance(c, Repeat)), None)
        return LayerStatement(label, layer, positional, keywords, sources, span, repeat)

    # -------------------------------------------------------------------- values
    def int(self, token: Token) -> Value:
        number = _integer(str(token))
        if number is None:
            return _too_long(token)
        return Value(ValueKind.INT, number, _span(token), str(token))

    def float(self, token: Token) -> Value:
        number = float(token)
        if not math.isfinite(number):
            return Refused(
                f"number {token} is out of range",
                _span(token),
                str(token),
                "a number is at most about 1.8e308, as a Python float",
            )
        if number == 0 and re.search("[1-9]", re.split("[eE]", str(token))[0]):
            return Refused(
                f"number {token} is too small: it would be 0.0",
                _span(token),
                str(token),
                "a number other than 0 is at least about 5e-324, as a Python float; "
                "write 0 for zero",
            )
        return Value(ValueKind.FLOAT, number, _span(token), str(token))

    def dims(self, token: Token) -> Value:
        span = _span(token)
        texts = re.split("[xX]", str(token))
        sizes = [None if d == "?" else _integer(d) for d in texts]
        if any(size is None and d != "?" for d, size in zip(texts, sizes, strict=True)):
            return _too_long(token)
        items = tuple(
            Value(ValueKind.NONE if size is None else ValueKind.INT, size, span, d)
            for d, size in zip(texts, sizes, strict=True)
        )
        return Value(ValueKind.TUPLE, items, span, str(token))

    def string(self, token: Token) -> Value:
        try:
            with warnings.catch_warnings():
                # "\q" is a warning, not an error, until some Python makes it one: be strict now
                warnings.simplefilter("error")
                text = ast.literal_eval(str(token))
        except (ValueError, SyntaxError, Warning) as error:
            # "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-1: ..."
            reason = str(error.args[0]).rpartition(": ")[2]
            return Refused(
                f"invalid string: {reason}",
                _span(token),
                str(token),
                "a backslash starts an escape such as \\n or \\u00e9; write \\\\ for a backslash",
            )
        surrogate = re.search("[\ud800-\udfff]", text)
        if surrogate:  # "\ud83d\ude00": two halves of a character, not a character
            return Refused(
                f"invalid string: U+{ord(surrogate.group()):04X} is a lone surrogate, not a "
                "character",
                _span(token),
                str(token),
                "write the character itself, or \\U and 8 hex digits: \\U0001F600 for 😀",
            )
        return Value(ValueKind.STRING, text, _span(token), str(token))

    def parameter(self, token: Token) -> Value:
        return Value(ValueKind.PARAMETER, str(token)[1:], _span(token), str(token))

    def word(self, token: Token) -> Value:
        lowered = str(token).lower()
        if lowered in _WORD_CONSTANTS:
            constant = _WORD_CONSTANTS[lowered]
            kind = ValueKind.NONE if constant is None else ValueKind.BOOL
            return Value(kind, constant, _span(token), str(token))
        return Value(ValueKind.WORD, str(token), _span(token), str(token))

    @v_args(inline=False)
    def call(self, children: list[Token | Value | KeywordArgument]) -> Value:
        callee, *rest = children  # the rest: arguments, and the ',' and ')' tokens
        closing = children[-1]
        assert isinstance(callee, Token) and isinstance(closing, Token)
        arguments = [c for c in rest if not isinstance(c, Token)]
        span = _between(callee, closing)
        positional = tuple(a for a in arguments if isinstance(a, Value))
        keywords = tuple(a for a in arguments if isinstance(a, KeywordArgument))
        texts = [
            a.text if isinstance(a, Value) else f"{a.key.text}={a.value.text}" for a in arguments
        ]
        text = f"{callee[:-1]}({', '.join(texts)})"
        name = Name(
            str(callee)[:-1], Span(span.line, span.column, span.line, span.column + len(callee) - 1)
        )
        values = tuple(a if isinstance(a, Value) else a.value for a in arguments)
        if 1 + max((_depth(value) for value in values), default=0) > MAX_TUPLE_DEPTH:
            return Refused(
                f"values nest more than {MAX_TUPLE_DEPTH} deep",
                span,
                text,
                "flatten the value",
                values,
            )
        return Value(ValueKind.CALL, CallData(name, positional, keywords), span, text)

    @v_args(inline=False)
    def tuple(self, children: list[Token | Value]) -> Value:
        opening, closing = children[0], children[-1]
        assert isinstance(opening, Token) and isinstance(closing, Token)
        items = tuple(c for c in children if isinstance(c, Value))
        span = _between(opening, closing)
        text = "(" + ", ".join(item.text for item in items) + ("," if len(items) == 1 else "") + ")"
        if 1 + max((_depth(item) for item in items), default=0) > MAX_TUPLE_DEPTH:
            return Refused(
                f"tuples nest more than {MAX_TUPLE_DEPTH} deep",
                span,
                text,
                "flatten the tuple",
                items,
            )
        return Value(ValueKind.TUPLE, items, span, text)


_X_WORD = re.compile(r"[xX](?:\d+)?")  # `x` or `x28`, as in `28 x 28` and `28 x28`


def _spaced_shape(statement: LayerStatement) -> Diagnostic | None:
    """The error for a shape written with spaces, `input 28 x 28`, or None."""
    if not any(
        v.kind is ValueKind.WORD and _X_WORD.fullmatch(v.text) for v in statement.positional
    ):
        return None  # no positional `x` or `x28` to join sizes (most statements)
    # (value, whether it is a keyword's), in the order written
    items = [(value, False) for value in statement.positional]
    if statement.keywords:
        items += [(k.value, True) for k in statement.keywords]
        items.sort(key=lambda item: (item[0].span.line, item[0].span.column))
    for at, (first, _) in enumerate(items):
        if not _is_size(first):
            continue
        parts, end = [first.text], at + 1
        while end < len(items):
            word, is_keyword_value = items[end]
            if (
                is_keyword_value
                or word.kind is not ValueKind.WORD
                or not _X_WORD.fullmatch(word.text)
            ):
                break
            parts.append("x" + word.text[1:])
            end += 1
            if len(word.text) == 1:  # a bare x: a size follows
                if end == len(items) or items[end][1] or not _is_size(items[end][0]):
                    break
                parts.append(items[end][0].text)
                end += 1
        if end > at + 1 and not parts[-1].endswith("x"):
            last = items[end - 1][0]
            written = " ".join(item.text for item, _ in items[at:end])
            return Diagnostic(
                f"the shape {written!r} has spaces in it",
                Span(first.span.line, first.span.column, last.span.end_line, last.span.end_column),
                f"a shape is written without spaces: {''.join(parts)}",
            )
    return None


def _is_size(value: Value) -> bool:
    """An integer or a shape such as 28x28 (not a tuple in brackets)."""
    if value.kind is ValueKind.INT:
        return value.text.isdigit()
    return value.kind is ValueKind.TUPLE and not value.text.startswith("(")


def _integer(text: str) -> int | None:
    """The integer `text` spells, or None if it has more digits than Python converts."""
    try:
        return int(text)
    except ValueError:
        return None


def _depth(value: Value) -> int:
    if isinstance(value.data, CallData):
        items = [*value.data.positional, *(k.value for k in value.data.keywords)]
    elif isinstance(value.data, tuple):
        items = list(value.data)
    else:
        return 0
    return 1 + max((_depth(item) for item in items), default=0)
