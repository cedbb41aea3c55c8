"""`modelgen compare`: every style side by side as Markdown, a notebook run on a real
kernel, and an HTML page rendered in headless Chromium."""

from __future__ import annotations

import html as html_module
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from modelgen import compare, plot
from modelgen.errors import visible
from modelgen.formatting import format_code
from modelgen.generate import generate, load
from modelgen.render import IMPORT_FLAVOURS, main_block
from modelgen.styles import STYLES
from modelgen.summary import summarize

from .goldens import EXAMPLES
from .test_cli import assert_user_error, run
from .test_plot import TOWERS_BOXES, assert_says_how_to_install_dot, named, run_without_dot

MLP = EXAMPLES / "mnist_mlp" / "mnist_mlp.mg"
RESNET = Path(__file__).parent / "specs" / "resnet18.mg"  # 69 layers
TOWERS = EXAMPLES / "two_towers" / "two_towers.mg"
ALL_STYLES = list(STYLES)  # every registered style, in registry order


def example(spec):
    return load(spec.read_text(encoding="utf-8"), spec.name)


def golden(name: str, style: str) -> str:
    return (EXAMPLES / name / STYLES[style].file_name(name)).read_text(encoding="utf-8")


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", markdown, re.S | re.M)


# --------------------------------------------------------------------------- md


def test_markdown_has_a_fenced_block_per_style():
    page = run("compare", MLP, "--format", "md")
    assert page.returncode == 0, page.stderr
    text = page.stdout
    assert python_blocks(text) == [golden("mnist_mlp", s) for s in ALL_STYLES]
    headings = re.findall(r"^## (.*)$", text, re.M)
    assert headings == [
        "Summary",
        "Diagram",
        "sequential: a Sequential model built with .add",
        "sequential-list: a Sequential model built from a list",
        "functional: the functional API",
        "subclass: a subclassed keras.Model",
    ]
    assert headings[2:] == [f"{style.name}: {style.title}" for style in STYLES.values()]
    assert "| `dense_1 (Dense)` | `(None, 100)` | 30,100 |" in text
    assert "- Total params: 266,610 (1.02 MB)" in text
    (dot,) = re.findall(r"^```dot\n(.*?)^```$", text, re.S | re.M)
    assert dot == plot.dot_source(example(MLP))


def test_markdown_says_why_a_style_is_skipped():
    text = compare.markdown(example(TOWERS))
    assert python_blocks(text) == [golden("two_towers", s) for s in ("functional", "subclass")]
    for style in ("sequential", "sequential-list"):
        section = text.split(f"## {style}: ", 1)[1].split("\n## ", 1)[0]
        assert "This style cannot express the model:" in section
        assert "```python" not in section
        note = re.search(r"```text\n(.*?)```", section, re.S).group(1)
        assert note.splitlines() == [
            f"two_towers.mg:4:1: note: skipped {style}: 'input_2' is a second input",
            "    4 | input_2: input 10x28",
            "      | ^^^^^^^^^^^^^^^^^^^^",
        ]
    assert "| Layer (type) | Output Shape | Param # | Connected to |" in text
    assert (
        "| `concat (Concatenate)` | `(None, 10, 20)` | 0 | `input_1[0][0], hidden2[0][0]` |" in text
    )


def test_markdown_keeps_odd_layer_names_as_text():
    graph = named(load("input 3 | dense 2 | dense 1", "<expr>"), {1: "a|<b>*x*"})
    row = next(line for line in compare.markdown(graph).splitlines() if "(Dense)` |" in line)
    assert row == "| `a\\|<b>*x* (Dense)` | `(None, 2)` | 8 |"


def test_a_code_span_cannot_be_closed_or_joined_by_its_text():
    assert compare.code_span("dense_1") == "`dense_1`"
    assert compare.code_span("a`b``c") == "```a`b``c```"
    assert compare.code_span("`x`") == "`` `x` ``"
    assert compare.code_span("a|b\nc\x1b", table=True) == "`a\\|b\\nc\\x1b`"


# Names and file names a spec could use to put markup on the page: raw HTML, links,
# images, autolinks, entities, emphasis, a code span or a table cell to break out of, a
# line break to end a table row, and a backslash to escape what follows.
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[click](https://evil.example)",
    "![pixel](https://evil.example/p.png)",
    "<https://evil.example>",
    "www.evil.example",
    "&lt;b&gt;&#60;i&#62;",
    "*em*__strong__",
    "a`b``</code><b>",
    "x|<b>y</b>|z",
    "line\n<img src=y>",
    "trailing\\",
]


