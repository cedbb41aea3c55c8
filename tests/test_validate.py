"""Stage 2, validate: binding arguments, resolving the graph, and positioned errors.

Also the Sequential styles' refusals, which read the validated graph, and a
property test over random chains of Dense layers.
"""

from __future__ import annotations

import keyword
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelgen import catalogue
from modelgen.argtypes import OBJECT_TYPES, ArgType
from modelgen.errors import Diagnostic
from modelgen.generate import load
from modelgen.graph import ModelGraph
from modelgen.identifiers import RESERVED_NAMES
from modelgen.ir import KerasObject, LayerStatement, Span, ValueKind
from modelgen.parser import default_model_name, parse
from modelgen.styles import STYLES
from modelgen.validate import validate

from .diagnostics import load_error, only, position

# --------------------------------------------------------------------------- helpers


def single_error(source: str) -> Diagnostic:
    return only(load_error(source))


def arguments(source: str, index: int = -1) -> list[tuple[str, object]]:
    """The bound (name, value) arguments of one node of `source`'s graph."""
    node = load(source).nodes[index]
    return [(a.name, a.value) for a in node.arguments]


def constructor_order(keyword_: str, names: list[str]) -> list[str]:
    entry = catalogue.lookup(keyword_)
    assert entry is not None
    order = [p.name for p in entry.params]
    return sorted(names, key=order.index)


def labels(graph: ModelGraph) -> list[str | None]:
    return [node.label for node in graph.nodes]


# ------------------------------------------------------------------------- binding


def test_validate_takes_a_parsed_spec() -> None:
    spec = parse("input 28x28\nflatten\ndense 10 softmax", "mnist.mg")
    graph = validate(spec)
    assert isinstance(graph, ModelGraph)
    assert graph.spec is spec
    assert graph.name == "mnist"
    assert [node.entry.keyword for node in graph.nodes] == ["Input", "Flatten", "Dense"]
    assert graph.inputs == (0,)
    assert graph.outputs == (2,)
    assert [node.index for node in graph.nodes] == [0, 1, 2]
    assert [node.statement for node in graph.nodes] == list(spec.statements)
    assert graph.nodes[0].is_input and not graph.nodes[1].is_input


def test_lstm_bare_activations_fill_activation_then_recurrent_activation() -> None:
    assert arguments("input 5x3 | lstm 64 tanh sigmoid") == [
        ("units", 64),
        ("activation", "tanh"),
        ("recurrent_activation", "sigmoid"),
    ]


def test_one_bare_activation_is_the_activation() -> None:
    assert arguments("input 5x3 | lstm 64 sigmoid") == [("units", 64), ("activation", "sigmoid")]
    assert arguments("input 5x3 | gru 8 none hard_sigmoid") == [
        ("units", 8),
        ("activation", None),
        ("recurrent_activation", "hard_sigmoid"),
    ]


def test_conv2d_positionals_bare_activation_and_keyword() -> None:
    bound = dict(arguments("input 28x28x1 | conv2d 16 3x3 relu padding=same"))
    assert bound == {"filters": 16, "kernel_size": (3, 3), "activation": "relu", "padding": "same"}


def test_arguments_come_out_in_constructor_order_whatever_the_spec_order() -> None:
    written = (
        "input 28x28x1 | conv2d padding=same activation=relu kernel_size=3x3 filters=16 strides=2"
    )
    positional = "input 28x28x1 | conv2d 16 3x3 2 same activation=relu"
    mixed = "input 28x28x1 | conv2d relu 16 strides=2 3x3 padding=same"
    expected = [
        ("filters", 16),
        ("kernel_size", (3, 3)),
        ("strides", 2),
        ("padding", "same"),
        ("activation", "relu"),
    ]
    for source in (written, positional, mixed):
        bound = arguments(source)
        assert bound == expected, source
        names = [name for name, _ in bound]
        assert names == constructor_order("Conv2D", names)


def test_the_bare_activation_may_come_anywhere_among_positionals() -> None:
    assert arguments("input 3 | dense relu 10") == [("units", 10), ("activation", "relu")]
    assert arguments("input 3 | dense 10 relu false") == [
        ("units", 10),
        ("activation", "relu"),
        ("use_bias", False),
    ]


def test_activation_slot_takes_none_and_quoted_names_positionally() -> None:
    assert arguments("input 3 | dense 10 none") == [("units", 10), ("activation", None)]
    assert arguments('input 3 | dense 10 "relu"') == [("units", 10), ("activation", "relu")]


def test_activation_layer() -> None:
    graph = load("input 3 | activation softmax")
    assert graph.nodes[1].entry.keyword == "Activation"
    assert [(a.name, a.value) for a in graph.nodes[1].arguments] == [("activation", "softmax")]


@pytest.mark.parametrize(
    ("statement", "keyword_", "bound"),
    [
        ("dropout .25 none 42", "Dropout", [("rate", 0.25), ("noise_shape", None), ("seed", 42)]),
        ("reshape (3, -1)", "Reshape", [("target_shape", (3, -1))]),
        (
            "batchnorm 1 .99 1e-3",
            "BatchNormalization",
            [("axis", 1), ("momentum", 0.99), ("epsilon", 1e-3)],
        ),
        ("layernorm -1 1e-6", "LayerNormalization", [("axis", -1), ("epsilon", 1e-6)]),
        (
            "embedding 1000 32 mask_zero=true",
            "Embedding",
            [("input_dim", 1000), ("output_dim", 32), ("mask_zero", True)],
        ),
        ("flatten", "Flatten", []),
        (
            "dense 2 name=out trainable=false dtype=float32 kernel_regularizer=l2",
            "Dense",
            [
                ("units", 2),
                ("kernel_regularizer", "l2"),
                ("name", "out"),
                ("dtype", "float32"),
                ("trainable", False),
            ],
        ),
    ],
)
def test_binding_of_other_layers(statement: str, keyword_: str, bound: list) -> None:
    node = load(f"input 3x4x5 | {statement}").nodes[-1]
    assert node.entry.keyword == keyword_
    assert [(a.name, a.value) for a in node.arguments] == bound
    assert all(type(a.value) is type(v) for a, (_, v) in zip(node.arguments, bound, strict=True))


def test_pooling_positionals() -> None:
    assert arguments("input 8x8x3 | maxpool2d 2x2 none same") == [
        ("pool_size", (2, 2)),
        ("strides", None),
        ("padding", "same"),
    ]
    assert arguments("input 8x3 | maxpooling1d 2") == [("pool_size", 2)]


