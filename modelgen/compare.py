"""Compare: `graph.ModelGraph` -> one page showing every style of the model side by side.

The page holds the spec, its summary (as `modelgen summary` computes it), a diagram
(`modelgen.plot`) and the code of each style; a style that cannot express the model
shows the note `new --style all` prints instead. Three formats:

* `md`: Markdown with fenced code blocks, the diagram as Graphviz dot source;
* `html`: one self-contained page (no network fetches): code highlighted by pygments
  with its CSS inlined, the diagram inline as SVG;
* `ipynb`: a Jupyter notebook with a code cell per style that builds the model and
  prints its summary, and a last cell asserting that every style has the same
  parameter count.

A model with blocks defines their classes first in every style's module, the same in
each: the page shows them once, under "Blocks" (in the notebook, a cell of their own run
before the styles'), and each style's code without them.

Python prepares a `Page` view; the templates in `templates/compare/` only place it.
html and ipynb draw the diagram with Graphviz's `dot`; md needs no Graphviz. No
TensorFlow: the notebook imports Keras only when it runs.
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import plot
from .errors import format_diagnostics, visible
from .formatting import format_code
from .generate import Generated, generate_all
from .graph import ModelGraph
from .lines import spec_text
from .render import main_block
from .summary import Summary, summarize
from .templating import environment

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True)
class Pane:
    """One style: its code, or the note saying why it cannot express the model."""

    style: str  # as given to --style
    title: str  # `the functional API`
    variable: str  # the notebook variable holding this style's model
    code: str | None
    skipped: str | None  # the positioned note, with the source line and a caret
    fence: str  # a Markdown fence longer than any run of backticks in the code
    highlighted: str = ""  # the code as pygments HTML (html only)


@dataclass(frozen=True)
class Blocks:
    """The block classes every style's module defines first, shown once."""

    class_names: tuple[str, ...]  # inner ones first, as the modules define them
    introduction: str  # the sentence over the code, its class names code spans in Markdown
    code: str  # the modules' import lines, then the classes, exactly as each module has them
    fence: str
    highlighted: str = ""  # the code as pygments HTML (html only)


@dataclass(frozen=True)
class Cell:
    """A cell of the summary table as the html page places it."""

    text: str
    css_class: str  # number, wraps, or ""


@dataclass(frozen=True)
class Page:
    model_name: str
    headline: str
    spec_name: str
    spec_source: str
    spec_fence: str
    summary_header: tuple[str, ...]
    summary_rules: tuple[str, ...]  # Markdown's line under the header: `---:` aligns numbers right
    summary_rows: tuple[tuple[str, ...], ...]
    # The same table for html, each cell with its column's CSS class
    summary_head: tuple[Cell, ...]
    summary_body: tuple[tuple[Cell, ...], ...]
    summary_totals: tuple[str, ...]
    total_params: int
    total_params_text: str  # `266,610`
    panes: tuple[Pane, ...]
    diagram: str  # dot source (md), inline SVG (html); empty for ipynb, which attaches a PNG
    diagram_fence: str = "```"
    highlight_css: str = ""  # pygments' rules for `highlighted` (html only)
    blocks: Blocks | None = None  # a model with blocks: their classes, left out of the panes