def hostile_graph():
    """A layer named by each HOSTILE text, all read by one add: the names show in the
    summary's rows and in its "Connected to" column."""
    spec = "i: input 3\n" + "".join(f"l{i}: dense 2 <- i\n" for i in range(len(HOSTILE)))
    spec += "add <- " + ", ".join(f"l{i}" for i in range(len(HOSTILE))) + "\n"
    return named(load(spec, "<expr>"), {i + 1: name for i, name in enumerate(HOSTILE)})


class Tags(HTMLParser):
    """The tags and attributes of rendered Markdown, and the text of each <code>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.code: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "code":
            self._in_code += 1
            self.code.append("")

    def handle_endtag(self, tag):
        if tag == "code":
            self._in_code -= 1

    def handle_data(self, data):
        if self._in_code:
            self.code[-1] += data


def rendered(markdown: str) -> Tags:
    """Markdown as a CommonMark renderer with GFM tables and raw HTML on shows it."""
    from markdown_it import MarkdownIt

    tags = Tags()
    tags.feed(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown))
    return tags


MARKDOWN_TAGS = {"h1", "h2", "p", "pre", "code", "table", "thead", "tbody", "tr", "th", "td",
                 "ul", "li"}  # fmt: skip


def assert_only_text_from_the_spec(tags: Tags, names: list[str]) -> None:
    """Nothing from the spec became markup; every name shows exactly, in a code span."""
    markup = [(t, a) for t, a in tags.tags if t not in MARKDOWN_TAGS]
    # The notebook's own diagram is the one image: an attachment of the notebook.
    assert all(t == "img" and a["src"] == "attachment:diagram.png" for t, a in markup), markup
    assert not [a for _, a in tags.tags if {"href", "onerror"} & set(a)]
    for name in names:
        assert any(visible(name) in code for code in tags.code), name


def test_markdown_escapes_every_name_from_the_spec():
    graph = hostile_graph()
    text = compare.markdown(graph)
    tags = rendered(text)
    assert_only_text_from_the_spec(tags, HOSTILE)
    cells = [c for c in tags.code if "(Dense)" in c]
    assert cells == [f"{visible(name)} (Dense)" for name in HOSTILE]  # one row each: none split
    (connections,) = [c for c in tags.code if c.endswith("[0][0]") and "," in c]
    assert connections == ", ".join(f"{visible(name)}[0][0]" for name in HOSTILE)


def test_markdown_escapes_the_spec_file_name_and_its_text(tmp_path):
    """A file name, and a spec whose comments try to close the fence its text is in."""
    text = "# ```` </code></pre><img src=x> [l](https:e.example)\ninput 3\ndense 2 # ```\n"
    for name in ("a`b <img src=x> [l](https:e.example) *x* |c.mg", "``.mg", "<b>&amp;.mg"):
        spec = tmp_path / name
        spec.write_text(text, encoding="utf-8")
        result = run("compare", spec)
        assert result.returncode == 0, result.stderr
        tags = rendered(result.stdout)
        assert_only_text_from_the_spec(tags, [name])
        assert name in tags.code  # "Generated by modelgen from `NAME`:"
        assert text in tags.code  # the spec, whole, in its fence


def test_the_spec_shows_what_a_page_would_hide_or_reorder(tmp_path):
    """The spec's text as its lines read, with an escape or a bidi override shown as
    `\\x1b`, `\\u202e` (a browser would reorder the line), and no `\\r` for a CRLF file."""
    spec = tmp_path / "hidden.mg"
    spec.write_bytes("input 4\r\n# \u202eevil\r\ndense 2  # a\x1b[2Jb\r\n".encode())
    shown = "input 4\n# \\u202eevil\ndense 2  # a\\x1b[2Jb"
    markdown = run("compare", spec)
    assert markdown.returncode == 0, markdown.stderr
    assert f"```\n{shown}\n```\n" in markdown.stdout
    page = tmp_path / "hidden.html"
    assert run("compare", spec, "-f", "html", "-o", page).returncode == 0
    (pre,) = [e for e in elements(page.read_text()) if e["tag"] == "pre" and e["pane"] is None]
    assert pre["text"] == shown


def test_notebook_markdown_cells_escape_every_name_from_the_spec():
    notebook = json.loads(compare.notebook(hostile_graph()))
    markdown = [c for c in notebook["cells"] if c["cell_type"] == "markdown"]
    for cell in markdown:
        tags = rendered("".join(cell["source"]))
        assert_only_text_from_the_spec(tags, HOSTILE if cell is markdown[0] else [])


def test_a_fence_is_longer_than_any_backticks_inside():
    assert compare.fence("x = 1") == "```"
    assert compare.fence('name="a````b"') == "`````"


def test_markdown_to_a_file(tmp_path):
    target = tmp_path / "page.md"
    result = run("compare", TOWERS, "-o", target)  # md is the default
    assert result.returncode == 0 and result.stderr == f"wrote {target}\n"
    assert target.read_text() == compare.markdown(example(TOWERS))


def test_cli_page_formats_are_the_library_formats():
    from modelgen.cli import compare as command

    (option,) = [p for p in command.params if p.name == "page_format"]
    assert tuple(option.type.choices) == compare.PAGE_FORMATS


# --------------------------------------------------------------------------- html


class Elements(HTMLParser):
    """Every element of a page: its tag, attributes, the text inside it, and the style pane
    (`data-style`) it sits in."""

    VOID = {"meta", "br", "link", "img", "input", "hr", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.handle_startendtag(tag, attrs)
        if tag not in self.VOID:
            self.open.append(self.elements[-1])

    def handle_startendtag(self, tag, attrs):
        pane = next(
            (e["attrs"]["data-style"] for e in reversed(self.open) if "data-style" in e["attrs"]),
            None,
        )
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": "", "pane": pane})

    def handle_endtag(self, tag):
        if any(e["tag"] == tag for e in self.open):
            while self.open.pop()["tag"] != tag:
                pass

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data


def elements(page: str) -> list[dict]:
    parser = Elements()
    parser.feed(page)
    return parser.elements


@pytest.fixture(scope="module")
def towers_html(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    target = folder / "two_towers.html"
    result = run("compare", TOWERS, "--format", "html", "-o", target)
    assert result.returncode == 0, result.stderr
    return target


def dump_dom(page, window: tuple[int, int] = (1400, 1000)) -> str:
    """The page as headless Chromium rendered it in a `window` of that many CSS pixels."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "headless Chromium is needed: apt-get install chromium"
    profile = page.parent / "chromium-profile"
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--window-size={},{}".format(*window),
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