def test_input_arguments() -> None:
    assert arguments('input 28x28 batch_size=32 dtype=float16 name="x" | dense 2', 0) == [
        ("shape", (28, 28)),
        ("batch_size", 32),
        ("dtype", "float16"),
        ("name", "x"),
    ]


def test_argument_spans_point_at_the_values() -> None:
    node = load("input 3\ndense 10 relu use_bias=false").nodes[1]
    assert node.argument("units").span == Span(2, 7, 2, 9)  # type: ignore[union-attr]
    assert node.argument("activation").span == Span(2, 10, 2, 14)  # type: ignore[union-attr]
    assert node.argument("use_bias").span == Span(2, 24, 2, 29)  # type: ignore[union-attr]
    assert node.argument("kernel_initializer") is None


def test_concatenate_axis_and_sources() -> None:
    graph = load("a: input 3 | b: input 4 | c: concat -1 <- a, b")
    node = graph.nodes[2]
    assert node.entry.keyword == "Concatenate"
    assert [(a.name, a.value) for a in node.arguments] == [("axis", -1)]
    assert node.sources == (0, 1)
    assert graph.inputs == (0, 1)


# ----------------------------------------------------------------- argument errors


def test_unknown_layer_suggests_the_closest() -> None:
    diagnostic = single_error("input 3\ndnse 10 relu")
    assert diagnostic.message == "unknown layer 'dnse'"
    assert diagnostic.span == Span(2, 1, 2, 5)
    assert diagnostic.hint == "did you mean 'dense'?"


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [("conv2", "conv2d"), ("flaten", "flatten"), ("Dropuot", "dropout"), ("concatenat", "concat")],
)
def test_unknown_layer_suggestions(word: str, suggestion: str) -> None:
    diagnostic = single_error(f"input 3 | {word} 1")
    assert position(diagnostic) == (1, 11)
    assert diagnostic.hint is not None and suggestion in diagnostic.hint.lower()


def test_unknown_layer_with_nothing_close_points_at_the_catalogue() -> None:
    diagnostic = single_error("input 3 | zzzzqq 3")
    assert position(diagnostic) == (1, 11)
    assert diagnostic.hint is not None and "modelgen layers" in diagnostic.hint


def test_unknown_keyword_argument_suggests_the_closest() -> None:
    diagnostic = single_error("input 3\ndense 10 unit=3")
    assert diagnostic.span == Span(2, 10, 2, 14)
    assert "'unit'" in diagnostic.message and "Dense" in diagnostic.message
    assert diagnostic.hint == "did you mean 'units'?"


def test_unknown_keyword_argument_with_nothing_close() -> None:
    diagnostic = single_error("input 3 | dense 3 frobnicate=1")
    assert position(diagnostic) == (1, 19)
    assert "'frobnicate'" in diagnostic.message
    assert diagnostic.hint is not None


def test_wrong_type_says_what_was_expected_and_received() -> None:
    diagnostic = single_error("input 3\ndense ten")
    assert diagnostic.span == Span(2, 7, 2, 10)
    assert "units" in diagnostic.message
    assert "expected a positive integer" in diagnostic.message
    assert "'ten'" in diagnostic.message


@pytest.mark.parametrize(
    ("statement", "column", "words"),
    [
        ("dense 0", 7, ["positive integer", "'0'"]),
        ("dense -5", 7, ["positive integer", "'-5'"]),
        ("dense 1.5", 7, ["positive integer", "'1.5'"]),
        ("dense 1e3", 7, ["positive integer", "'1e3'"]),
        ("dense (10,)", 7, ["positive integer"]),
        ("dense 10 use_bias=yes", 19, ["true or false", "'yes'"]),
        ("dense 10 true", 10, ["activation", "'true'"]),
        ("dropout 1.0", 9, ["[0, 1)", "'1.0'"]),
        ("dropout relu", 9, ["rate", "'relu'"]),
        ("reshape (-1, -1)", 9, ["target_shape"]),
        ("dense 10 kernel_initializer=3", 29, ["initializer", "'3'"]),
    ],
)
def test_wrong_argument_types(statement: str, column: int, words: list[str]) -> None:
    diagnostic = single_error(f"input 3\n{statement}")
    assert position(diagnostic) == (2, column)
    for word in words:
        assert word in diagnostic.message, diagnostic.message


def every_argument_type() -> dict[str, ArgType]:
    """Each argument type in the catalogue and in the Keras objects' settings, by where it is."""
    types = {f"{e.keyword} {p.name}": p.type for e in catalogue.ENTRIES for p in e.params}
    for objects in OBJECT_TYPES.values():
        for chosen in objects.classes:
            types |= {f"{chosen.word}({s.name}=...)": s.type for s in chosen.settings}
    return types


@pytest.mark.parametrize(("where", "type_"), sorted(every_argument_type().items()))
def test_every_argument_type_has_an_example_it_accepts(where: str, type_: ArgType) -> None:
    # The example is what a wrong value's hint suggests: "for example: units=10".
    assert type_.example, f"{where} has no example"
    (statement,) = parse(f"input x={type_.example}").statements
    assert isinstance(statement, LayerStatement)
    type_.coerce(statement.keywords[0].value)  # raises ArgumentTypeError if it is wrong


@pytest.mark.parametrize(
    "statement",
    ["dense ten", "dropout 1.0", "conv2d 16 3x3x3", "reshape (-1, -1)", "dense 10 use_bias=yes",
     "dense 2 kernel_initializer=random_normal(stddev=wide)", "dense 2 kernel_regularizer=l2(-1)"],
)  # fmt: skip
def test_a_wrong_value_is_answered_with_an_example_that_binds(statement: str) -> None:
    source = f"input 7x4x2\n{statement}"
    diagnostic = single_error(source)
    # "for example: units=10", or for a setting "for example: l2(l2=0.01)"
    match = re.fullmatch(r"for example: (?:\w+=(.+)|\w+\(\w+=(.+)\))", diagnostic.hint or "")
    assert match, diagnostic.hint
    line, span = source.split("\n")[1], diagnostic.span
    value = match.group(1) or match.group(2)
    fixed = line[: span.column - 1] + value + line[span.end_column - 1 :]
    load(f"input 7x4x2\n{fixed}")  # following the hint gives a spec that loads


def test_wrong_kernel_size_rank() -> None:
    diagnostic = single_error("input 28x28x1 | conv2d 16 3x3x3")
    assert position(diagnostic) == (1, 27)
    assert "kernel_size" in diagnostic.message and "'3x3x3'" in diagnostic.message
    assert "3x3" in diagnostic.message  # the example of what it takes