def fence(text: str) -> str:
    """Backticks enough to fence `text` in Markdown: three, or one more than its longest run."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _pane(graph: ModelGraph, generated: Generated) -> Pane:
    style = generated.style
    skipped = None
    if generated.skipped is not None:
        spec_name = Path(graph.spec.filename).name  # the page names the spec so, not its path
        skipped = format_diagnostics(spec_name, graph.spec.source, [generated.skipped])
    return Pane(
        style=style.name,
        title=style.title,
        variable=f"{style.file_suffix}_model",
        code=generated.code,
        skipped=skipped,
        fence=fence((generated.code or "") + (skipped or "")),
    )


def code_span(text: str, table: bool = False) -> str:
    """`text` as a Markdown code span, shown exactly as written and never as markup: no
    HTML tag, link, image, autolink, entity or emphasis is read inside a code span. Its
    backticks are one more than the longest run inside, so `text` cannot close it; a
    line break or a control character would end a table row or hide text, so they show
    as `\\n`, `\\x1b` (`errors.visible`). In a `table` cell a `|` is escaped, which GFM
    tables undo inside code spans too."""
    text = visible(text)
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    if table:
        text = text.replace("|", "\\|")
    # A leading or trailing backtick would join the delimiter; one space each side is
    # stripped again by every CommonMark renderer.
    pad = " " if not text or text[0] in "` " or text[-1] in "` " else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _column_class(column: str) -> str:
    """Numbers align right; a merge's connections wrap, so that a deep model's table fits."""
    return {"Param #": "number", "Connected to": "wraps"}.get(column, "")


def _cells(texts: tuple[str, ...], classes: tuple[str, ...]) -> tuple[Cell, ...]:
    return tuple(Cell(text, css_class) for text, css_class in zip(texts, classes, strict=True))


def page(graph: ModelGraph, imports: str = "keras", markdown: bool = False) -> Page:
    """The view every format starts from. With `markdown`, whatever comes from the spec or
    its file name (the model's and layers' names, shapes, connections) is a code span,
    ready to place in Markdown; otherwise it is plain text, which HTML templates escape."""
    summary: Summary = summarize(graph)
    name: Callable[[str], str] = code_span if markdown else visible
    cell: Callable[[str], str] = functools.partial(code_span, table=True) if markdown else visible
    header = tuple(summary.header())
    numeric = tuple(c == "Param #" for c in header)
    classes = tuple(_column_class(c) for c in header)
    rows = tuple(
        tuple(c if numeric[i] else cell(c) for i, c in enumerate(row)) for row in summary.cells()
    )
    panes = tuple(_pane(graph, g) for g in generate_all(graph, imports))
    blocks, panes = _shared_blocks(graph, panes, name)
    # The spec's text (the parser holds it as `spec_text` reads it, every line end a \n:
    # applying that rule again changes nothing), with what a page would hide or reorder
    # shown: ESC as \x1b, a bidi override as \u202e.
    text = spec_text(graph.spec.source).rstrip("\n")
    source = visible(text.expandtabs(), multiline=True)
    return Page(
        model_name=name(graph.name),
        headline="every Keras style side by side",
        spec_name=name(Path(graph.spec.filename).name),
        spec_source=source,
        spec_fence=fence(source),
        summary_header=header,
        summary_rules=tuple("---:" if n else "---" for n in numeric),
        summary_rows=rows,
        summary_head=_cells(header, classes),
        summary_body=tuple(_cells(row, classes) for row in rows),
        summary_totals=tuple(summary.totals()),
        total_params=summary.total,
        total_params_text=f"{summary.total:,}",
        panes=panes,
        diagram="",
        blocks=blocks,
    )


def _shared_blocks(
    graph: ModelGraph, panes: tuple[Pane, ...], name: Callable[[str], str] = visible
) -> tuple[Blocks | None, tuple[Pane, ...]]:
    """The block classes, once, and the panes whose code leaves them out; no `Blocks` (and
    the panes as they are) for a model without blocks, or should any two modules define
    them differently."""
    class_names = tuple(block.class_name for block in graph.blocks())
    written = [pane for pane in panes if pane.code is not None]
    if not class_names or not written:
        return None, panes
    split = {pane.style: _split_blocks(pane.code or "", class_names) for pane in written}
    shared = {parts[1] for parts in split.values() if parts is not None}
    if None in split.values() or len(shared) != 1:
        return None, panes
    (code,) = shared
    one = len(class_names) == 1
    kind, them, they = ("class", "it", "it is") if one else ("classes", "them", "they are")
    comment = f'# The block {kind} {_and(class_names)}: under "Blocks", the same in every style.\n'
    introduction = (
        f"The block {kind} {_and([name(c) for c in class_names])}: every style's module "
        f"defines {them} first, the same in each, so {they} shown once here and left out "
        "of each style's code below."
    )
    trimmed = []
    for pane in panes:
        parts = split.get(pane.style)
        if parts is None:
            trimmed.append(pane)
            continue
        before, _, after = parts
        code_here = f"{before}{comment}\n\n{after}"
        trimmed.append(dataclasses.replace(pane, code=code_here, fence=fence(code_here)))
    return Blocks(class_names, introduction, code, fence(code)), tuple(trimmed)


def _and(words: tuple[str, ...] | list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _split_blocks(code: str, class_names: tuple[str, ...]) -> tuple[str, str, str] | None:
    """A module as (its docstring and imports, and a blank line; its imports and block
    classes; what follows the classes, from its first statement), or None when the classes
    are not the module's first definitions right after its imports, in `class_names`' order."""
    body = ast.parse(code).body
    imports = [n for n in body if isinstance(n, ast.Import | ast.ImportFrom)]
    classes = [n for n in body if isinstance(n, ast.ClassDef) and n.name in class_names]
    if not imports or tuple(c.name for c in classes) != class_names:
        return None
    first = body.index(classes[0])
    if (
        body[first - len(imports) : first] != imports
        or body[first : first + len(classes)] != classes
    ):
        return None
    lines = code.splitlines(keepends=True)
    start = imports[0].lineno - 1
    end = classes[-1].end_lineno or 0
    after = "".join(lines[end:]).lstrip("\n")
    head = "".join(lines[: imports[-1].end_lineno])
    return head + "\n", "".join(lines[start:end]), after


@functools.cache
def _environment() -> jinja2.Environment:
    return environment("compare")


def markdown(graph: ModelGraph, imports: str = "keras") -> str:
    """The Markdown page: ready to paste into a blog post or a README."""
    source = plot.dot_source(graph)
    view = dataclasses.replace(
        page(graph, imports, markdown=True), diagram=source, diagram_fence=fence(source)
    )
    return _environment().get_template("page.md.j2").render(view=view)


def html(graph: ModelGraph, imports: str = "keras") -> str:
    """The self-contained HTML page; needs Graphviz's `dot` for the diagram."""
    from markupsafe import Markup
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    formatter = HtmlFormatter(style="friendly", cssclass="highlight")
    view = page(graph, imports)
    panes = tuple(
        dataclasses.replace(
            pane, highlighted=Markup(highlight(pane.code, PythonLexer(), formatter))
        )
        if pane.code is not None
        else pane
        for pane in view.panes
    )
    blocks = view.blocks
    if blocks is not None:
        code = Markup(highlight(blocks.code, PythonLexer(), formatter))
        blocks = dataclasses.replace(blocks, highlighted=code)
    view = dataclasses.replace(
        view,
        panes=panes,
        blocks=blocks,
        diagram=Markup(plot.inline_svg(graph)),  # Graphviz escapes every label it writes
        highlight_css=Markup(formatter.get_style_defs(".highlight")),
    )
    return _environment().get_template("page.html.j2").render(view=view)