# Run in the page once Chromium has laid it out: each element's box as the browser drew
# it, written into the DOM that --dump-dom prints (the page itself has no script).
MEASURE = """
const box = (e) => {
  const r = e.getBoundingClientRect(), style = getComputedStyle(e);
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          width: r.width, height: r.height,
          clientWidth: e.clientWidth, clientHeight: e.clientHeight,
          scrollWidth: e.scrollWidth, scrollHeight: e.scrollHeight,
          overflowX: style.overflowX, overflowY: style.overflowY};
};
const svg = document.querySelector("#diagram svg");
const metrics = {
  window: {width: innerWidth, height: innerHeight,
           pageWidth: document.documentElement.scrollWidth},
  diagram: box(document.getElementById("diagram")),
  svg: Object.assign(box(svg), {viewWidth: svg.viewBox.baseVal.width,
                                viewHeight: svg.viewBox.baseVal.height}),
  spec: box(document.querySelector("#spec pre")),
  summary: box(document.getElementById("summary")),
  clippedCells: Array.from(document.querySelectorAll("#summary td, #summary th"))
    .filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
  panes: Array.from(document.querySelectorAll("[data-style]")).map((pane) => ({
    style: pane.dataset.style, pane: box(pane), code: box(pane.querySelector("pre"))})),
};
// "whole model" checked: the diagram shrunk to fit its box.
document.getElementById("fit-diagram").checked = true;
metrics.fitted = Object.assign(box(svg), {box: box(document.getElementById("diagram"))});
document.getElementById("fit-diagram").checked = false;
const out = document.createElement("pre");
out.id = "metrics";
out.textContent = JSON.stringify(metrics);
document.body.append(out);
"""