@pytest.mark.parametrize(
    ("statement", "column", "hint"),
    [
        ("dense 10 relux", 10, "did you mean 'relu'?"),
        ("conv2d 16 3 padding=sme", 21, "did you mean 'same'?"),
        ("dense 10 dtype=int33", 16, "did you mean 'int32'?"),
    ],
)
def test_unknown_choices_suggest_the_closest(statement: str, column: int, hint: str) -> None:
    diagnostic = single_error(f"input 8x8x3\n{statement}")
    assert position(diagnostic) == (2, column)
    assert diagnostic.hint == hint


def test_unknown_choice_with_nothing_close_lists_the_options() -> None:
    diagnostic = single_error("input 8x8x3 | conv2d 16 3 padding=full")
    assert position(diagnostic) == (1, 35)
    assert "'full'" in diagnostic.message
    assert diagnostic.hint is not None and "valid" in diagnostic.hint and "same" in diagnostic.hint


def test_too_many_positionals() -> None:
    diagnostic = single_error("input 3\ndense 10 relu true 5")
    assert diagnostic.span == Span(2, 20, 2, 21)
    assert "too many positional arguments" in diagnostic.message
    assert "units, activation, use_bias" in diagnostic.message
    assert "'5'" in diagnostic.message
    assert diagnostic.hint is not None and "key=value" in diagnostic.hint


def test_too_many_positionals_for_a_layer_that_takes_none() -> None:
    diagnostic = single_error("input 3 | flatten 3")
    assert position(diagnostic) == (1, 19)
    assert "Flatten" in diagnostic.message and "'3'" in diagnostic.message
    # today: "too many positional arguments for Flatten: it takes no. Received: '3'"
    assert "takes no positional arguments" in diagnostic.message, diagnostic.message


def test_each_extra_positional_is_reported() -> None:
    error = load_error("input 3 | dropout 0.5 none 1 2 3")
    assert [position(d) for d in error.diagnostics] == [(1, 30), (1, 32)]


def test_missing_required_argument() -> None:
    diagnostic = single_error("input 3\ndense")
    assert diagnostic.message == "Dense needs 'units'"
    assert diagnostic.span == Span(2, 1, 2, 6)
    assert diagnostic.hint is not None and "'dense 10'" in diagnostic.hint


def test_every_missing_required_argument_is_reported() -> None:
    error = load_error("input 8x8x3 | conv2d")
    assert [d.message for d in error.diagnostics] == ["Conv2D needs 'filters' and 'kernel_size'"]
    assert {position(d) for d in error.diagnostics} == {(1, 15)}
    assert error.diagnostics[0].hint == "give them after the layer name, e.g. 'conv2d 16 3x3'"


@pytest.mark.parametrize(
    ("statement", "shape"),
    [("dense", "3"), ("activation", "3"), ("conv2d 16", "8x8x3"), ("embedding 1000", "3")],
)
def test_the_example_in_a_missing_argument_hint_is_valid(statement: str, shape: str) -> None:
    # The hint says "give it after the layer name, e.g. '<example>'": following it
    # must give a statement that binds. (`conv2d 16` is told 'conv2d 3x3', which
    # binds 3x3 to filters and still lacks kernel_size.)
    diagnostic = single_error(f"input {shape} | {statement}")
    assert diagnostic.hint is not None
    match = re.search(r"e\.g\. '([^']*)'", diagnostic.hint)
    assert match is not None, diagnostic.hint
    example = match.group(1)
    load(f"input {shape} | {example}")  # raises SpecError if the example is wrong


@pytest.mark.parametrize(
    ("statement", "column", "name"),
    [
        ("dense 10 units=3", 10, "units"),
        ("dense 10 relu activation=tanh", 15, "activation"),
        ("dense 10 activation=relu activation=tanh", 26, "activation"),
        ("dense units=3 units=4", 15, "units"),
    ],
)
def test_argument_given_twice(statement: str, column: int, name: str) -> None:
    diagnostic = single_error(f"input 3\n{statement}")
    assert position(diagnostic) == (2, column)
    assert diagnostic.message == f"argument {name!r} is given twice"
    assert diagnostic.hint is not None


# -------------------------------------------------------------------- names, labels


def test_duplicate_label() -> None:
    diagnostic = single_error("a: input 3\nb: dense 3\na: dense 2")
    assert diagnostic.span == Span(3, 1, 3, 2)
    assert "'a'" in diagnostic.message and "line 1" in diagnostic.message
    assert diagnostic.hint is not None


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("keras", "shadow"),
        ("layers", "shadow"),
        ("tf", "shadow"),
        ("self", "shadow"),
        ("build_model", "shadow"),
        ("class", "keyword"),
        ("def", "keyword"),
        ("None", "keyword"),
        ("True", "keyword"),
        ("__x", "'__'"),
        ("__init__", "'__'"),
    ],
)
def test_invalid_labels(label: str, problem: str) -> None:
    diagnostic = single_error(f"i: input 3\n{label}: dense 3 <- i")
    assert diagnostic.span == Span(2, 1, 2, 1 + len(label))
    assert f"label {label!r}" in diagnostic.message
    assert problem in diagnostic.message
    assert diagnostic.hint is not None and "identifier" in diagnostic.hint


def test_every_reserved_name_is_refused_as_a_label() -> None:
    for name in sorted(RESERVED_NAMES):
        diagnostic = single_error(f"i: input 3 | {name}: dense 3")
        assert position(diagnostic) == (1, 14), name


@pytest.mark.parametrize("label", ["x", "hidden_", "dense", "input", "Layer_2", "model_"])
def test_valid_labels(label: str) -> None:
    graph = load(f"i: input 3 | {label}: dense 3 <- i")
    assert graph.nodes[1].label == label


@pytest.mark.parametrize(
    ("name", "problem"),
    [("class", "keyword"), ("keras", "shadow"), ("build_model", "shadow"), ("__m", "'__'")],
)
def test_invalid_model_names(name: str, problem: str) -> None:
    diagnostic = single_error(f"model {name}\ninput 3 | dense 2")
    assert diagnostic.span == Span(1, 7, 1, 7 + len(name))
    assert f"model name {name!r}" in diagnostic.message
    assert problem in diagnostic.message
    assert diagnostic.hint is not None and "model " in diagnostic.hint