def notebook(graph: ModelGraph, imports: str = "keras") -> str:
    """The Jupyter notebook, as nbformat JSON; needs Graphviz's `dot` for the diagram."""
    import nbformat
    from nbformat import v4

    view = page(graph, imports, markdown=True)
    parts: Any = _environment().get_template("_parts.md.j2").module  # its macros
    diagram_png = base64.b64encode(plot.render(graph, "png")).decode("ascii")
    cells = [
        v4.new_markdown_cell(
            (parts.introduction(view) + parts.attached_diagram()).strip(),
            attachments={"diagram.png": {"image/png": diagram_png}},
        )
    ]
    if view.blocks is not None:  # run first: every style's cell uses the classes
        cells.append(v4.new_markdown_cell(parts.blocks_heading(view.blocks).strip()))
        cells.append(v4.new_code_cell(view.blocks.code.rstrip("\n")))
    for pane in view.panes:
        cells.append(v4.new_markdown_cell(parts.style_heading(pane).strip()))
        if pane.code is not None:
            cells.append(v4.new_code_cell(_notebook_code(pane.code, pane.variable)))
    built = [pane for pane in view.panes if pane.code is not None]
    cells.append(v4.new_markdown_cell(parts.check_heading(view).strip()))
    cells.append(v4.new_code_cell(_check_code(built, view.total_params)))
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # not nbformat's random ids: the same spec, the same bytes
    document = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(document)
    return nbformat.writes(document) + "\n"


def _notebook_code(code: str, variable: str) -> str:
    """A style's module without its `__main__` block, then building the model and its summary."""
    body = code.removesuffix(main_block())
    assert body != code, "a generated module no longer ends with its __main__ block"
    return f"{body}\n\n{variable} = build_model()\n{variable}.summary()"


def _check_code(panes: list[Pane], total: int) -> str:
    """The last cell: every style's model has the parameter count modelgen computed."""
    counts = ", ".join(f"{json.dumps(p.style)}: {p.variable}.count_params()" for p in panes)
    code = f"params = {{{counts}}}\nprint(params)\nassert set(params.values()) == {{{total}}}, params\n"
    return format_code(code).rstrip("\n")


RENDERERS = {"md": markdown, "ipynb": notebook, "html": html}
PAGE_FORMATS = tuple(RENDERERS)  # what `compare --format` offers


def compare(graph: ModelGraph, page_format: str, imports: str = "keras") -> str:
    """The page in `page_format` (one of `PAGE_FORMATS`)."""
    return RENDERERS[page_format](graph, imports)