def measured(page, window: tuple[int, int] = (1400, 1000)) -> dict:
    """The boxes of a page's parts, as headless Chromium lays the page out."""
    copy = page.with_name(f"{page.stem}-measured.html")
    copy.write_text(
        page.read_text(encoding="utf-8").replace("</body>", f"<script>{MEASURE}</script></body>"),
        encoding="utf-8",
    )
    found = re.search(r'<pre id="metrics">(.*?)</pre>', dump_dom(copy, window), re.S)
    assert found, "the measuring script did not run"
    return json.loads(html_module.unescape(found.group(1)))


def assert_scrolls_if_it_overflows(box: dict, what: str) -> None:
    """Content larger than its box can be scrolled to: nothing is cut off for good."""
    if box["scrollWidth"] > box["clientWidth"] + 1:
        assert box["overflowX"] in ("auto", "scroll"), (what, box)
    if box["scrollHeight"] > box["clientHeight"] + 1:
        assert box["overflowY"] in ("auto", "scroll"), (what, box)


def overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def assert_readable(metrics: dict) -> None:
    window, svg, diagram = metrics["window"], metrics["svg"], metrics["diagram"]
    assert window["pageWidth"] <= window["width"], "the page itself scrolls sideways"
    # The diagram at Graphviz's own size (1 pt = 4/3 CSS px; 11 pt labels), never shrunk
    # to fit, with its proportions kept; its box scrolls and fits in the window.
    scale = svg["width"] / svg["viewWidth"]
    assert scale == pytest.approx(4 / 3, rel=0.01), svg
    assert svg["height"] / svg["viewHeight"] == pytest.approx(scale, rel=0.01), svg
    assert diagram["height"] <= window["height"], diagram
    assert_scrolls_if_it_overflows(diagram, "diagram")
    # "Whole model" shows all of it at once in that box, in proportion.
    fitted = metrics["fitted"]
    assert fitted["height"] <= fitted["box"]["clientHeight"] + 1, fitted
    assert fitted["width"] <= fitted["box"]["clientWidth"] + 1, fitted
    assert fitted["width"] / fitted["height"] == pytest.approx(
        svg["width"] / svg["height"], rel=0.02
    )
    for other in ("spec", "summary"):  # beside them or above them, never over them
        assert not overlap(diagram, metrics[other]), (other, diagram, metrics[other])
    # The summary table fits its card: no column, "Connected to" included, clipped.
    summary = metrics["summary"]
    assert summary["scrollWidth"] <= summary["clientWidth"] + 1, summary
    assert summary["right"] <= window["width"], summary
    assert metrics["clippedCells"] == []
    assert_scrolls_if_it_overflows(metrics["spec"], "spec")
    for pane in metrics["panes"]:
        assert pane["pane"]["right"] <= window["width"], pane
        assert pane["code"]["height"] <= window["height"], pane  # in view, whole, at once
        assert_scrolls_if_it_overflows(pane["code"], pane["style"])


def test_html_in_chromium_keeps_a_deep_model_readable(tmp_path):
    """ResNet-18 (69 layers): the diagram is drawn at a readable scale in a box that
    scrolls, not squeezed into a sliver; the summary's "Connected to" is not clipped;
    each code pane scrolls rather than being cut off."""
    target = tmp_path / "resnet18.html"
    result = run("compare", RESNET, "--format", "html", "-o", target)
    assert result.returncode == 0, result.stderr
    for window in ((1400, 1000), (1024, 768)):
        metrics = measured(target, window)
        assert_readable(metrics)
        diagram = metrics["diagram"]
        assert diagram["scrollHeight"] > 5 * diagram["clientHeight"]  # 69 layers: it scrolls
        assert any(p["code"]["scrollHeight"] > p["code"]["clientHeight"] for p in metrics["panes"])


def test_html_in_chromium_shows_a_small_model_whole(towers_html):
    metrics = measured(towers_html)
    assert_readable(metrics)
    diagram = metrics["diagram"]
    assert diagram["scrollHeight"] <= diagram["clientHeight"] + 1  # no scrolling needed
    assert diagram["scrollWidth"] <= diagram["clientWidth"] + 1