def test_model_given_twice() -> None:
    diagnostic = single_error("model a\nmodel b\ninput 3 | dense 2")
    assert position(diagnostic) == (2, 1)
    assert "first" in diagnostic.message
    assert diagnostic.hint is not None and "one name" in diagnostic.hint


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("my-model.mg", "my_model"),
        ("specs/my-model.mg", "my_model"),
        ("my model.mg", "my_model"),
        ("mnist_mlp.mg", "mnist_mlp"),
        ("/tmp/some-dir/small_cnn.mg", "small_cnn"),
        ("2layers.mg", "model_2layers"),
        ("<expr>", "model"),
        ("<stdin>", "model"),
    ],
)
def test_default_model_name_from_the_file_stem(filename: str, expected: str) -> None:
    assert default_model_name(filename) == expected
    assert load("input 3 | dense 2", filename).name == expected


@pytest.mark.parametrize("filename", ["2net.mg", "123.mg", "-.mg", ".mg", "a+b.mg", "9-lives.mg"])
def test_default_model_name_is_always_a_valid_identifier(filename: str) -> None:
    name = load("input 3 | dense 2", filename).name
    assert name.isidentifier(), name
    assert not keyword.iskeyword(name)


def test_default_model_name_of_a_stem_starting_with_a_digit_keeps_it() -> None:
    name = default_model_name("2net.mg")
    assert name.isidentifier() and "2net" in name


# ------------------------------------------------------------------- sources, graph


def test_unknown_source_suggests_a_label() -> None:
    diagnostic = single_error("inputs: input 3\nhidden: dense 3\ndense 2 <- hiden")
    assert diagnostic.span == Span(3, 12, 3, 17)
    assert diagnostic.message == "unknown source 'hiden'"
    assert diagnostic.hint == "did you mean 'hidden'?"


def test_unknown_source_with_nothing_close_explains_sources() -> None:
    diagnostic = single_error("a: input 3 | dense 3 <- zzz")
    assert position(diagnostic) == (1, 25)
    assert diagnostic.hint is not None and "label" in diagnostic.hint


def test_every_unknown_source_is_reported() -> None:
    error = load_error("a: input 3 | b: input 3 | add <- x, a, y")
    assert [(position(d), d.message) for d in error.diagnostics] == [
        ((1, 34), "unknown source 'x'"),
        ((1, 40), "unknown source 'y'"),
    ]


def test_unknown_output_suggests_a_label() -> None:
    diagnostic = single_error("i: input 3\nhidden: dense 3\noutputs hiden")
    assert diagnostic.span == Span(3, 9, 3, 14)
    assert diagnostic.message == "unknown output 'hiden'"
    assert diagnostic.hint == "did you mean 'hidden'?"


def test_output_listed_twice() -> None:
    diagnostic = single_error("a: input 3 | b: dense 3 | outputs b, b")
    assert position(diagnostic) == (1, 38)
    assert diagnostic.message == "output 'b' is listed twice"
    assert diagnostic.hint is not None


def test_outputs_given_twice() -> None:
    diagnostic = single_error("a: input 3\nb: dense 3\noutputs b\noutputs b")
    assert diagnostic.span == Span(4, 1, 4, 10)
    assert "more than once" in diagnostic.message
    assert diagnostic.hint is not None


def test_an_input_cannot_be_an_output() -> None:
    diagnostic = single_error("i: input 3 | h: dense 3 | outputs h, i")
    assert position(diagnostic) == (1, 1)
    assert "'i'" in diagnostic.message and "input" in diagnostic.message


def test_a_spec_of_one_input_has_no_layer_output() -> None:
    diagnostic = single_error("input ?")
    assert position(diagnostic) == (1, 1)
    assert "input" in diagnostic.message


def test_dense_with_two_sources() -> None:
    diagnostic = single_error("a: input 3\nb: input 3\ndense 3 <- a, b")
    assert diagnostic.span == Span(3, 12, 3, 13)
    assert diagnostic.message == "Dense takes 1 input. Received: 2"
    assert diagnostic.hint is not None and "concatenate" in diagnostic.hint


def test_concatenate_with_one_source() -> None:
    diagnostic = single_error("a: input 3\nconcat <- a")
    assert diagnostic.span == Span(2, 11, 2, 12)
    assert diagnostic.message == "Concatenate takes 2 or more inputs. Received: 1"
    assert diagnostic.hint is not None and "<- a, b" in diagnostic.hint


def test_merge_without_sources_reads_only_the_statement_before() -> None:
    diagnostic = single_error("a: input 3\nadd")
    assert diagnostic.span == Span(2, 1, 2, 4)
    assert "Add takes 2 or more inputs" in diagnostic.message


def test_merges_take_any_number_of_sources() -> None:
    graph = load("a: input 3 | b: input 3 | c: input 3 | m: multiply <- c, a, b")
    assert graph.nodes[3].sources == (2, 0, 1)
    assert graph.inputs == (0, 1, 2)


def test_a_source_may_be_listed_twice() -> None:
    # Keras accepts the same tensor twice: add <- x, x doubles it; attention reads x, x.
    graph = load("a: input 3\nconcat <- a, a")
    assert graph.nodes[1].sources == (0, 0)
    assert graph.facts[1].output_shape == (None, 6)


def test_first_layer_with_nothing_to_read() -> None:
    diagnostic = single_error("model m\ndense 3 relu\ndense 2")
    assert diagnostic.span == Span(2, 1, 2, 6)
    assert "nothing to read" in diagnostic.message and "'dense'" in diagnostic.message
    assert diagnostic.hint is not None and "input" in diagnostic.hint


def test_an_input_takes_no_sources() -> None:
    diagnostic = single_error("a: input 3\nb: input 4 <- a\nadd <- a, b")
    assert diagnostic.span == Span(2, 15, 2, 16)
    assert "input" in diagnostic.message and "no sources" in diagnostic.message
    assert diagnostic.hint is not None and "<-" in diagnostic.hint


def test_an_unused_labelled_branch() -> None:
    diagnostic = single_error("a: input 3\nb: dense 3 <- a\nc: dense 4 <- a\ndense 1 <- c")
    assert diagnostic.span == Span(2, 1, 2, 16)
    assert "'b'" in diagnostic.message and "never used" in diagnostic.message
    assert diagnostic.hint is not None and "outputs" in diagnostic.hint


def test_an_unused_unlabelled_layer_is_told_to_get_a_label() -> None:
    diagnostic = single_error("i: input 3\ndense 3 <- i\nx: dense 2 <- i")
    assert diagnostic.span == Span(2, 1, 2, 13)
    assert "'dense'" in diagnostic.message and "never used" in diagnostic.message
    assert diagnostic.hint is not None and "label" in diagnostic.hint


