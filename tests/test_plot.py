"""`modelgen plot`: the layer graph as Graphviz dot, SVG and PNG, drawn without TensorFlow."""

from __future__ import annotations

import dataclasses
import html
import os
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from modelgen import plot
from modelgen.errors import visible
from modelgen.generate import load
from modelgen.graph import Argument

from .block_specs import NESTED_BLOCKS
from .goldens import EXAMPLES
from .test_cli import assert_user_error, run

SVG = "{http://www.w3.org/2000/svg}"
RESNET = Path(__file__).parent / "specs" / "resnet18.mg"  # 69 layers

# (type, name, output shape, parameters) of every box, as Keras' summary reports them.
MLP_BOXES = {
    "input_layer": ("InputLayer", "(None, 28, 28)", "0 params"),
    "flatten": ("Flatten", "(None, 784)", "0 params"),
    "dense": ("Dense", "(None, 300)", "235,500 params"),
    "dense_1": ("Dense", "(None, 100)", "30,100 params"),
    "dense_2": ("Dense", "(None, 10)", "1,010 params"),
}
MLP_ARROWS = {
    ("input_layer", "flatten"),
    ("flatten", "dense"),
    ("dense", "dense_1"),
    ("dense_1", "dense_2"),
}
TOWERS_BOXES = {
    "input_1": ("InputLayer", "(None, 10, 10)", "0 params"),
    "input_2": ("InputLayer", "(None, 10, 28)", "0 params"),
    "hidden1": ("Dense", "(None, 10, 100)", "2,900 params"),
    "hidden2": ("Dense", "(None, 10, 10)", "1,010 params"),
    "concat": ("Concatenate", "(None, 10, 20)", "0 params"),
    "output": ("Dense", "(None, 10, 1)", "21 params"),
    "sum_output": ("Dense", "(None, 10, 1)", "11 params"),
}
TOWERS_ARROWS = {
    ("input_2", "hidden1"),
    ("hidden1", "hidden2"),
    ("input_1", "concat"),
    ("hidden2", "concat"),
    ("concat", "output"),
    ("hidden2", "sum_output"),
}
SKIP_BOXES = {
    "inputs": ("InputLayer", "(None, 28, 28)", "0 params"),
    "flat": ("Flatten", "(None, 784)", "0 params"),
    "hidden": ("Dense", "(None, 300)", "235,500 params"),
    "hidden1": ("Dense", "(None, 30)", "9,030 params"),
    "concat": ("Concatenate", "(None, 814)", "0 params"),
    "dense": ("Dense", "(None, 1)", "815 params"),
}
SKIP_ARROWS = {
    ("inputs", "flat"),
    ("flat", "hidden"),
    ("hidden", "hidden1"),
    ("flat", "concat"),
    ("hidden1", "concat"),
    ("concat", "dense"),
}
CASES = {
    "mnist_mlp": (MLP_BOXES, MLP_ARROWS, "mnist_mlp: 266,610 params"),
    "two_towers": (TOWERS_BOXES, TOWERS_ARROWS, "two_towers: 3,942 params"),
    "skip_mlp": (SKIP_BOXES, SKIP_ARROWS, "skip_mlp: 245,345 params"),
}


def example(name: str):
    return example_spec(EXAMPLES / name / f"{name}.mg")


def example_spec(spec):
    return load(spec.read_text(encoding="utf-8"), spec.name)


def _text(markup: str) -> str:
    return re.sub(r"<[^>]*>", "", markup)


def dot_boxes(source: str) -> dict[str, tuple[str, ...]]:
    """Each node statement of dot text: its name and the lines of its label, tags removed."""
    boxes = {}
    for name, label in re.findall(r"^\t(\S+) \[label=<(.*)> ", source, re.M):
        lines = [_text(cell) for cell in re.findall(r"<td>(.*?)</td>", label)]
        boxes[name] = tuple(lines)
    return boxes


def dot_arrows(source: str) -> set[tuple[str, str]]:
    return set(re.findall(r"^\t(\S+) -> (\S+)$", source, re.M))


@pytest.mark.parametrize("name", CASES)
def test_dot_has_every_box_and_arrow(name):
    boxes, arrows, title = CASES[name]
    source = plot.dot_source(example(name))
    assert dot_boxes(source) == {key: (kind, key, *rest) for key, (kind, *rest) in boxes.items()}
    assert dot_arrows(source) == arrows
    assert f'label="{title}"' in source


def test_a_merge_lists_its_sources_in_order():
    arrows = plot.diagram(example("two_towers")).arrows
    into_concat = [source for source, reader in arrows if reader == "concat"]
    assert into_concat == ["input_1", "hidden2"]  # concatenate <- input_1, hidden2