def test_html_in_chromium_shows_every_pane_the_diagram_and_the_summary(towers_html):
    dom = elements(dump_dom(towers_html))
    panes = {e["attrs"]["data-style"]: e for e in dom if "data-style" in e["attrs"]}
    assert list(panes) == ALL_STYLES
    for style in ("functional", "subclass"):
        (code,) = [e for e in dom if e["tag"] == "pre" and e["pane"] == style]
        assert code["text"] == golden("two_towers", style)
        assert any(e["tag"] == "span" and e["pane"] == style for e in dom)  # highlighted
    for style in ("sequential", "sequential-list"):
        assert "This style cannot express the model:" in panes[style]["text"]
        assert f"skipped {style}: 'input_2' is a second input" in panes[style]["text"]
    (svg,) = [e for e in dom if e["tag"] == "svg"]
    nodes = {
        e["text"].split()[0]: e["text"]  # a node's <title> comes first: the layer's name
        for e in dom
        if e["tag"] == "g" and e["attrs"].get("class") == "node"
    }
    assert set(nodes) == set(TOWERS_BOXES)
    for name, facts in TOWERS_BOXES.items():
        assert all(fact in nodes[name] for fact in facts), (name, nodes[name])
    assert len([e for e in dom if e["tag"] == "g" and e["attrs"].get("class") == "edge"]) == 6
    assert "two_towers: 3,942 params" in svg["text"]
    cells = [e["text"] for e in dom if e["tag"] == "td"]
    for row in summarize(example(TOWERS)).cells():
        assert any(cells[i : i + len(row)] == row for i in range(len(cells))), row
    assert "Total params: 3,942 (15.40 KB)" in [e["text"] for e in dom if e["tag"] == "li"]


def test_html_code_is_highlighted_with_inlined_css(towers_html):
    page = towers_html.read_text()
    assert '<div class="highlight"><pre>' in page
    assert '<span class="kn">import</span>' in page
    assert ".highlight .kn {" in page  # pygments' rules, in the page's own <style>


def test_html_fetches_nothing(towers_html):
    page = towers_html.read_text()
    for element in elements(page):
        assert element["tag"] not in ("script", "link", "img", "iframe", "object", "embed")
        for name, value in element["attrs"].items():
            if name in ("xmlns", "xmlns:xlink"):
                continue  # namespace names, never fetched
            assert name not in ("src", "href", "xlink:href", "srcset", "action", "poster"), element
            assert "//" not in (value or ""), element
    addresses = re.findall(r"\S*https?://\S*", page)
    assert all(a.startswith(("xmlns=", "xmlns:xlink=")) for a in addresses), addresses
    assert "url(" not in page and "@import" not in page


def test_html_needs_dot_and_says_how_to_install_it(tmp_path):
    result = run_without_dot(tmp_path, "compare", TOWERS, "--format", "html", "-o", "page.html")
    assert_says_how_to_install_dot(result)
    assert not (tmp_path / "page.html").exists()
    markdown = run_without_dot(tmp_path, "compare", TOWERS, "--format", "md")
    assert markdown.returncode == 0, markdown.stderr  # md carries the dot text: no Graphviz needed
    assert markdown.stdout == compare.markdown(example(TOWERS))


# --------------------------------------------------------------------------- ipynb


@pytest.fixture
def kernel_name(tmp_path, monkeypatch):
    """A kernelspec for this very interpreter, found through JUPYTER_PATH: no manual setup."""
    from ipykernel.kernelspec import write_kernel_spec

    name = "modelgen-test-python"
    write_kernel_spec(tmp_path / "jupyter" / "kernels" / name)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return name