def test_an_unused_input() -> None:
    diagnostic = single_error("a: input 3\nb: input 3\ndense 2 <- b")
    assert diagnostic.span == Span(1, 1, 1, 11)
    assert "input 'a'" in diagnostic.message and "never used" in diagnostic.message


def test_an_extra_output_is_not_unused() -> None:
    graph = load("a: input 3\nb: dense 3 <- a\nc: dense 4 <- a\noutputs c, b")
    assert [graph.nodes[i].label for i in graph.outputs] == ["c", "b"]


def test_a_cycle_through_forward_references() -> None:
    diagnostic = single_error("i: input 3\na: add <- i, b\nb: dense 3 <- a")
    assert diagnostic.span.line == 2
    assert "cycle" in diagnostic.message
    assert "'a'" in diagnostic.message and "'b'" in diagnostic.message
    assert diagnostic.hint is not None


def test_a_layer_reading_itself_is_a_cycle() -> None:
    diagnostic = single_error("i: input 3\na: dense 3 <- a")
    assert diagnostic.span == Span(2, 1, 2, 16)
    assert "cycle" in diagnostic.message and "'a'" in diagnostic.message


def test_a_cycle_names_only_the_layers_in_it() -> None:
    # 'out' reads the cycle but is not part of it.
    diagnostic = single_error("i: input 3\na: dense 3 <- b\nb: dense 3 <- a\nout: dense 1 <- a")
    assert diagnostic.span.line == 2
    assert "'a'" in diagnostic.message and "'b'" in diagnostic.message
    assert "'out'" not in diagnostic.message, diagnostic.message


def test_a_forward_reference_that_is_not_a_cycle_is_ordered_sources_first() -> None:
    graph = load("i: input 3\nc: dense 5 <- b\nb: dense 4 <- i\noutputs c")
    assert labels(graph) == ["i", "b", "c"]
    assert [node.index for node in graph.nodes] == [0, 1, 2]
    assert [node.sources for node in graph.nodes] == [(), (0,), (1,)]
    assert graph.outputs == (2,)
    assert [node.statement.span.line for node in graph.nodes] == [1, 3, 2]
    assert graph.consumers() == {0: [1], 1: [2], 2: []}


def test_a_layer_defined_before_its_input() -> None:
    graph = load("a: dense 3 relu <- i\ni: input 3\noutputs a")
    assert labels(graph) == ["i", "a"]
    assert graph.inputs == (0,)
    assert graph.nodes[1].sources == (0,)


def test_forward_references_keep_source_order_otherwise() -> None:
    source = "\n".join(
        [
            "x: input 4",
            "late: dense 2 <- mid",  # reads a layer defined below
            "y: input 3",
            "mid: dense 3 <- y",
            "m: concat <- x, late",
        ]
    )
    graph = load(source)
    assert labels(graph) == ["x", "y", "mid", "late", "m"]
    for node in graph.nodes:
        assert all(source < node.index for source in node.sources)
    assert graph.nodes[4].sources == (0, 3)
    assert graph.inputs == (0, 1)


def test_the_spec_has_no_layers() -> None:
    diagnostic = single_error("model empty\n# nothing")
    assert "no layers" in diagnostic.message
    assert diagnostic.hint is not None and "input" in diagnostic.hint


def test_several_errors_are_reported_together_in_source_order() -> None:
    source = "\n".join(
        [
            "model class",  # 1: invalid model name
            "input 3",
            "dnse 4",  # 3: unknown layer
            "x: dense ten",  # 4: wrong type
            "y: dense 3 unit=4 <- nope",  # 5: unknown argument, unknown source
            "x: dense 2 <- y",  # 6: duplicate label
            "concat <- y",  # 7: arity
            "outputs zz",  # 8: unknown output
        ]
    )
    error = load_error(source, "broken.mg")
    assert [(position(d), d.message.split(":")[0]) for d in error.diagnostics] == [
        ((1, 7), "model name 'class' is a Python keyword"),
        ((3, 1), "unknown layer 'dnse'"),
        ((4, 10), "Dense units"),
        ((5, 12), "unknown argument 'unit' for Dense"),
        ((5, 22), "unknown source 'nope'"),
        ((6, 1), "label 'x' is already used on line 4"),
        ((7, 11), "Concatenate takes 2 or more inputs. Received"),
        ((8, 9), "unknown output 'zz'"),
    ]
    heads = [line for line in error.format().splitlines() if ": error: " in line]
    assert [h.split(": error: ")[0] for h in heads] == [
        "broken.mg:1:7",
        "broken.mg:3:1",
        "broken.mg:4:10",
        "broken.mg:5:12",
        "broken.mg:5:22",
        "broken.mg:6:1",
        "broken.mg:7:11",
        "broken.mg:8:9",
    ]


def test_format_of_a_validation_error() -> None:
    error = load_error("input 3\ndnse 10 relu", "spec.mg")
    assert error.format().splitlines() == [
        "spec.mg:2:1: error: unknown layer 'dnse'",
        "    2 | dnse 10 relu",
        "      | ^^^^",
        "  hint: did you mean 'dense'?",
    ]


# -------------------------------------------------------------- sequential refusals


CHAIN = "input 3\ndense 4 relu\ndense 2"
MERGE = "a: input 3\nb: dense 3\nc: dense 3\nm: concat <- b, c"
SECOND_INPUT = "a: input 3\nb: input 3\nm: add <- a, b"
SECOND_OUTPUT = "a: input 3\nb: dense 3\nc: dense 2 <- b\noutputs b, c"
SKIP = "a: input 3\nb: dense 3\nc: dense 3 <- a\nm: add <- b, c"


@pytest.mark.parametrize("style", ["sequential", "sequential-list"])
@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        (MERGE, 4, ["'m'", "merges 2 inputs"]),
        (SECOND_INPUT, 2, ["'b'", "second input"]),
        (SECOND_OUTPUT, 3, ["'c'", "second output"]),
        (SKIP, 3, ["'c'", "'a'", "skip"]),
    ],
)
def test_sequential_refuses_a_graph_naming_the_statement(
    style: str, source: str, line: int, words: list[str]
) -> None:
    graph = load(source)
    refusal = STYLES[style].refusal(graph)
    assert isinstance(refusal, Diagnostic)
    assert refusal.span.line == line
    assert refusal.span.column == 1
    assert refusal.message.startswith(f"the {style} style cannot express this model")
    for word in words:
        assert word in refusal.message, refusal.message
    assert refusal.hint is not None and "functional" in refusal.hint


