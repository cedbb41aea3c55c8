"""Positioned errors.

Every mistake in a spec becomes a `Diagnostic`: a message, the `Span` it points at
and an optional hint. Stages collect diagnostics and raise one `SpecError` holding
all of them in source order; the CLI only presents them with `format_diagnostics`:

    spec.mg:4:1: error: unknown layer 'dnse'
        4 | dnse 10 relu
          | ^^^^
      hint: did you mean 'dense'?
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .ir import Span
from .lines import source_lines

# Past this many, the rest are usually knock-on effects of the first ones.
MAX_REPORTED = 20


@dataclass(frozen=True)
class Diagnostic:
    message: str
    span: Span
    hint: str | None = None
    severity: str = "error"  # or "note": said, but not a failure
    # Where in the model a problem in a block's body comes from: "in block 'residual'
    # used at 12:1" (one line per block, innermost first).
    context: str | None = None


class ModelgenError(Exception):
    """Base class of every error modelgen raises on purpose."""


class SpecError(ModelgenError):
    """One or more problems with a spec, each with its position."""

    def __init__(self, filename: str, source: str, diagnostics: Iterable[Diagnostic]) -> None:
        self.filename = filename
        self.source = source
        self.diagnostics = sorted(
            diagnostics, key=lambda d: (d.span.line, d.span.column, d.message)
        )
        super().__init__(self.format())

    def format(self) -> str:
        return format_diagnostics(self.filename, self.source, self.diagnostics)


class UsageError(ModelgenError):
    """A problem that is not in the spec: a file that exists, a missing directory."""


def format_error(error: ModelgenError) -> str:
    """How the command (and a project's hooks) show `error` on stderr: a `SpecError` as
    its positioned diagnostics, any other as one `modelgen: error: ...` message, whose
    text may quote a file name, a config or a class name, so it is shown escaped."""
    if isinstance(error, SpecError):
        return error.format()
    return f"modelgen: error: {visible(str(error), multiline=True)}"


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean' hint for a misspelt word, or None when nothing is close."""
    import difflib  # only a mistake needs it
    import unicodedata

    pool = {c.lower(): c for c in candidates}
    typed = unicodedata.normalize("NFKC", word).lower()  # full-width ｄｅｎｓｅ is dense
    close = difflib.get_close_matches(typed, list(pool), n=1, cutoff=0.6)
    return f"did you mean '{pool[close[0]]}'?" if close else None


# What a terminal would act on instead of showing: C0 and C1 controls (ESC starts a colour,
# a cursor move or a screen clear; CR rewrites the line; DEL), the bidirectional
# overrides and isolates that reorder what follows (Trojan Source), the line and
# paragraph separators, and lone surrogates (a file name that is not UTF-8), which
# cannot be printed at all. Everything else, emoji and joiners included, shows as is.
_INVISIBLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SHORT_ESCAPES = {"\t": "\\t", "\r": "\\r", "\n": "\\n"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, multiline: bool = False) -> str:
    """`text` with every character a terminal would act on written as Python writes it
    in a string (`\\x1b`, `\\r`, `\\u202e`), so that a spec, a config or a file name
    shown in a message can neither restyle nor rewrite the terminal. `multiline` keeps
    line breaks, for a message that spans lines; otherwise they show as `\\n` too."""
    if multiline:
        return "\n".join(_INVISIBLE.sub(_escape, line) for line in text.split("\n"))
    return _INVISIBLE.sub(_escape, text.replace("\n", "\\n"))


# A longer source line is shown as this many characters around the span, so that a
# 10,000-character line does not fill the terminal once for every error on it.
SHOWN_WIDTH = 200
SHOWN_BEFORE = 40


def format_diagnostics(filename: str, source: str, diagnostics: list[Diagnostic]) -> str:
    lines = source_lines(source)
    shown = diagnostics[:MAX_REPORTED]
    blocks = [_format_one(filename, lines, d) for d in shown]
    if len(diagnostics) > len(shown):
        blocks.append(f"... and {len(diagnostics) - len(shown)} more errors")
    return "\n".join(blocks)


def _format_one(filename: str, lines: list[str], diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    message = visible(diagnostic.message, multiline=True)
    out = [f"{visible(filename)}:{span.line}:{span.column}: {diagnostic.severity}: {message}"]
    if 1 <= span.line <= len(lines):
        text = lines[span.line - 1].expandtabs(1)
        column = span.column
        end = span.end_column if span.end_line == span.line else len(text) + 1
        before = after = ""
        if len(text) > SHOWN_WIDTH:  # a window around the span, '...' for the rest
            start = max(0, min(column - 1 - SHOWN_BEFORE, len(text) - SHOWN_WIDTH))
            before = "..." if start else ""
            after = "..." if start + SHOWN_WIDTH < len(text) else ""
            text = text[start : start + SHOWN_WIDTH]
            column, end = column - start, end - start
        # The caret goes under the span as shown: each escaped character is wider.
        column, end = max(1, min(column, len(text) + 1)), min(end, len(text) + 1)
        lead = before + visible(text[: column - 1])
        marked = visible(text[column - 1 : end - 1])
        gutter = f"{span.line:>5} | "
        out.append(gutter + lead + marked + visible(text[end - 1 :]) + after)
        out.append(" " * (len(gutter) - 2) + "| " + " " * len(lead) + "^" * max(1, len(marked)))
    if diagnostic.context:
        out.extend(visible(f"  {line}") for line in diagnostic.context.split("\n"))
    if diagnostic.hint:
        out.append(visible(f"  hint: {diagnostic.hint}", multiline=True))
    return "\n".join(out)