def summary_text(cell) -> str:
    """What a code cell printed, colours removed: Keras' summary comes as rich display data."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        elif output.output_type in ("display_data", "execute_result"):
            parts.append(output.data.get("text/plain", ""))
    return re.sub(r"\x1b\[[\d;]*m", "", "".join(parts))


def test_notebook_runs_on_a_real_kernel_and_every_style_has_the_same_totals(tmp_path, kernel_name):
    import nbformat
    from nbclient import NotebookClient

    target = tmp_path / "mnist_mlp.ipynb"
    result = run("compare", MLP, "--format", "ipynb", "-o", target)
    assert result.returncode == 0, result.stderr
    notebook = nbformat.read(target, as_version=4)
    nbformat.validate(notebook)
    NotebookClient(
        notebook, kernel_name=kernel_name, timeout=300, resources={"metadata": {"path": tmp_path}}
    ).execute()
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert not [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    totals = {}
    for cell in code_cells[:-1]:
        variable = re.search(r"^(\w+)_model = build_model\(\)$", cell.source, re.M).group(1)
        assert cell.source.endswith(f"\n{variable}_model.summary()")
        printed = summary_text(cell)
        totals[variable] = re.findall(r"(Total|Trainable|Non-trainable) params: ([\d,]+)", printed)
    assert list(totals) == ["sequential", "sequential_list", "functional", "subclass"]
    assert list(totals) == [style.file_suffix for style in STYLES.values()]
    assert all(t == [("Total", "266,610"), ("Trainable", "266,610"), ("Non-trainable", "0")]
               for t in totals.values()), totals  # fmt: skip
    checked = summary_text(code_cells[-1])
    assert json.loads(checked.replace("'", '"')) == dict.fromkeys(ALL_STYLES, 266610)


def test_every_module_ends_with_the_main_block_a_notebook_cell_leaves_out():
    assert main_block() == '\n\nif __name__ == "__main__":\n    build_model().summary()\n'
    goldens = sorted(EXAMPLES.glob("*/*.py"))
    assert len(goldens) >= 18
    for path in goldens:
        assert path.read_text(encoding="utf-8").endswith(main_block()), path


def test_notebook_cells_for_a_graph():
    notebook = json.loads(compare.notebook(example(TOWERS)))
    cells = notebook["cells"]
    kinds = [c["cell_type"] for c in cells]
    assert kinds == ["markdown", "markdown", "markdown", "markdown", "code", "markdown", "code",
                     "markdown", "code"]  # fmt: skip
    intro = "".join(cells[0]["source"])
    assert "![The layers and their connections](attachment:diagram.png)" in intro
    assert cells[0]["attachments"]["diagram.png"]["image/png"].startswith("iVBORw0KGgo")  # PNG
    skipped = "".join(cells[1]["source"])
    assert skipped.startswith("## sequential: ") and "'input_2' is a second input" in skipped
    functional = "".join(cells[4]["source"])
    assert functional == (
        golden("two_towers", "functional").removesuffix(main_block())
        + "\n\nfunctional_model = build_model()\nfunctional_model.summary()"
    )
    assert "".join(cells[-1]["source"]) == (
        "params = {\n"
        '    "functional": functional_model.count_params(),\n'
        '    "subclass": subclass_model.count_params(),\n'
        "}\n"
        "print(params)\n"
        "assert set(params.values()) == {3942}, params"
    )


def test_notebook_is_the_same_bytes_every_time(tmp_path):
    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    for target in (first, second):
        assert run("compare", TOWERS, "-f", "ipynb", "-o", target).returncode == 0
    assert first.read_bytes() == second.read_bytes()


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("page_format", compare.PAGE_FORMATS)
def test_bad_spec_is_positioned_and_writes_nothing(tmp_path, page_format):
    spec = tmp_path / "bad.mg"
    spec.write_text("input 28x28\nflatten\ndense 300 relu,\n")
    result = run("compare", spec, "--format", page_format, "-o", tmp_path / "page")
    assert_user_error(result, f"{spec}:3:15: error:", "unexpected ','")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.mg"]


def test_never_overwrites_without_force(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("mine\n")
    refused = run("compare", MLP, "-f", "html", "-o", target)
    assert refused.returncode == 2 and "already exists (use --force" in refused.stderr
    assert target.read_text() == "mine\n"
    assert run("compare", MLP, "-f", "html", "-o", target, "--force").returncode == 0
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_unknown_format_is_a_usage_error():
    result = run("compare", MLP, "--format", "pdf")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'md'" in result.stderr and "'html'" in result.stderr


def test_the_cli_starts_without_the_modules_only_some_commands_need():
    """plot, compare and init import theirs when they run: `modelgen new` stays fast."""
    code = (
        "import sys, modelgen.cli\n"
        "heavy = {'graphviz', 'nbformat', 'pygments', 'nbclient', 'jinja2', 'cookiecutter',"
        " 'modelgen.project', 'modelgen.compare', 'modelgen.plot'}\n"
        "loaded = {m.split('.')[0] for m in sys.modules} | set(sys.modules)\n"
        "print(sorted(heavy & loaded))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "[]\n", result.stderr


# --------------------------------------------------------------------------- blocks

RESNET18 = EXAMPLES / "resnet18" / "resnet18.mg"  # two blocks, Basic and Down
# Blocks in blocks: `pair` uses `unit` twice and adds them; a second input, which the
# Sequential styles cannot take.
NESTED_BLOCKS = """\
model nested
block unit units
  input
  dense $units relu
  dropout 0.1