def test_sequential_second_output_in_output_order() -> None:
    graph = load("a: input 3\nb: dense 3 <- a\nc: dense 2 <- a\noutputs c, b")
    refusal = STYLES["sequential"].refusal(graph)
    assert refusal is not None and "'b' is a second output" in refusal.message
    assert refusal.span.line == 2


@pytest.mark.parametrize(
    "source",
    [
        CHAIN,
        "input 28x28 | flatten | dense 10 softmax",
        "i: input 3\nc: dense 5 <- b\nb: dense 4 <- i\noutputs c",  # a chain written out of order
    ],
)
def test_every_style_accepts_a_chain(source: str) -> None:
    graph = load(source)
    for style in STYLES.values():
        assert style.refusal(graph) is None, style.name


@pytest.mark.parametrize("source", [MERGE, SECOND_INPUT, SECOND_OUTPUT, SKIP])
def test_functional_and_subclass_accept_graphs(source: str) -> None:
    graph = load(source)
    assert STYLES["functional"].refusal(graph) is None
    assert STYLES["subclass"].refusal(graph) is None


# ---------------------------------------------------------------------- properties

ACTIVATIONS = ["relu", "tanh", "sigmoid", "softmax", "linear", "gelu"]
_NOT_LABELS = set(RESERVED_NAMES) | {"model", "outputs"}  # see test_parser's keyword labels

# A layer's label is its Keras name: TensorFlow takes no '_' first (test_names_keras).
label_text = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s) and not s.startswith("__") and s not in _NOT_LABELS
)
dense_layer = st.tuples(
    st.integers(min_value=1, max_value=64),
    st.sampled_from([None, *ACTIVATIONS]),
    st.booleans(),  # labelled?
)


@settings(max_examples=60, deadline=None)
@given(
    layers_=st.lists(dense_layer, min_size=1, max_size=12),
    names=st.lists(label_text, min_size=13, max_size=13, unique=True),
    input_shape=st.lists(st.integers(min_value=1, max_value=32), min_size=1, max_size=3),
    separator=st.sampled_from(["\n", " | ", "\r\n"]),
)
def test_random_dense_chains_load_as_chains(
    layers_: list[tuple[int, str | None, bool]],
    names: list[str],
    input_shape: list[int],
    separator: str,
) -> None:
    statements = ["input " + "x".join(map(str, input_shape))]
    expected_labels: list[str | None] = [None]
    for i, (units, activation, labelled) in enumerate(layers_):
        label = names[i] if labelled else None
        words = [f"{label}:" if label else "", "dense", str(units), activation or ""]
        statements.append(" ".join(w for w in words if w))
        expected_labels.append(label)
    source = separator.join(statements)

    graph = load(source, "chain.mg")

    assert len(graph.nodes) == len(layers_) + 1
    assert graph.name == "chain"
    assert graph.inputs == (0,)
    assert graph.outputs == (len(layers_),)
    assert graph.nodes[0].is_input
    assert graph.nodes[0].argument("shape").value == tuple(input_shape)  # type: ignore[union-attr]
    assert labels(graph) == expected_labels
    for index, node in enumerate(graph.nodes[1:], start=1):
        assert node.index == index
        assert not node.is_input
        assert node.sources == (index - 1,)
        assert node.entry.keyword == "Dense"
        units, activation, _ = layers_[index - 1]
        bound = [(a.name, a.value) for a in node.arguments]
        assert bound == [("units", units)] + ([("activation", activation)] if activation else [])
        assert isinstance(node.statement, LayerStatement)
    assert STYLES["sequential"].refusal(graph) is None


# ----------------------------------------------------- Keras objects with settings


def test_a_call_binds_settings_in_keras_order() -> None:
    graph = load(
        "input 8 | dense 4 kernel_initializer=variance_scaling(mode=fan_out, scale=2.0) "
        "kernel_regularizer=l2(1e-4) bias_initializer=he_normal"
    )
    arguments = {a.name: a.value for a in graph.nodes[1].arguments}
    assert arguments["kernel_initializer"] == KerasObject(
        "initializers", "VarianceScaling", (("scale", 2.0), ("mode", "fan_out"))
    )
    assert arguments["kernel_regularizer"] == KerasObject("regularizers", "L2", (("l2", 1e-4),))
    assert arguments["bias_initializer"] == "he_normal"  # a bare name stays Keras' string


def test_a_word_then_a_tuple_is_not_a_call() -> None:
    statement = parse("input 8 | dense 4 relu (1, 2)").statements[1]
    assert [v.kind for v in statement.positional] == [
        ValueKind.INT,
        ValueKind.WORD,
        ValueKind.TUPLE,
    ]


@pytest.mark.parametrize(
    "argument,column,message,hint",
    [
        (
            "kernel_initializer=constant",
            28,
            "the constant initializer needs its settings",
            "constant(0.5)",
        ),
        (
            "kernel_initializer=variance_scaling(2.0, mode=fan_outt)",
            55,
            "unknown mode 'fan_outt'",
            "'fan_out'",
        ),
        (
            "kernel_initializer=varance_scaling(2.0)",
            28,
            "unknown initializer 'varance_scaling'",
            "'variance_scaling'",
        ),
        ("kernel_regularizer=l2(1, 2)", 34, "l2 takes at most 1 setting", "its settings are: l2"),
        ("kernel_regularizer=l2(l3=2)", 31, "l2 has no setting 'l3'", "its settings are: l2"),
        ("kernel_regularizer=l2(0.1, l2=0.2)", 36, "setting 'l2' is given twice", "once"),
        (
            "kernel_initializer=he_normal(seed=-1)",
            43,
            "expected an integer from 0 to 2147483647",
            None,
        ),
        ("kernel_constraint=he_normal(3)", 27, "unknown constraint 'he_normal'", None),
        ("units=l2(3)", 9, "argument 'units' is given twice", None),
        ("use_bias=l2(3)", 18, "expected true or false. Received: 'l2(3)' (call)", None),
    ],
)
def test_bad_settings_are_reported_at_the_setting(
    argument: str, column: int, message: str, hint: str | None
) -> None:
    diagnostic = only(load_error(f"input 8\ndense 4 {argument}"))
    assert position(diagnostic) == (2, column)
    assert message in diagnostic.message
    if hint is not None:
        assert diagnostic.hint is not None and hint in diagnostic.hint


def test_an_operation_takes_no_name_and_sequential_refuses_it() -> None:
    assert "unknown argument 'name'" in only(load_error("input 4 | add_constant 3 name=x")).message
    graph = load("input 4 | dense 3 | add_constant 3.0")
    refusal = STYLES["sequential"].refusal(graph)
    assert refusal is not None and "is a Keras operation (keras.ops.add)" in refusal.message
    assert STYLES["functional"].refusal(graph) is None