def test_wrapped_layers_name_what_they_wrap():
    graph = load("input 10x8 | bidirectional lstm 4 | dense 1", "<expr>")
    box = plot.diagram(graph).boxes[1]
    assert (box.layer_class, box.shape, box.params) == (
        "Bidirectional(LSTM)",
        "(None, 8)",
        "416 params",  # 2 directions x 4 x (4 x (8 + 4) + 4), as Keras counts
    )


def named(graph, names: dict[int, str]):
    """`graph` with the layers at these indices named so, as the parser may not allow
    (Keras refuses some names): what the picture does with any name, whatever the rules."""
    nodes = list(graph.nodes)
    for index, name in names.items():
        node = nodes[index]
        others = tuple(a for a in node.arguments if a.name != "name")
        nodes[index] = dataclasses.replace(
            node, arguments=(*others, Argument("name", name, node.statement.span))
        )
    return dataclasses.replace(graph, nodes=tuple(nodes))


def test_a_layer_name_is_text_not_markup():
    """Keras names need not be identifiers; Graphviz must neither parse nor render them."""
    graph = named(load("input 3 | dense 2 | dense 1", "<expr>"), {1: '<b>x--&y|z"q</b>'})
    source = plot.dot_source(graph)
    assert '\tinput_layer -> "#1"\n\t"#1" -> dense\n' in source
    assert "&lt;b&gt;x--&amp;y|z&quot;q&lt;/b&gt;" in source
    svg = ElementTree.fromstring(plot.render(graph, "svg"))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert '<b>x--&y|z"q</b>' in texts


# Names Graphviz would misread as written: a port (`a:b`), a compass point, an escaped
# closing quote (a trailing backslash), quotes, HTML, braces and brackets that open a
# subgraph or an attribute list, a line break, keywords, a numeral, `#k` IDs of others.
MISREAD = ["a:b", "a:b:n", "c\\", 'q"uo\\"te', "<b>", "<<x>>", "{y}", "[z]", "x\ny", "node",
           "Edge", "-1.5", "#1", "a -> b", "p;q", "\\N", "é", "\x1b[2J"]  # fmt: skip


def misread_graph():
    spec = "i: input 3\n" + "".join(f"l{k}: dense 2 <- i\n" for k in range(len(MISREAD)))
    spec += "add <- " + ", ".join(f"l{k}" for k in range(len(MISREAD))) + "\n"
    return named(load(spec, "<expr>"), {k + 1: name for k, name in enumerate(MISREAD)})


def test_names_graphviz_would_misread_are_drawn_exactly():
    """Drawn by the real dot: one box per layer (no phantom node from a port or a second
    name), one arrow per connection, and each box shows its name exactly."""
    graph = misread_graph()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # graphviz's DotSyntaxWarning: a quoting it gave up on
        svg = ElementTree.fromstring(plot.render(graph, "svg"))
    nodes = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "node"]
    edges = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "edge"]
    assert len(nodes) == len(graph.nodes) == len(MISREAD) + 2
    assert len(edges) == 2 * len(MISREAD)
    shown = [[t.text for t in node.iter(f"{SVG}text")][1] for node in nodes]  # under the class
    assert shown == ["i", *map(visible, MISREAD), "add"]
    ids = [node.find(f"{SVG}title").text for node in nodes]
    assert len(set(ids)) == len(ids)
    arrows = {tuple(e.find(f"{SVG}title").text.split("->")) for e in edges}
    assert arrows == {(i, r) for i, r in plot.diagram(graph).arrows}


def test_an_id_is_the_name_when_graphviz_reads_it_back_unquoted():
    assert [plot.node_id(7, n) for n in ("dense_1", "Dense", "_x", "node", "a:b", "1", "é")] == [
        "dense_1", "Dense", "_x", "#7", "#7", "#7", "#7"
    ]  # fmt: skip


def test_compare_draws_names_graphviz_would_misread():
    from modelgen import compare

    page = compare.html(misread_graph())  # a traceback from dot, before
    assert page.count('class="node"') == len(MISREAD) + 2
    # Every name needs an ID of its own ("Edge" is a keyword; "é" is not plain ASCII).
    assert compare.markdown(misread_graph()).count('\ti -> "#') == len(MISREAD)


# --------------------------------------------------------------------------- options

CONV = (
    'input 28x28x1 | conv2d 8 3x3 relu strides=2 padding="same" | flatten | dropout 0.5 | dense 2'
)