end
block pair units
  x: input
  a: unit $units
  b: unit $units <- x
  add <- a, b
end
i: input 8
j: input 16
p: pair 16 <- i
q: pair 16 <- p
add <- q, j
dense 2
"""
BLOCKS_COMMENT = '# The block classes Unit and Pair: under "Blocks", the same in every style.\n'


def test_markdown_shows_each_block_class_once_and_the_styles_without_them():
    graph = load(NESTED_BLOCKS, "nested.mg")
    text = compare.markdown(graph)
    headings = re.findall(r"^## (.*)$", text, re.M)
    assert headings[:3] == ["Summary", "Diagram", "Blocks"]
    assert headings[3:] == [f"{style.name}: {style.title}" for style in STYLES.values()]
    blocks, *styles = python_blocks(text)
    assert text.count("class Unit(layers.Layer):") == text.count("class Pair(") == 1
    assert blocks.index("class Unit(") < blocks.index("class Pair(")  # inner first
    assert "The block classes `Unit` and `Pair`: every style's module defines them" in text
    imports = "import keras\nfrom keras import layers\n"
    assert blocks.startswith(imports)
    classes = blocks.removeprefix(imports)
    assert len(styles) == 2  # functional and subclass; the Sequential ones say why not
    for code, style in zip(styles, ("functional", "subclass"), strict=True):
        assert BLOCKS_COMMENT in code and "class Unit" not in code
        # Put back, the classes make the module exactly as `modelgen new` writes it.
        assert code.replace("\n" + BLOCKS_COMMENT + "\n", classes + "\n") == generate(graph, style)
        assert format_code(code) == code  # as black leaves it
    assert "This style cannot express the model:" in text.split("## sequential: ")[1]


def test_compare_with_blocks_in_every_import_flavour():
    graph = example(RESNET18)
    for imports in IMPORT_FLAVOURS:
        view = compare.page(graph, imports)
        assert view.blocks is not None and view.blocks.class_names == ("Basic", "Down")
        assert all(p.code is not None and "class Basic(" not in p.code for p in view.panes)
        assert view.blocks.code in generate(graph, "functional", imports)


def test_a_page_without_blocks_has_no_blocks_section():
    for spec in (MLP, TOWERS):
        view = compare.page(example(spec))
        assert view.blocks is None
        assert "## Blocks" not in compare.markdown(example(spec))
    assert 'id="blocks"' not in compare.html(example(TOWERS))


def test_html_shows_each_block_class_once():
    page = compare.html(example(RESNET18))
    found = elements(page)
    (section,) = [e for e in found if e["attrs"].get("id") == "blocks"]
    assert "class Basic(layers.Layer)" in section["text"]
    assert section["text"].count("class Down(layers.Layer)") == 1
    panes = [e for e in found if "data-style" in e["attrs"]]
    assert len(panes) == len(STYLES)
    for pane in panes:
        assert "class Basic(" not in pane["text"] and "Basic(64)" in pane["text"]
    assert page.index('id="blocks"') < page.index('id="style-')


def test_notebook_with_blocks_runs_the_classes_first_on_a_real_kernel(tmp_path, kernel_name):
    import nbformat
    from nbclient import NotebookClient

    target = tmp_path / "nested.ipynb"
    result = run("compare", "-e", NESTED_BLOCKS, "--format", "ipynb", "-o", target)
    assert result.returncode == 0, result.stderr
    notebook = nbformat.read(target, as_version=4)
    blocks_heading, blocks = notebook.cells[1:3]
    assert blocks_heading.source.startswith("## Blocks\n")
    assert blocks.cell_type == "code" and blocks.source.count("class ") == 2
    NotebookClient(
        notebook, kernel_name=kernel_name, timeout=300, resources={"metadata": {"path": tmp_path}}
    ).execute()
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert not [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    total = summarize(load(NESTED_BLOCKS, "<expr>")).total
    checked = summary_text(code_cells[-1])
    assert json.loads(checked.replace("'", '"')) == {"functional": total, "subclass": total}