# ------------------------------------------- issue 11: names and numbers Keras refuses


@pytest.mark.parametrize(
    ("source", "column", "message"),
    [
        ('input 4 | dense 2 name="a/b"', 24, "name 'a/b' holds '/'"),
        ('input 4 | dense 2 name="a b"', 24, "name 'a b' holds a space"),
        ('input 4 | dense 2 name="a\\\\b"', 24, "holds '\\\\'"),
        ('input 4 | dense 2 name="é"', 24, "holds 'é'"),
        ('input 4 | dense 2 name="a>"', 24, "'>'"),
        ('input 4 | dense 2 name=""', 24, "name '' is empty"),
        ("input 4 | π: dense 2", 11, "label 'π' holds 'π'"),
        ("π: input 4 | dense 2", 1, "label 'π' holds 'π'"),
        ("model _a | input 4 | dense 2", 7, "model name '_a' starts with '_'"),
        ("model é | input 4 | dense 2", 7, "model name 'é' holds 'é'"),
        ("model aé | input 4 | dense 2", 7, "model name 'aé' holds 'é'"),
    ],
)
def test_names_tensorflow_refuses_are_errors_at_the_name(source, column, message) -> None:
    diagnostic = single_error(source)
    assert position(diagnostic) == (1, column)
    assert message in diagnostic.message
    assert diagnostic.hint


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("model é | input 4 | dense 2", "'model e'"),
        ("model _a | input 4 | dense 2", "'model a'"),
        ("input 4 | π: dense 2", "'pi'"),
        ('input 4 | dense 2 name="a b"', "name=a_b"),
        ('input 4 | dense 2 name=""', "remove name="),
    ],
)
def test_a_refused_name_hints_at_one_that_works(source, hint) -> None:
    assert hint in (single_error(source).hint or "")


@pytest.mark.parametrize("name", ["a", "a.b", "a-b", "a_", "a>b", ".a", "A_1", "x.>y", "...", "0"])
def test_layer_names_tensorflow_takes_are_accepted(name) -> None:
    graph = load(f'input 4 | dense 2 name="{name}"')
    assert graph.nodes[1].argument("name").value == name  # type: ignore[union-attr]


def test_an_operation_label_is_only_a_variable_and_may_be_any_identifier() -> None:
    # An operation's label names its variable, never a Keras layer: TensorFlow never sees it.
    graph = load("input 4 | π: add_constant 2 | dense 2")
    assert graph.nodes[1].label == "π"


@pytest.mark.parametrize(
    ("filename", "name"),
    [("_net.mg", "net"), ("réseau.mg", "reseau"), ("π.mg", "pi"), ("__init__.mg", "init__")],
)
def test_a_file_stem_becomes_a_model_name_tensorflow_takes(filename, name) -> None:
    assert load("input 4 | dense 2", filename).name == name


@pytest.mark.parametrize(
    ("source", "column", "message", "hint"),
    [
        (
            "input 4 | dropout 0.5 seed=4294967296",
            28,
            "4294967296 is more than 2147483647, the largest seed",
            "from 0 to 2147483647",
        ),
        (
            "input 4 | dropout 0.5 seed=2147483648",
            28,
            "the largest seed every Keras backend takes",
            "from 0 to 2147483647",
        ),
        (
            "input 4 | dense 2 kernel_initializer=glorot_uniform(seed=2147483648)",
            58,
            "the largest seed",
            "from 0 to 2147483647",
        ),
        (
            "input 8x8x3 | conv2d 8 3x3 strides=2147483648",
            36,
            "the largest value TensorFlow takes for strides",
            "from 1 to 2147483647",
        ),
        (
            "input 8x8x3 | conv2d 8 3x3 strides=(1, 2147483648)",
            40,
            "the largest value TensorFlow takes for strides",
            "from 1 to 2147483647",
        ),
        (
            "input 8x3 | maxpooling1d 2 strides=4294967296",
            36,
            "the largest value TensorFlow takes",
            "from 1 to 2147483647",
        ),
        (f"input 4 | rescaling {10**400}", 21, "the largest integer Keras takes (64 bits)", "1e30"),
        (f"input 4 | dense {10**400}", 17, "the largest integer Keras takes", "smaller"),
        (f"input 4 | add_constant {-(10**400)}", 24, "the smallest integer Keras", "1e30"),
        (
            f"input 4 | dense 2 kernel_initializer=constant({2**63})",
            47,
            "more than 9223372036854775807",
            "1e30",
        ),
        (f"input 4 batch_size={2**63} | dense 2", 20, "the largest integer Keras", "smaller"),
    ],
)
def test_integers_past_what_keras_takes_are_errors_at_the_number(
    source, column, message, hint
) -> None:
    diagnostic = single_error(source)
    assert position(diagnostic) == (1, column)
    assert message in diagnostic.message
    assert hint in (diagnostic.hint or "")


@pytest.mark.parametrize(
    "source",
    [
        "input 4 | dropout 0.5 seed=2147483647 | dense 2",
        "input 8x8x3 | conv2d 8 3x3 strides=2147483647 | flatten | dense 2",
        f"input 4 | rescaling {2**63 - 1}",
        f"input 4 | add_constant {-(2**63)}",
    ],
)
def test_integers_at_the_limit_are_accepted(source) -> None:
    load(source)


# ------------------------------------------------ issue 11: hints that mislead (24)


@pytest.mark.parametrize(
    ("source", "message", "hint"),
    [
        ("input 8x8x3 | conv2d 32 3x3 rleu", "unknown activation 'rleu'", "did you mean 'relu'?"),
        ("input 8x3 | dense 4 sigmiod", "unknown activation 'sigmiod'", "'sigmoid'"),
        ("input 8x8x3 | conv2d 32 3x3 same", "'same' is a value of padding", "padding=same"),
        ("input 8x8x3 | conv2d 32 3x3 smae", "unknown word 'smae'", "padding=same?"),
        ("input 8x3 | conv1d 8 3 casual", "unknown word 'casual'", "padding=causal?"),
    ],
)
def test_a_positional_word_close_to_a_word_argument_says_so(source, message, hint) -> None:
    diagnostic = single_error(source)
    assert message in diagnostic.message
    assert "strides" not in diagnostic.message
    assert hint in (diagnostic.hint or "")
    assert position(diagnostic)[1] == source.rindex(" ") + 2


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("e: input 4x8 | multiheadattention 4 8 <- e", "'<- e, e'"),
        ("e: input 4x8 | attention <- e", "'<- e, e'"),
        ("input 4x8 | multiheadattention 4 8", "read it twice: '<- e, e'"),
    ],
)
def test_attention_from_one_source_hints_at_self_attention(source, hint) -> None:
    diagnostic = single_error(source)
    assert "self-attention" in (diagnostic.hint or "")
    assert hint in (diagnostic.hint or "")
    assert "merge" not in (diagnostic.hint or "")