def box_lines(source: str) -> dict[str, tuple[str, ...]]:
    """Each box's lines as the picture shows them: entities decoded."""
    return {name: tuple(map(html.unescape, lines)) for name, lines in dot_boxes(source).items()}


def test_activations_and_arguments_on_request():
    graph = load(CONV, "<expr>")
    plain = box_lines(plot.dot_source(graph))
    assert plain["conv2d"] == ("Conv2D", "conv2d", "(None, 14, 14, 8)", "80 params")
    options = plot.PlotOptions(show_activations=True, show_arguments=True)
    shown = box_lines(plot.dot_source(graph, options))
    assert shown["conv2d"] == (
        "Conv2D", "conv2d", "(None, 14, 14, 8)", "relu",
        "filters=8, kernel_size=(3, 3), strides=2", "padding='same'", "80 params",
    )  # fmt: skip
    assert shown["dense"] == ("Dense", "dense", "(None, 2)", "linear", "units=2", "3,138 params")
    assert shown["dropout"] == ("Dropout", "dropout", "(None, 1568)", "rate=0.5", "0 params")
    assert shown["flatten"] == plain["flatten"]  # no activation, no argument given
    assert shown["input_layer"] == plain["input_layer"]  # its shape is the output shape
    only_arguments = box_lines(plot.dot_source(graph, plot.PlotOptions(show_arguments=True)))
    assert only_arguments["conv2d"][3:5] == (
        "filters=8, kernel_size=(3, 3), strides=2",
        "padding='same', activation='relu'",
    )


def test_a_wrapper_shows_the_wrapped_layers_activation_and_arguments():
    graph = load("input 10x8 | bidirectional lstm 4 merge_mode=sum | dense 1", "<expr>")
    options = plot.PlotOptions(show_activations=True, show_arguments=True)
    box = box_lines(plot.dot_source(graph, options))["bidirectional"]
    assert box[3:5] == ("tanh", "merge_mode='sum', units=4")


def test_shapes_and_parameters_can_be_hidden():
    graph = load(CONV, "<expr>")
    options = plot.PlotOptions(show_shapes=False, show_params=False)
    assert box_lines(plot.dot_source(graph, options))["conv2d"] == ("Conv2D", "conv2d")


@pytest.mark.parametrize("rankdir", plot.RANKDIRS)
def test_rankdir_lays_a_deep_model_out(rankdir):
    graph = example_spec(RESNET)
    source = plot.dot_source(graph, plot.PlotOptions(rankdir=rankdir))
    assert ("\trankdir=" in source) == (rankdir != "TB")  # the default stays as it was
    svg = ElementTree.fromstring(plot.render(graph, "svg", plot.PlotOptions(rankdir=rankdir)))
    width, height = (float(svg.get(a).removesuffix("pt")) for a in ("width", "height"))
    assert (width > 5 * height) if rankdir in ("LR", "RL") else (height > 5 * width)
    assert len([g for g in svg.iter(f"{SVG}g") if g.get("class") == "node"]) == 69


def test_dpi_scales_png_and_svg():
    graph = example("two_towers")

    def png_size(image: bytes) -> tuple[int, int]:
        return int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")

    default = png_size(plot.render(graph, "png"))  # 144 dpi, as before
    assert png_size(plot.render(graph, "png", plot.PlotOptions(dpi=144))) == default
    half = png_size(plot.render(graph, "png", plot.PlotOptions(dpi=72)))
    assert abs(half[0] * 2 - default[0]) <= 2 and abs(half[1] * 2 - default[1]) <= 2
    svg = ElementTree.fromstring(plot.render(graph, "svg", plot.PlotOptions(dpi=144)))
    plain = ElementTree.fromstring(plot.render(graph, "svg"))
    assert svg.get("width") == f"{2 * float(plain.get('width').removesuffix('pt')):g}pt"


