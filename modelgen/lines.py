"""Line ends and the BOM: the one rule for the grammar, every message that shows a line,
and the importer. At the bottom of the module graph: it imports nothing of modelgen.
"""

from __future__ import annotations

_BOM = "\ufeff"


def spec_text(source: str) -> str:
    """`source` as the grammar reads it: without a leading BOM, every line end a '\\n'."""
    if source.startswith(_BOM):
        source = source[1:]
    if "\r" in source:  # Python's rule for source code: '\r\n', '\r' and '\n' end a line
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    return source


def source_lines(source: str) -> list[str]:
    """The lines of `source` as the grammar numbers them (see `spec_text`)."""
    return spec_text(source).split("\n")


def end_point(source: str) -> tuple[int, int]:
    """The line and column just past the last character of `source`, as the grammar
    numbers them: where an error about what is missing at the end points (a final line
    end does not start a line of its own)."""
    lines = source_lines(source)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return len(lines), len(lines[-1]) + 1