def test_a_merge_layer_from_one_source_still_hints_at_merging() -> None:
    assert "merge layers" in (single_error("e: input 4 | add <- e").hint or "")


@pytest.mark.parametrize(
    ("source", "key", "layer"),
    [
        (
            "q: input 4x8 | multiheadattention 4 8 return_attention_scores=true <- q, q",
            "return_attention_scores",
            "MultiHeadAttention",
        ),
        ("q: input 4x8 | attention use_causal_mask=true <- q, q", "use_causal_mask", "Attention"),
        ("input 4 | dropout 0.5 training=true", "training", "Dropout"),
        ("input 5x3 | bidirectional lstm 4 initial_state=none", "initial_state", "LSTM"),
    ],
)
def test_a_call_argument_is_named_as_one(source, key, layer) -> None:
    diagnostic = single_error(source)
    assert diagnostic.message == (
        f"{key!r} is an argument of the {layer} layer's call, not of its constructor"
    )
    assert "did you mean" not in (diagnostic.hint or "")
    assert position(diagnostic)[1] == source.index(key) + 1


def test_unknown_sources_cost_a_label_search_only_for_the_errors_shown(monkeypatch) -> None:
    # Issue 11, item 14: every unknown source searched every label for a 'did you
    # mean', so 4,000 of them took 14 s and a 50,000-statement spec half an hour.
    # Only the first MAX_REPORTED are shown, and only they are searched.
    import modelgen.validate as validate_module
    from modelgen.errors import MAX_REPORTED

    calls = []
    real = validate_module.suggest

    def counting(word, candidates):
        calls.append(word)
        return real(word, candidates)

    monkeypatch.setattr(validate_module, "suggest", counting)
    lines = ["inputs: input 4", "hidden: dense 2 <- inputs"]
    lines += [f"x{i}: dense 1 <- hiden" for i in range(300)]
    error = load_error("\n".join(lines) + "\noutputs hiden\n")
    label_searches = [word for word in calls if word == "hiden"]
    assert len(label_searches) == MAX_REPORTED
    shown = error.diagnostics[:MAX_REPORTED]
    assert all(d.hint == "did you mean 'hidden'?" for d in shown)
    assert len(error.diagnostics) == 301
    assert all(d.hint for d in error.diagnostics)


def test_a_python_statement_is_called_python_and_a_misspelt_input_is_one_error() -> None:
    # Issue 11, item 24 (other Python syntax): `import keras` at the top of a Python file
    # piped to `modelgen new -` was "'import' has nothing to read: the first layer must be
    # an input" and "unknown layer 'import'" with "'modelgen layers' lists the layers".
    for line in ("import keras", "from keras import layers", "def build_model"):
        diagnostic = single_error(f"{line}\ninput 4\n")
        word = line.split()[0]
        assert diagnostic.message == f"unknown layer {word!r}"
        assert diagnostic.hint is not None and f"'{word}' is Python" in diagnostic.hint
        assert "modelgen import FILE.py" in diagnostic.hint
    # an unknown first layer may be a misspelt input: no 'the first layer must be an input'
    diagnostic = single_error("inptu 28x28\ndense 2\n")
    assert (diagnostic.message, diagnostic.hint) == (
        "unknown layer 'inptu'",
        "did you mean 'input'?",
    )


def test_a_shape_written_with_spaces_is_answered_with_the_shape() -> None:
    # Issue 11, item 24 (a close variant of `input 28 x 28`): `input 28 28 1` was "too
    # many positional arguments" with "pass other arguments as key=value".
    first, second = load_error("input 28 28 1\ndense 2\n").diagnostics
    assert first.message.startswith("too many positional arguments for Input")
    assert first.hint == second.hint == "a shape is written without spaces: 28x28x1"
    assert single_error("input 28x28 3\n").hint == "a shape is written without spaces: 28x28x3"
    # an extra value that is not a size keeps the general hint
    assert single_error("input 28x28x1\nmaxpooling2d 2 2 valid 3\n").hint == (
        "pass other arguments as key=value"
    )


# ------------------------------------------------- what is said once, in the catalogue


@pytest.mark.parametrize(
    "entry", [e for e in catalogue.ENTRIES if e.is_wrapper], ids=lambda e: e.keyword
)
def test_what_a_wrapper_may_wrap_is_what_its_error_and_its_description_say(entry):
    from modelgen.catalogue.describe import describe

    wrapped = [e for e in catalogue.ENTRIES if entry.may_wrap(e)]
    refused = [e for e in catalogue.ENTRIES if not entry.may_wrap(e)]
    assert wrapped and refused
    assert catalogue.INPUT in refused and entry in refused  # never an input, never itself
    said = entry.wrappable
    assert f"wraps: {said} (named first" in describe(entry.keyword)
    for inner in refused:
        error = single_error(f"input 4x3 | {entry.keyword.lower()} {inner.keyword.lower()}")
        assert error.hint == f"it wraps {said}", inner.keyword
    if entry.wraps != ("*",):  # a list of layers: the words are their keywords
        assert said.split(", ") == [e.keyword.lower() for e in wrapped]


@pytest.mark.parametrize(
    "entry", [e for e in catalogue.ENTRIES if not e.is_input], ids=lambda e: e.keyword
)
def test_the_arity_in_an_error_is_the_arity_the_table_shows(entry):
    counts = [c for c in range(1, 5) if not entry.reads(c)]
    if not counts:
        return  # a layer that reads any number of inputs from 1 (none does yet)
    count = counts[0]
    labels = [f"x{i}" for i in range(count)]
    inputs = " | ".join(f"{label}: input 4" for label in labels)
    arguments = " ".join(
        param.example or param.type.example for param in entry.params if param.required
    )
    statement = f"{entry.keyword.lower()} {arguments}".strip()
    error = load_error(f"{inputs} | {statement} <- {', '.join(labels)}")
    message = next(d.message for d in error.diagnostics if " takes " in d.message)
    expected = entry.arity.replace("+", " or more").replace("-", " to ")
    assert message.startswith(f"{entry.keyword} takes {expected} input"), message
    assert message.endswith(f"Received: {count}")