def test_cli_takes_the_plot_options(tmp_path):
    target = tmp_path / "model.png"
    result = run(
        "plot", RESNET, "-o", target, "--rankdir", "LR", "--show-activations",
        "--show-arguments", "--hide-params", "--dpi", "72",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    image = target.read_bytes()
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert width > 5 * height
    dot = run("plot", "-e", CONV, "--rankdir", "bt", "--show-activations", "--hide-shapes")
    assert dot.returncode == 0, dot.stderr
    assert "\trankdir=BT\n" in dot.stdout
    assert box_lines(dot.stdout)["conv2d"] == ("Conv2D", "conv2d", "relu", "80 params")


@pytest.mark.parametrize(
    ("option", "value"), [("--rankdir", "XY"), ("--dpi", "5000"), ("--dpi", "0")]
)
def test_cli_refuses_a_bad_option_value(tmp_path, option, value):
    result = run("plot", "-e", CONV, option, value, "-o", tmp_path / "model.png")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"Invalid value for '{option}'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_choices_are_the_library_constants():
    from modelgen import cli

    assert cli.PLOT_RANKDIRS == plot.RANKDIRS and cli.PLOT_DPI_RANGE == plot.DPI_RANGE


@pytest.mark.parametrize("name", ["two_towers", "skip_mlp"])
def test_svg_draws_every_box_and_arrow(name):
    boxes, arrows, title = CASES[name]
    svg = ElementTree.fromstring(plot.render(example(name), "svg"))
    drawn = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") == "node":
            texts = [t.text for t in group.iter(f"{SVG}text")]
            drawn[group.find(f"{SVG}title").text] = tuple(texts)
    assert drawn == {key: (kind, key, *rest) for key, (kind, *rest) in boxes.items()}
    edges = {
        tuple(group.find(f"{SVG}title").text.split("->"))
        for group in svg.iter(f"{SVG}g")
        if group.get("class") == "edge"
    }
    assert edges == arrows
    assert title in [t.text for t in svg.iter(f"{SVG}text")]


def test_png_is_a_png():
    image = plot.render(example("two_towers"), "png")
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert 200 < width < height  # a tall graph, drawn at 144 dpi


@pytest.mark.parametrize("extension", ["svg", "png", "dot"])
def test_cli_writes_each_format(tmp_path, extension):
    target = tmp_path / f"model.{extension}"
    result = run("plot", EXAMPLES / "skip_mlp" / "skip_mlp.mg", "-o", target)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"wrote {target}\n"
    written = target.read_bytes()
    graph = example("skip_mlp")
    if extension == "dot":
        assert written.decode() == plot.dot_source(graph)
    elif extension == "svg":
        assert ElementTree.fromstring(written).tag == f"{SVG}svg"
    else:
        assert written[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary files left


def test_cli_prints_dot_without_output():
    result = run("plot", "-e", "input 4 | dense 2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("digraph model {")
    assert dot_arrows(result.stdout) == {("input_layer", "dense")}


def test_cli_never_overwrites_without_force(tmp_path):
    target = tmp_path / "model.png"
    target.write_bytes(b"mine")
    refused = run("plot", EXAMPLES / "mnist_mlp" / "mnist_mlp.mg", "-o", target)
    assert refused.returncode == 2 and "already exists (use --force" in refused.stderr
    assert target.read_bytes() == b"mine"
    assert (
        run("plot", EXAMPLES / "mnist_mlp" / "mnist_mlp.mg", "-o", target, "--force").returncode
        == 0
    )
    assert target.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("name", ["model.pdf", "model", "model.svg.txt"])
def test_cli_refuses_an_unknown_extension(tmp_path, name):
    result = run("plot", EXAMPLES / "mnist_mlp" / "mnist_mlp.mg", "-o", tmp_path / name)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "cannot tell what to draw" in result.stderr
    assert "name a .dot, .svg or .png file" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_bad_spec_is_positioned_and_writes_nothing(tmp_path):
    spec = tmp_path / "bad.mg"
    spec.write_text("input 28x28\ndnse 10\n")
    result = run("plot", spec, "-o", tmp_path / "model.svg")
    assert_user_error(result, f"{spec}:2:1: error:", "unknown layer 'dnse'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.mg"]


def run_without_dot(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """The CLI with a PATH that holds no Graphviz: an empty folder."""
    empty = tmp_path / "no-graphviz"
    empty.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "modelgen", *map(str, args)],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PATH": str(empty)},
    )  # fmt: skip


def assert_says_how_to_install_dot(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("modelgen: error: drawing a .")
    assert "needs Graphviz's 'dot' program, which is not on PATH" in result.stderr
    assert "apt-get install graphviz" in result.stderr
    assert "brew install graphviz" in result.stderr


def test_missing_dot_says_how_to_install_it(tmp_path):
    for extension in ("svg", "png"):
        target = tmp_path / f"model.{extension}"
        result = run_without_dot(
            tmp_path, "plot", EXAMPLES / "two_towers" / "two_towers.mg", "-o", target
        )
        assert_says_how_to_install_dot(result)
        assert not target.exists()
    dot = run_without_dot(
        tmp_path, "plot", EXAMPLES / "two_towers" / "two_towers.mg", "-o", "model.dot"
    )
    assert dot.returncode == 0, dot.stderr  # dot text needs no Graphviz program
    assert (tmp_path / "model.dot").read_text() == plot.dot_source(example("two_towers"))


def test_a_block_use_is_one_box_with_its_class_and_the_arguments_it_gives():
    source = plot.dot_source(example("resnet18"))
    boxes = dot_boxes(source)
    assert boxes["down_1"] == (
        "Down", "down_1", "(None, 8, 8, 256)", "filters=256", "920,576 params",
    )  # fmt: skip
    assert boxes["conv2d"] == ("Conv2D", "conv2d", "(None, 32, 32, 64)", "1,728 params")
    assert "cluster" not in source
    shown = dot_boxes(plot.dot_source(example("resnet18"), plot.PlotOptions(show_arguments=True)))
    assert shown["down_1"] == boxes["down_1"]  # shown once


def test_expand_draws_a_block_use_as_a_cluster_of_its_layers_nested_blocks_too():
    graph = load(NESTED_BLOCKS, "nested.mg")
    drawn = plot.diagram(graph, expand=True)
    assert [b.name for b in drawn.boxes] == ["input_layer", "dense_4"]
    pair = drawn.clusters[0]
    assert (pair.box.name, pair.box.layer_class, pair.box.arguments) == (
        "pair", "Pair", (("units", "16"),),
    )  # fmt: skip
    a, b, add = pair.members
    assert isinstance(a, plot.Cluster) and isinstance(add, plot.Box)
    assert [m.node_id for m in a.members] == ["pair/a/dense", "pair/a/dropout"]
    assert (a.box.params, a.members[0].params) == ("144 params", "144 params")
    # Arrows run from the use's source into the layers that read the block's input, and
    # from the layer that gives its output to the use's reader.
    assert drawn.arrows == (
        ("input_layer", "pair/a/dense"),
        ("pair/a/dense", "pair/a/dropout"),
        ("input_layer", "pair/b/dense"),
        ("pair/b/dense", "pair/b/dropout"),
        ("pair/a/dropout", "pair/add"),
        ("pair/b/dropout", "pair/add"),
        ("pair/add", "pair_1/a/dense"),
        ("pair_1/a/dense", "pair_1/a/dropout"),
        ("pair/add", "pair_1/b/dense"),
        ("pair_1/b/dense", "pair_1/b/dropout"),
        ("pair_1/a/dropout", "pair_1/add"),
        ("pair_1/b/dropout", "pair_1/add"),
        ("pair_1/add", "dense_4"),
    )
    source = plot.dot_source(graph, plot.PlotOptions(expand=True))
    assert source.count("subgraph cluster_pair {") == 1
    assert source.count('subgraph "cluster_pair/a" {') == 1
    assert source.count("subgraph ") == 6  # two pairs, each of two units
    # Unexpanded, the same graph is four boxes.
    assert [b.name for b in plot.diagram(graph).boxes] == [
        "input_layer",
        "pair",
        "pair_1",
        "dense_4",
    ]


def test_expand_changes_nothing_in_a_model_without_blocks():
    graph = example("two_towers")
    assert plot.dot_source(graph, plot.PlotOptions(expand=True)) == plot.dot_source(graph)


def test_expanded_clusters_hold_every_layer_of_resnet18_once():
    graph = example("resnet18")
    drawn = plot.diagram(graph, expand=True)

    def boxes(members):
        for member in members:
            if isinstance(member, plot.Cluster):
                yield from boxes(member.members)
            else:
                yield member

    every = list(boxes(drawn.members))
    assert len(every) == 4 + 5 * 7 + 3 * 9 + 2  # stem, five basics, three downs, head
    ids = [b.node_id for b in every]
    assert len(set(ids)) == len(ids)
    assert {reader for _, reader in drawn.arrows} | {"input_layer"} == set(ids)
    assert ("down/add", "down/activation_1") in drawn.arrows
    assert ("basic_1/activation_1", "down/conv2d") in drawn.arrows
    assert ("basic_1/activation_1", "down/conv2d_2") in drawn.arrows  # the shortcut


def test_cli_plot_expand(tmp_path):
    plain = run("plot", "-e", NESTED_BLOCKS)
    expanded = run("plot", "-e", NESTED_BLOCKS, "--expand")
    assert plain.returncode == expanded.returncode == 0, expanded.stderr
    assert "cluster" not in plain.stdout and 'subgraph "cluster_pair_1/b"' in expanded.stdout
    target = tmp_path / "nested.svg"
    drawn = run("plot", "-e", NESTED_BLOCKS, "--expand", "-o", target)
    assert drawn.returncode == 0, drawn.stderr
    svg = ElementTree.fromstring(target.read_bytes())
    titles = {t.text for t in svg.iter(f"{SVG}title")}
    assert {"cluster_pair", "cluster_pair/a", "pair/a/dense", "pair_1/add"} <= titles
