"""Stage 1, parse: the DSL's syntax rules, the syntax IR they give, and syntax errors.

Every rule of the DSL has positive tests asserting the IR (statement types, labels,
values with their Python values, kinds and spans) and malformed cases asserting a
`SpecError` with the right line, column and a useful message or hint.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from modelgen.errors import Diagnostic, SpecError, format_diagnostics
from modelgen.generate import load
from modelgen.ir import (
    KeywordArgument,
    LayerStatement,
    ModelStatement,
    Name,
    OutputsStatement,
    Span,
    Spec,
    Value,
    ValueKind,
)
from modelgen.parser import parse

from .diagnostics import load_error, only, parse_error, position

# --------------------------------------------------------------------------- helpers


def single_error(source: str) -> Diagnostic:
    return only(parse_error(source))


def layers(spec: Spec) -> list[LayerStatement]:
    return [s for s in spec.statements if isinstance(s, LayerStatement)]


def one_value(text: str) -> Value:
    """The single positional value of `dense TEXT`."""
    (statement,) = parse(f"dense {text}").statements
    assert isinstance(statement, LayerStatement)
    (value,) = statement.positional
    return value


def caret_column(formatted: str, line_index: int = 1) -> int:
    """The 1-based source column the carets of a formatted diagnostic point at."""
    lines = formatted.splitlines()
    source_line, caret_line = lines[line_index], lines[line_index + 1]
    bar = source_line.index("| ")
    assert caret_line.index("| ") == bar, formatted
    return caret_line.index("^") - (bar + 2) + 1


# -------------------------------------------------------------- statements and lines


def test_one_statement_per_line() -> None:
    spec = parse("input 28x28\nflatten\ndense 10 softmax\n", "mlp.mg")
    assert isinstance(spec, Spec)
    assert spec.filename == "mlp.mg"
    assert spec.source == "input 28x28\nflatten\ndense 10 softmax\n"
    assert [type(s) for s in spec.statements] == [LayerStatement] * 3
    assert [s.layer.text for s in layers(spec)] == ["input", "flatten", "dense"]
    assert [s.span.line for s in layers(spec)] == [1, 2, 3]
    assert all(s.span.column == 1 for s in layers(spec))


def test_pipe_separates_statements_on_one_line() -> None:
    spec = parse("input 28x28 | flatten|dense 10 softmax")
    first, second, third = layers(spec)
    assert (first.layer.text, second.layer.text, third.layer.text) == ("input", "flatten", "dense")
    assert first.span == Span(1, 1, 1, 12)
    assert second.span == Span(1, 15, 1, 22)
    assert third.layer.span == Span(1, 23, 1, 28)
    assert [v.python() for v in third.positional] == [10, "softmax"]


def test_pipes_and_newlines_mix_and_empty_statements_are_ignored() -> None:
    spec = parse("| input 3 | | dense 2 |\n|\ndense 1 |")
    assert [(s.layer.text, s.span.line) for s in layers(spec)] == [
        ("input", 1),
        ("dense", 1),
        ("dense", 3),
    ]


def test_comments_are_ignored() -> None:
    spec = parse('# a whole-line comment\ninput 3  # trailing comment | dense 99\ndense "a#b" # x')
    first, second = layers(spec)
    assert first.layer.text == "input"
    assert [v.python() for v in first.positional] == [3]
    assert first.span == Span(2, 1, 2, 8)
    # a '#' inside a string is text, and a '|' inside a comment separates nothing
    assert [v.python() for v in second.positional] == ["a#b"]
    assert second.span.line == 3


@pytest.mark.parametrize(
    ("source", "column", "char"),
    [("dense 10 // not a comment", 10, "/"), ("dense 10 ; comment", 10, ";")],
)
def test_only_hash_starts_a_comment(source: str, column: int, char: str) -> None:
    diagnostic = single_error(f"input 3\n{source}")
    assert position(diagnostic) == (2, column)
    assert repr(char) in diagnostic.message


def test_errors_after_blank_lines_and_comments_keep_their_line_numbers() -> None:
    error = parse_error("# header\n\n   \ninput 3  # x\n\n\t\ndense 10 ;\n# end\n")
    assert [position(d) for d in error.diagnostics] == [(7, 10)]
    assert error.format().splitlines()[1] == "    7 | dense 10 ;"


def test_blank_lines_are_ignored_and_lines_keep_their_numbers() -> None:
    spec = parse("\n\n   \n\t\ninput 3\n\n\n  dense 2\n\n")
    first, second = layers(spec)
    assert first.span == Span(5, 1, 5, 8)
    assert second.layer.span == Span(8, 3, 8, 8)


def test_empty_and_comment_only_sources_parse_to_no_statements() -> None:
    assert parse("").statements == ()
    assert parse("\n\n").statements == ()
    assert parse("# nothing here\n   # nor here").statements == ()


def test_crlf_line_endings() -> None:
    spec = parse("model m\r\ninput 3 # note\r\n\r\ndense 2 relu\r\n")
    model, inp, dense = spec.statements
    assert isinstance(model, ModelStatement) and model.name.text == "m"
    assert isinstance(inp, LayerStatement) and inp.span == Span(2, 1, 2, 8)
    assert isinstance(dense, LayerStatement) and dense.span == Span(4, 1, 4, 13)
    assert dense.positional[-1].python() == "relu"  # no stray '\r' in the word


def test_crlf_errors_have_the_right_line_and_column() -> None:
    error = parse_error("input 3\r\ndense 10 ;\r\ndense 2\r\n")
    diagnostic = only(error)
    assert position(diagnostic) == (2, 10)
    assert "';'" in diagnostic.message
    formatted = error.format()
    assert "\r" not in formatted
    assert caret_column(formatted) == 10


@pytest.mark.parametrize("separator", ["\r", "\u2028", "\x0b", "\x85"])
def test_other_line_breaks_never_give_an_error_without_diagnostics(separator: str) -> None:
    # Python's str.splitlines() breaks lines on these, the grammar does not. Either
    # is fine, but a SpecError must always say what is wrong and where.
    source = f"input 3{separator}dense 2"
    try:
        parse(source)
    except SpecError as error:
        assert error.diagnostics, f"SpecError with no diagnostics for {source!r}"
        assert str(error).strip()


def test_a_stray_semicolon_is_an_error_with_a_hint() -> None:
    diagnostic = single_error("input 3\ndense 10; dense 3")
    assert position(diagnostic) == (2, 9)
    assert diagnostic.span == Span(2, 9, 2, 10)
    assert diagnostic.message == "unexpected character ';'"
    assert diagnostic.hint is not None and "'|'" in diagnostic.hint
    assert diagnostic.severity == "error"


def test_a_stray_comma_between_statements_is_an_error() -> None:
    diagnostic = single_error("input 3, dense 3")
    assert position(diagnostic) == (1, 8)
    assert "','" in diagnostic.message


# ---------------------------------------------------------------------------- model


def test_model_statement() -> None:
    spec = parse("model mnist_mlp\ninput 28x28", "whatever.mg")
    model, inp = spec.statements
    assert isinstance(model, ModelStatement)
    assert model.name == Name("mnist_mlp", Span(1, 7, 1, 16))
    assert isinstance(inp, LayerStatement)
    assert spec.default_name == "whatever"


def test_model_statement_shares_a_line_with_pipes() -> None:
    spec = parse("model m | input 3 | dense 2")
    assert isinstance(spec.statements[0], ModelStatement)
    assert spec.statements[0].name.text == "m"
    assert [s.layer.text for s in layers(spec)] == ["input", "dense"]


@pytest.mark.parametrize(
    ("filename", "default"),
    [
        ("mnist_mlp.mg", "mnist_mlp"),
        ("specs/my-model.mg", "my_model"),
        ("<expr>", "model"),
        ("<stdin>", "model"),
    ],
)
def test_default_model_name_comes_from_the_filename(filename: str, default: str) -> None:
    assert parse("input 3", filename).default_name == default


def test_the_model_name_is_the_default_when_there_is_no_model_statement() -> None:
    assert load("input 3 | dense 2", "small_net.mg").name == "small_net"
    assert load("model big\ninput 3 | dense 2", "small_net.mg").name == "big"


def test_model_must_come_first() -> None:
    diagnostic = only(load_error("input 3\nmodel late\ndense 2"))
    assert diagnostic.message == "'model' must be the first statement"
    assert position(diagnostic) == (2, 1)  # at the statement
    assert diagnostic.hint is not None and "top" in diagnostic.hint


def test_model_after_a_pipe_is_not_first_either() -> None:
    diagnostic = only(load_error("input 3 | model late | dense 2"))
    assert position(diagnostic) == (1, 11)
    assert "first" in diagnostic.message


def test_model_name_must_be_a_name() -> None:
    diagnostic = single_error("model 9lives\ninput 3")
    assert position(diagnostic) == (1, 7)
    diagnostic = single_error("model 42\ninput 3")
    assert position(diagnostic) == (1, 7)
    assert "'42'" in diagnostic.message
    assert diagnostic.hint == "expected a name"


def test_model_takes_one_name() -> None:
    diagnostic = single_error("model a b")
    assert position(diagnostic) == (1, 9)
    assert "'b'" in diagnostic.message
    assert diagnostic.hint is not None and "end of the statement" in diagnostic.hint


def test_model_name_with_a_dash_is_an_error_at_the_dash() -> None:
    diagnostic = single_error("model my-model")
    assert position(diagnostic) == (1, 9)
    assert "'-'" in diagnostic.message


def test_model_name_must_be_a_valid_identifier() -> None:
    diagnostic = only(load_error("model class\ninput 3 | dense 2"))
    assert position(diagnostic) == (1, 7)
    assert "'class'" in diagnostic.message and "keyword" in diagnostic.message
    assert diagnostic.hint is not None


# ------------------------------------------------------------------ layer statements


def test_layer_statement_parts_and_spans() -> None:
    source = "input 28x28x1\nstem: conv2d 16 3x3 relu padding=same strides=(1, 2) <- a, b2"
    statement = layers(parse(source))[1]
    assert statement.label == Name("stem", Span(2, 1, 2, 5))
    assert statement.layer == Name("conv2d", Span(2, 7, 2, 13))
    assert [(v.kind, v.python()) for v in statement.positional] == [
        (ValueKind.INT, 16),
        (ValueKind.TUPLE, (3, 3)),
        (ValueKind.WORD, "relu"),
    ]
    assert [v.span.column for v in statement.positional] == [14, 17, 21]
    padding, strides = statement.keywords
    assert isinstance(padding, KeywordArgument)
    assert padding.key == Name("padding", Span(2, 26, 2, 33))
    assert padding.value.python() == "same" and padding.value.kind is ValueKind.WORD
    assert padding.value.span == Span(2, 34, 2, 38)
    assert padding.span == Span(2, 26, 2, 38)
    assert strides.key.text == "strides"
    assert strides.value.python() == (1, 2)
    assert strides.value.span == Span(2, 47, 2, 53)
    assert statement.sources == (Name("a", Span(2, 57, 2, 58)), Name("b2", Span(2, 60, 2, 62)))
    assert statement.span == Span(2, 1, 2, 62)
    assert statement.display == "'stem'"


def test_unlabelled_layer_statement() -> None:
    statement = layers(parse("input 3\ndense 10"))[1]
    assert statement.label is None
    assert statement.keywords == ()
    assert statement.sources is None
    assert statement.display == "'dense'"


def test_label_without_space_after_colon() -> None:
    statement = layers(parse("input 3\nh1:dense 10"))[1]
    assert statement.label == Name("h1", Span(2, 1, 2, 3))
    assert statement.layer == Name("dense", Span(2, 4, 2, 9))


def test_keyword_arguments_may_come_between_positionals_and_keep_their_order() -> None:
    statement = layers(parse("input 3 | dense 10 use_bias=false relu name=out"))[1]
    assert [v.python() for v in statement.positional] == [10, "relu"]
    assert [(k.key.text, k.value.python()) for k in statement.keywords] == [
        ("use_bias", False),
        ("name", "out"),
    ]


def test_sources_without_spaces() -> None:
    statement = layers(parse("a: input 3 | b: input 3 | add <-a,b"))[2]
    assert [s.text for s in statement.sources or ()] == ["a", "b"]
    assert [s.span.column for s in statement.sources or ()] == [33, 35]


def test_without_sources_a_layer_reads_the_statement_before() -> None:
    spec = parse("a: input 3\nb: dense 4\ndense 2")
    assert [s.sources for s in layers(spec)] == [None, None, None]
    graph = load("a: input 3\nb: dense 4\ndense 2")
    assert [node.sources for node in graph.nodes] == [(), (0,), (1,)]


def test_without_sources_model_and_outputs_statements_are_skipped() -> None:
    graph = load("model m\na: input 3\noutputs b\nb: dense 2")
    assert [(node.label, node.sources) for node in graph.nodes] == [("a", ()), ("b", (0,))]


@pytest.mark.parametrize(
    "source",
    ["INPUT 3 | DENSE 2", "Input 3 | Dense 2", "iNpUt 3 | dEnSe 2", "input 3 | dense 2"],
)
def test_layer_keywords_are_case_insensitive(source: str) -> None:
    spec = parse(source)
    assert [s.layer.text for s in layers(spec)] == source.replace("|", "").split()[::2]
    graph = load(source)
    assert [node.entry.keyword for node in graph.nodes] == ["Input", "Dense"]


@pytest.mark.parametrize(
    ("word", "keyword"),
    [
        ("concat", "Concatenate"),
        ("CONCAT", "Concatenate"),
        ("Concatenate", "Concatenate"),
        ("MaxPool2D", "MaxPooling2D"),
        ("maxpooling2d", "MaxPooling2D"),
        ("BatchNorm", "BatchNormalization"),
        ("GAP2D", "GlobalAveragePooling2D"),
    ],
)
def test_layer_keywords_and_aliases(word: str, keyword: str) -> None:
    if keyword == "Concatenate":
        source = f"a: input 3 | b: input 3 | {word} <- a, b"
    else:
        source = f"input 8x8x3 | {word}"
    assert load(source).nodes[-1].entry.keyword == keyword


def test_unknown_layer_in_capitals_suggests_the_lower_case_keyword() -> None:
    diagnostic = only(load_error("input 3\nDENSEE 10"))
    assert position(diagnostic) == (2, 1)
    assert "'DENSEE'" in diagnostic.message
    assert diagnostic.hint == "did you mean 'dense'?"


def test_labels_keep_their_case() -> None:
    statement = layers(parse("Hidden_1: dense 3 <- In"))[0]
    assert statement.label is not None and statement.label.text == "Hidden_1"
    assert [s.text for s in statement.sources or ()] == ["In"]


# ------------------------------------------------------------- malformed statements


def test_double_colon_label() -> None:
    diagnostic = single_error("input 3\na: : dense 3")
    assert position(diagnostic) == (2, 4)
    assert "':'" in diagnostic.message
    assert diagnostic.hint is not None and "label" in diagnostic.hint


def test_two_labels() -> None:
    diagnostic = single_error("input 3\na: b: dense 3")
    assert position(diagnostic) == (2, 5)
    assert "':'" in diagnostic.message
    assert diagnostic.hint is not None and "label" in diagnostic.hint


def test_label_with_no_layer_before_a_pipe() -> None:
    diagnostic = single_error("input 3 | a: | dense 3")
    assert position(diagnostic) == (1, 14)
    assert diagnostic.hint == "expected a name"


def test_sources_arrow_with_no_source_before_a_pipe() -> None:
    diagnostic = single_error("input 3 | dense 10 <- | dense 3")
    assert position(diagnostic) == (1, 23)
    assert diagnostic.hint == "expected a name"


def test_sources_must_be_separated_by_commas() -> None:
    diagnostic = single_error("a: input 3 | b: input 3 | add <- a b")
    assert position(diagnostic) == (1, 36)
    assert "'b'" in diagnostic.message
    assert diagnostic.hint is not None and "','" in diagnostic.hint


def test_arguments_cannot_follow_sources() -> None:
    diagnostic = single_error("a: input 3\ndense <- a 10")
    assert position(diagnostic) == (2, 12)
    assert "'10'" in diagnostic.message


def test_two_source_arrows() -> None:
    diagnostic = single_error("a: input 3 | dense 10 <- a <- b")
    assert position(diagnostic) == (1, 28)
    assert diagnostic.span.end_column == 30
    assert "<-" in diagnostic.message


@pytest.mark.parametrize(
    ("source", "column", "hint_word"),
    [
        ("dense 10 < a", 10, "'<-'"),
        ("dense 10 -> a", 10, "'<-'"),
        ("dense 10 <-- a", 12, "'<-'"),
    ],
)
def test_misspelt_source_arrows(source: str, column: int, hint_word: str) -> None:
    diagnostic = single_error(source)
    assert position(diagnostic) == (1, column)
    assert diagnostic.message.startswith("unexpected character")
    assert diagnostic.hint is not None and hint_word in diagnostic.hint


@pytest.mark.parametrize(
    ("source", "column", "hint_word"),
    [
        ("dense 10 <-", 12, "a name"),  # no source after the arrow
        ("dense 10 <- a,", 15, "a name"),  # a trailing comma
        ("outputs", 8, "a name"),  # no output names
        ("model", 6, "a name"),  # no model name
        ("dense (1, 2", 12, "')'"),  # unbalanced '('
        ("dense units=", 13, "argument"),  # '=' with no value
        ("a:", 3, "a name"),  # a label with no layer
    ],
)
def test_errors_at_the_end_of_a_line_point_just_past_it(
    source: str, column: int, hint_word: str
) -> None:
    # The message says "the end of the line": the caret belongs after the last
    # character, where something is missing, not under the last token.
    error = parse_error(source)
    diagnostic = only(error)
    assert "end of the line" in diagnostic.message
    assert diagnostic.hint is not None and hint_word in diagnostic.hint
    assert position(diagnostic) == (1, column)
    assert caret_column(error.format()) == column


# --------------------------------------------------------------------------- inputs


def test_input_statement_with_shape() -> None:
    statement = layers(parse("input 28x28"))[0]
    (shape,) = statement.positional
    assert shape.kind is ValueKind.TUPLE
    assert shape.python() == (28, 28)
    assert shape.text == "28x28"
    assert shape.span == Span(1, 7, 1, 12)
    assert [item.kind for item in shape.data] == [ValueKind.INT, ValueKind.INT]  # type: ignore[union-attr]


def test_input_statement_with_unknown_dimension_and_dtype() -> None:
    statement = layers(parse("tokens: input ?x8 dtype=int32"))[0]
    assert statement.label is not None and statement.label.text == "tokens"
    (shape,) = statement.positional
    assert shape.python() == (None, 8)
    assert [item.kind for item in shape.data] == [ValueKind.NONE, ValueKind.INT]  # type: ignore[union-attr]
    (dtype,) = statement.keywords
    assert (dtype.key.text, dtype.value.kind, dtype.value.python()) == (
        "dtype",
        ValueKind.WORD,
        "int32",
    )
    graph = load("tokens: input ?x8 dtype=int32 | dense 2")
    assert [(a.name, a.value) for a in graph.nodes[0].arguments] == [
        ("shape", (None, 8)),
        ("dtype", "int32"),
    ]


def test_input_statement_with_a_lone_question_mark() -> None:
    (shape,) = layers(parse("input ?"))[0].positional
    assert shape.kind is ValueKind.TUPLE
    assert shape.python() == (None,)
    assert shape.span == Span(1, 7, 1, 8)
    assert load("input ? | embedding 10 2").nodes[0].argument("shape").value == (None,)  # type: ignore[union-attr]


def test_input_statement_with_a_single_dimension() -> None:
    assert load("input 784 | dense 2").nodes[0].argument("shape").value == (784,)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ("input 28x", 7),
        ("input 28x28x", 7),
        ("input 28xx28", 7),
        ("input 28 x 28 | dense 2 | dense ;", 33),
    ],
)
def test_malformed_shapes(source: str, column: int) -> None:
    diagnostic = single_error(source)
    assert position(diagnostic) == (1, column)
    assert diagnostic.hint is not None


def test_trailing_x_in_a_shape_mentions_how_shapes_are_written() -> None:
    diagnostic = single_error("input 28x")
    assert "'28x'" in diagnostic.message
    assert diagnostic.span == Span(1, 7, 1, 10)
    assert diagnostic.hint is not None and "28x28" in diagnostic.hint


def test_a_dimension_of_zero_is_a_type_error_at_the_shape() -> None:
    diagnostic = only(load_error("input 28x0 | dense 2"))
    assert position(diagnostic) == (1, 7)
    assert "shape" in diagnostic.message and "'28x0'" in diagnostic.message


# -------------------------------------------------------------------------- outputs


def test_outputs_statement() -> None:
    spec = parse("a: input 3\nb: dense 2\nc: dense 1 <- a\noutputs b, c")
    outputs = spec.statements[-1]
    assert isinstance(outputs, OutputsStatement)
    assert outputs.names == (Name("b", Span(4, 9, 4, 10)), Name("c", Span(4, 12, 4, 13)))
    assert outputs.span == Span(4, 1, 4, 13)


def test_outputs_order_is_kept() -> None:
    graph = load("a: input 3\nb: dense 2\nc: dense 1 <- a\noutputs c, b")
    assert [graph.nodes[i].label for i in graph.outputs] == ["c", "b"]


def test_without_outputs_the_last_statement_is_the_only_output() -> None:
    graph = load("a: input 3\nb: dense 2\nc: dense 1")
    assert [graph.nodes[i].label for i in graph.outputs] == ["c"]


def test_outputs_names_need_commas() -> None:
    diagnostic = single_error("a: input 3 | b: dense 2 | outputs a b")
    assert position(diagnostic) == (1, 37)
    assert "'b'" in diagnostic.message
    assert diagnostic.hint is not None and "','" in diagnostic.hint


def test_outputs_takes_names_not_values() -> None:
    diagnostic = single_error("outputs 3")
    assert position(diagnostic) == (1, 9)
    assert diagnostic.hint == "expected a name"


@pytest.mark.parametrize("word", ["model", "outputs"])
def test_statement_keywords_as_labels_are_explained(word: str) -> None:
    # `model` and `outputs` are valid identifiers that are not reserved by the
    # validator. Either they work as labels, or the error says they are keywords
    # (today: "unexpected ':' ':'" with the hint "expected a name").
    source = f"{word}: input 3 | dense 2"
    try:
        spec = parse(source)
    except SpecError as error:
        diagnostic = only(error)
        assert diagnostic.span.line == 1, error.format()
        text = f"{diagnostic.message} {diagnostic.hint}"
        assert "keyword" in text, error.format()
    else:
        label = layers(spec)[0].label
        assert label is not None and label.text == word


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "kind", "python"),
    [
        ("0", ValueKind.INT, 0),
        ("42", ValueKind.INT, 42),
        ("-3", ValueKind.INT, -3),
        ("+4", ValueKind.INT, 4),
        ("007", ValueKind.INT, 7),
        ("123456789012345678901234567890", ValueKind.INT, 123456789012345678901234567890),
        ("1e-3", ValueKind.FLOAT, 1e-3),
        ("1E3", ValueKind.FLOAT, 1000.0),
        ("2.5e+2", ValueKind.FLOAT, 250.0),
        (".5", ValueKind.FLOAT, 0.5),
        ("-.25", ValueKind.FLOAT, -0.25),
        ("3.", ValueKind.FLOAT, 3.0),
        ("0.99", ValueKind.FLOAT, 0.99),
        ("-1.5", ValueKind.FLOAT, -1.5),
        ("true", ValueKind.BOOL, True),
        ("True", ValueKind.BOOL, True),
        ("TRUE", ValueKind.BOOL, True),
        ("false", ValueKind.BOOL, False),
        ("FALSE", ValueKind.BOOL, False),
        ("none", ValueKind.NONE, None),
        ("None", ValueKind.NONE, None),
        ("NONE", ValueKind.NONE, None),
        ("relu", ValueKind.WORD, "relu"),
        ("he_normal", ValueKind.WORD, "he_normal"),
        ("Same", ValueKind.WORD, "Same"),
        ("_x1", ValueKind.WORD, "_x1"),
        ("truthy", ValueKind.WORD, "truthy"),
        ('"same"', ValueKind.STRING, "same"),
        ("'same'", ValueKind.STRING, "same"),
        ('""', ValueKind.STRING, ""),
        ('"a b"', ValueKind.STRING, "a b"),
        (r'"say \"hi\""', ValueKind.STRING, 'say "hi"'),
        (r"'it\'s'", ValueKind.STRING, "it's"),
        (r'"tab\there"', ValueKind.STRING, "tab\there"),
        (r"'new\nline'", ValueKind.STRING, "new\nline"),
        (r'"back\\slash"', ValueKind.STRING, "back\\slash"),
        ('"it\'s"', ValueKind.STRING, "it's"),
        ("'say \"hi\"'", ValueKind.STRING, 'say "hi"'),
        ('"a|b # c"', ValueKind.STRING, "a|b # c"),
        (r'"\u00e9"', ValueKind.STRING, "\u00e9"),
        ("3x3", ValueKind.TUPLE, (3, 3)),
        ("3X3", ValueKind.TUPLE, (3, 3)),
        ("28x28x1", ValueKind.TUPLE, (28, 28, 1)),
        ("?x8", ValueKind.TUPLE, (None, 8)),
        ("8x?", ValueKind.TUPLE, (8, None)),
        ("?x?x3", ValueKind.TUPLE, (None, None, 3)),
        ("?", ValueKind.TUPLE, (None,)),
        ("(1, 2)", ValueKind.TUPLE, (1, 2)),
        ("(1,2)", ValueKind.TUPLE, (1, 2)),
        ("(7, -1)", ValueKind.TUPLE, (7, -1)),
        ("(1,)", ValueKind.TUPLE, (1,)),
        ("(1, 2,)", ValueKind.TUPLE, (1, 2)),
        ("()", ValueKind.TUPLE, ()),
        ("(1, (2, 3))", ValueKind.TUPLE, (1, (2, 3))),
        ("((1, 2), (3, (4,)))", ValueKind.TUPLE, ((1, 2), (3, (4,)))),
        ("(3x3, ?x8)", ValueKind.TUPLE, ((3, 3), (None, 8))),
        ('(relu, "same", 1.5, true, none)', ValueKind.TUPLE, ("relu", "same", 1.5, True, None)),
    ],
)
def test_values(text: str, kind: ValueKind, python: object) -> None:
    value = one_value(text)
    assert value.kind is kind
    result = value.python()
    assert result == python
    assert type(result) is type(python)
    assert value.span == Span(1, 7, 1, 7 + len(text))


@pytest.mark.parametrize("text", ["42", "-3", "1e-3", ".5", "True", "relu", "'x'", "?x8", "3X3"])
def test_value_text_is_the_source_text(text: str) -> None:
    assert one_value(text).text == text


def test_tuple_items_keep_their_own_kinds_and_spans() -> None:
    value = one_value("(1, (2.5, x))")
    one, inner = value.data  # type: ignore[misc]
    assert (one.kind, one.python(), one.span) == (ValueKind.INT, 1, Span(1, 8, 1, 9))
    assert inner.kind is ValueKind.TUPLE and inner.span == Span(1, 11, 1, 19)
    two_and_a_half, x = inner.data
    assert (two_and_a_half.kind, two_and_a_half.span.column) == (ValueKind.FLOAT, 12)
    assert (x.kind, x.python(), x.span.column) == (ValueKind.WORD, "x", 17)


def test_values_in_a_row_have_their_own_columns() -> None:
    statement = layers(parse("dense 10 -3 1e-3 .5 TRUE none 'q' \"r\" ?x8 ? (1, 2)"))[0]
    assert [(v.kind, v.span.column) for v in statement.positional] == [
        (ValueKind.INT, 7),
        (ValueKind.INT, 10),
        (ValueKind.FLOAT, 13),
        (ValueKind.FLOAT, 18),
        (ValueKind.BOOL, 21),
        (ValueKind.NONE, 26),
        (ValueKind.STRING, 31),
        (ValueKind.STRING, 35),
        (ValueKind.TUPLE, 39),
        (ValueKind.TUPLE, 43),
        (ValueKind.TUPLE, 45),
    ]


def test_keyword_values_of_every_kind() -> None:
    statement = layers(parse('x a=1 b=-2.5e-1 c=false d=None e=same f="q" g=3x3 h=(1, (2,)) i=?'))[
        0
    ]
    assert [(k.key.text, k.value.kind, k.value.python()) for k in statement.keywords] == [
        ("a", ValueKind.INT, 1),
        ("b", ValueKind.FLOAT, -0.25),
        ("c", ValueKind.BOOL, False),
        ("d", ValueKind.NONE, None),
        ("e", ValueKind.WORD, "same"),
        ("f", ValueKind.STRING, "q"),
        ("g", ValueKind.TUPLE, (3, 3)),
        ("h", ValueKind.TUPLE, (1, (2,))),
        ("i", ValueKind.TUPLE, (None,)),
    ]


# ----------------------------------------------------------------- malformed values


@pytest.mark.parametrize("quote", ['"', "'"])
def test_unterminated_string(quote: str) -> None:
    diagnostic = single_error(f"input 3\ndense 10 activation={quote}relu")
    assert position(diagnostic) == (2, 21)
    assert diagnostic.message == f"unexpected character {quote!r}"
    assert diagnostic.hint is not None and "same line" in diagnostic.hint


def test_mismatched_quotes() -> None:
    diagnostic = single_error("dense 'relu\"")
    assert position(diagnostic) == (1, 7)
    assert diagnostic.hint is not None and "same quote" in diagnostic.hint


def test_a_string_cannot_span_lines() -> None:
    error = parse_error('dense "re\nlu"')
    assert [position(d) for d in error.diagnostics] == [(1, 7), (2, 3)]


@pytest.mark.parametrize("text", [r'"\x"', r'"\N{no such name}"', r"'\u12'"])
def test_invalid_string_escapes(text: str) -> None:
    diagnostic = single_error(f"input 3 | dense {text}")
    assert position(diagnostic) == (1, 17)
    assert diagnostic.span.end_column == 17 + len(text)
    assert diagnostic.message.startswith("invalid string")


def test_number_out_of_range() -> None:
    diagnostic = single_error("input 3\ndropout 1e999")
    assert position(diagnostic) == (2, 9)
    assert diagnostic.span.end_column == 14
    assert "1e999" in diagnostic.message and "range" in diagnostic.message


def test_every_bad_literal_is_reported() -> None:
    # Literal errors are found after the grammar accepts the text; all of them
    # should be reported together, like the syntax errors are.
    error = parse_error("input 3\ndense 1e999\ndense 2e999")
    assert [position(d) for d in error.diagnostics] == [(2, 7), (3, 7)]


@pytest.mark.parametrize(
    ("text", "end_column"),
    [
        ("1.2.3", 12),
        ("12abc", 12),
        ("1_000", 12),
        ("3x3x", 11),
        ("-3x3", 11),
        ("1e", 9),
        ("28xx28", 13),
    ],
)
def test_malformed_numbers_and_shapes(text: str, end_column: int) -> None:
    diagnostic = single_error(f"dense {text} relu")
    assert position(diagnostic) == (1, 7)
    assert diagnostic.span.end_column == end_column
    assert repr(text) in diagnostic.message
    assert diagnostic.hint is not None and "28x28" in diagnostic.hint


@pytest.mark.parametrize("char", ["@", "$", "!", "&", "`"])
def test_unexpected_characters(char: str) -> None:
    diagnostic = single_error(f"input 3\ndense 10 {char}")
    assert diagnostic.span == Span(2, 10, 2, 11)
    assert repr(char) in diagnostic.message
    assert diagnostic.hint is not None


@pytest.mark.parametrize(
    ("source", "column", "found"),
    [
        ("dense (1, 2 | dense 3", 13, "'|'"),  # '(' never closed before the '|'
        ("dense ((1, 2) 3", 15, "'3'"),  # inner tuple closed, outer not
        ("dense (1 2)", 10, "'2'"),  # items need commas
        ("dense (,)", 8, "','"),  # a comma with no item
        ("dense (1,,2)", 10, "','"),
        ("dense 10) 3", 9, "')'"),  # ')' with no '('
    ],
)
def test_unbalanced_or_malformed_tuples(source: str, column: int, found: str) -> None:
    diagnostic = single_error(source)
    assert position(diagnostic) == (1, column)
    assert found in diagnostic.message
    assert diagnostic.hint is not None


def test_an_unclosed_tuple_says_what_would_close_it() -> None:
    diagnostic = single_error("input 3 | dense (1, 2 | dense 3")
    assert diagnostic.hint is not None and "')'" in diagnostic.hint


@pytest.mark.parametrize(
    ("source", "column", "found"),
    [
        ("dense units= | dense 3", 14, "'|'"),  # '=' with no value before a '|'
        ("dense units= <- a", 14, "'<-'"),
        ("dense units= ,", 14, "','"),
        ("dense units==10", 13, "'='"),
        ("dense 10 =3", 10, "'='"),  # '=' with no key
        ("dense 3=10", 8, "'='"),  # a key must be a name
        ("dense (a)=10", 10, "'='"),
    ],
)
def test_malformed_keyword_arguments(source: str, column: int, found: str) -> None:
    diagnostic = single_error(source)
    assert position(diagnostic) == (1, column)
    assert found in diagnostic.message
    assert diagnostic.hint is not None


def test_equals_with_no_value_says_a_value_is_expected() -> None:
    diagnostic = single_error("dense units= | dense 3")
    assert diagnostic.hint is not None and diagnostic.hint.startswith("expected")
    assert "argument" in diagnostic.hint or "value" in diagnostic.hint


def test_equals_with_no_key_explains_key_value() -> None:
    diagnostic = single_error("dense 10 =3")
    assert diagnostic.hint is not None and "key=value" in diagnostic.hint


# --------------------------------------------------------- several errors, formatting


def test_every_line_with_a_syntax_error_is_reported_in_source_order() -> None:
    source = "\n".join(
        [
            "input 28x",  # 1: bad shape
            "dense 10 relu",  # 2: fine
            "a: : dense 3",  # 3: double colon
            "",
            "dense 3; dense 4",  # 5: stray ';'
            "dense 10 <- | dense (1, 2",  # 6: no source (only the first error of a line)
            "dense 'x",  # 7: unterminated string
            "dense 4",  # 8: fine
        ]
    )
    error = parse_error(source, "many.mg")
    assert [position(d) for d in error.diagnostics] == [(1, 7), (3, 4), (5, 8), (6, 13), (7, 7)]
    formatted = error.format()
    heads = [line for line in formatted.splitlines() if ": error: " in line]
    assert [h.split(": error: ")[0] for h in heads] == [
        "many.mg:1:7",
        "many.mg:3:4",
        "many.mg:5:8",
        "many.mg:6:13",
        "many.mg:7:7",
    ]
    assert str(error) == formatted


def test_spec_error_sorts_diagnostics_by_position() -> None:
    first = Diagnostic("b", Span(2, 5, 2, 6))
    second = Diagnostic("a", Span(1, 9, 1, 10))
    third = Diagnostic("c", Span(2, 1, 2, 2))
    error = SpecError("x.mg", "aaaaaaaaaaa\nbbbbbbbbb", [first, second, third])
    assert error.diagnostics == [second, third, first]


def test_format_gives_position_source_line_caret_and_hint() -> None:
    error = parse_error("input 3\ndense 10; dense 3", "net.mg")
    assert error.filename == "net.mg"
    assert error.format().splitlines() == [
        "net.mg:2:9: error: unexpected character ';'",
        "    2 | dense 10; dense 3",
        "      |         ^",
        "  hint: separate statements with a new line or '|', arguments with spaces",
    ]


def test_format_caret_covers_the_whole_token() -> None:
    error = parse_error("a: input 3 | dense 10 <- a <- b")
    lines = error.format().splitlines()
    assert caret_column(error.format()) == 28
    assert lines[2].endswith("^^")
    assert lines[2].count("^") == 2


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ("dense ;", 7),
        ("input 3 | dense (1 2)", 20),
        ("        dense 'x", 15),
        ("a: : dense", 4),
        ("\tdense ;", 8),  # a tab counts as one column
    ],
)
def test_format_caret_points_at_the_error_column(source: str, column: int) -> None:
    error = parse_error(source)
    assert position(only(error)) == (1, column)
    assert caret_column(error.format()) == column


def test_format_of_a_diagnostic_without_a_hint_has_no_hint_line() -> None:
    # Every error has a hint (tests/test_bad_specs.py); a note such as "skipped
    # sequential: ..." may have none.
    note = Diagnostic("skipped x", Span(1, 7, 1, 12), severity="note")
    text = format_diagnostics("<expr>", "dense 1e999", [note])
    assert "hint:" not in text
    assert text.splitlines()[0] == "<expr>:1:7: note: skipped x"
    assert text.splitlines()[2].endswith("^^^^^")


def test_a_number_out_of_range_says_how_large_a_number_may_be() -> None:
    diagnostic = only(parse_error("dense 1e999"))
    assert diagnostic.message == "number 1e999 is out of range"
    assert diagnostic.hint is not None and "1.8e308" in diagnostic.hint


# ------------------------------------------------- line ends: one rule, everywhere

LINE_ENDS = ["\n", "\r\n", "\r"]


@pytest.mark.parametrize("end", LINE_ENDS, ids=["LF", "CRLF", "CR"])
def test_every_line_end_ends_a_comment_and_a_statement(end: str) -> None:
    # As Python reads source code: '\r\n', '\r' and '\n' each end a line.
    spec = parse(f"input 3{end}dense 2 # two{end}dense 99{end}")
    assert [s.span for s in spec.statements] == [
        Span(1, 1, 1, 8),
        Span(2, 1, 2, 8),
        Span(3, 1, 3, 9),
    ]
    assert spec.source == "input 3\ndense 2 # two\ndense 99\n"  # as every later stage reads it


@pytest.mark.parametrize("end", LINE_ENDS, ids=["LF", "CRLF", "CR"])
def test_errors_after_any_line_end_have_the_same_line_column_and_caret(end: str) -> None:
    error = parse_error(f"input 3{end}dense 2 # c{end}dense 10 ;{end}")
    assert position(only(error)) == (3, 10)
    formatted = error.format()
    assert formatted.splitlines()[1] == "    3 | dense 10 ;"
    assert caret_column(formatted) == 10
    # format_diagnostics splits a raw source by the same rule as the parser
    raw = format_diagnostics("<expr>", f"input 3{end}dense 2 # c{end}dense 10 ;", error.diagnostics)
    assert raw == formatted


def test_a_lone_cr_in_new_and_in_a_file_read_as_a_project_reads_it_agree(tmp_path) -> None:
    from modelgen.generate import load_file

    text = "input 3\rdense 2 # a comment\rdense 99\r"
    (tmp_path / "cr.mg").write_bytes(text.encode())
    from_file = load_file(tmp_path / "cr.mg", "cr.mg")
    assert [n.entry.keyword for n in from_file.nodes] == ["Input", "Dense", "Dense"]
    assert from_file.spec.statements == load(text, "cr.mg").spec.statements


def test_a_leading_bom_is_dropped_and_columns_count_from_after_it() -> None:
    assert parse("\ufeffinput 3\ndense 2").statements == parse("input 3\ndense 2").statements
    assert parse("\ufeffinput 3").source == "input 3"
    error = parse_error("\ufeffinput 3 ;")
    assert position(only(error)) == (1, 9)
    assert caret_column(error.format()) == 9
    assert "\ufeff" not in error.format()


@pytest.mark.parametrize(
    "char", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
)
@pytest.mark.parametrize(
    "template",
    ["input 3 # note{c}dense 99\ndense 2", 'input 3\ndense 2 name="a{c}b"', "input 3\n{c}dense 2"],
    ids=["comment", "string", "code"],
)
def test_characters_shown_as_line_breaks_are_refused_even_in_comments(
    char: str, template: str
) -> None:
    # A terminal or an editor breaks the line there; the grammar would not. A statement
    # after one in a comment would be seen and silently not read: so it is an error.
    source = template.format(c=char)
    diagnostic = single_error(source)
    line, column = position(diagnostic)
    assert source.split("\n")[line - 1][column - 1] == char
    assert "is not a line end" in diagnostic.message
    assert diagnostic.hint is not None and "not even in a comment" in diagnostic.hint


def test_a_lone_surrogate_in_the_text_is_refused_at_its_place() -> None:
    diagnostic = single_error("input 3 # caf\udce9")
    assert position(diagnostic) == (1, 14)
    assert "lone surrogate" in diagnostic.message


def test_a_string_escape_that_makes_a_lone_surrogate_is_an_error() -> None:
    diagnostic = single_error('dense 2 name="hid\\ud83d\\ude00den"')
    assert position(diagnostic) == (1, 14)
    assert diagnostic.message.startswith("invalid string: U+D83D is a lone surrogate")
    assert diagnostic.hint is not None and "\\U0001F600" in diagnostic.hint
    assert one_value('"\\U0001F600"').python() == "😀"  # the escape the hint offers works


# ------------------------------------------------------------------ numbers' range


@pytest.mark.parametrize("text", ["1e-400", "-1e-400", "0.1e-330", "1.5e-324", "7E-999"])
def test_a_nonzero_number_that_underflows_to_zero_is_an_error(text: str) -> None:
    diagnostic = single_error(f"rescaling {text}")
    assert diagnostic.message == f"number {text} is too small: it would be 0.0"
    assert position(diagnostic) == (1, 11)
    assert diagnostic.hint is not None and "5e-324" in diagnostic.hint


@pytest.mark.parametrize("text", ["0e-400", "0.0e-999", "-0.0", "5e-324", "2.2e-308"])
def test_zero_and_the_smallest_floats_are_numbers(text: str) -> None:
    assert one_value(text).python() == float(text)


@pytest.mark.parametrize("text", ["1e400", "-1e309", "1.8e308"])
def test_a_number_that_overflows_is_an_error(text: str) -> None:
    assert single_error(f"rescaling {text}").message == f"number {text} is out of range"


# ----------------------------------------------------------------- statement limit


def test_a_spec_of_more_than_the_most_statements_is_refused_before_parsing() -> None:
    from modelgen.parser import MAX_STATEMENTS

    row = "dense 2|" * 999 + "dense 2\n"  # 1,000 statements a line: few lines, fast
    source = "input 3\n" + row * (MAX_STATEMENTS // 1000)  # one statement too many
    diagnostic = single_error(source)
    assert diagnostic.message == (
        f"more than {MAX_STATEMENTS:,} statements: a spec holds at most {MAX_STATEMENTS:,}"
    )
    last = MAX_STATEMENTS // 1000 + 1
    assert diagnostic.span == Span(last, len(row) - 7, last, len(row))


def test_the_statement_limit_counts_statements_not_pipes_in_comments_or_strings(
    monkeypatch,
) -> None:
    from modelgen import parser

    monkeypatch.setattr(parser, "MAX_STATEMENTS", 3)
    parse('input 3 # | | | |\ndense 2 name="a|b|c" | | |\n\n\ndense 2')  # three statements
    error = parse_error("input 3\ndense 2 | dense 2 | dense 2")
    assert position(only(error)) == (2, 21)


# ----------------------------------------------------- Python where the DSL should be

# (Python, the DSL statement the hint gives, a spec around that statement)
PYTHON_LINES = [
    ('Conv2D(32, (3, 3), activation="relu")', "conv2d 32 3x3 relu", "input 8x8x3\n{}"),
    ("layers.Conv2D(32, 3, padding='same')", "conv2d 32 3 padding=same", "input 8x8x3\n{}"),
    (
        "keras.layers.Dense(10, activation='softmax', name='probs')",
        "dense 10 softmax name=probs",
        "input 6\n{}",
    ),
    ("layers.Dense(10)", "dense 10", "input 6\n{}"),
    ("Dense(units=10, use_bias=False)", "dense 10 use_bias=false", "input 6\n{}"),
    ("inputs = keras.Input(shape=(28, 28))", "inputs: input 28x28", "{}\nflatten"),
    ("keras.Input((None, 8), dtype='int32')", "input ?x8 dtype=int32", "{}\nflatten"),
    (
        'x = layers.Dense(64, activation="relu")(inputs)',
        "x: dense 64 relu <- inputs",
        "inputs: input 6\n{}",
    ),
    ("x = layers.Dense(64)(x)", "dense 64 <- x", "x: input 6\n{}"),
    (
        "merged = layers.Concatenate()([a, b])",
        "merged: concatenate <- a, b",
        "a: input 4\nb: input 4\n{}",
    ),
    ("model.add(layers.Dropout(0.5))", "dropout 0.5", "input 6\n{}"),
    ("    layers.MaxPooling2D((2, 2)),", "maxpooling2d 2x2", "input 8x8x3\n{}"),
    (
        "Dense(8, kernel_regularizer=keras.regularizers.L2(1e-4))",
        "dense 8 kernel_regularizer=l2(0.0001)",
        "input 6\n{}",
    ),
    ("hidden: Dense(10, activation='relu')", "hidden: dense 10 relu", "input 6\n{}"),
]


@pytest.mark.parametrize(("python", "dsl", "around"), PYTHON_LINES)
def test_a_python_layer_call_is_named_and_its_dsl_form_is_the_hint(
    python: str, dsl: str, around: str
) -> None:
    diagnostic = single_error(python)
    assert "is a Python call" in diagnostic.message
    assert diagnostic.span.column == len(python) - len(python.lstrip()) + 1
    assert diagnostic.hint == f"write: {dsl}"


def test_a_python_call_on_a_later_line_or_after_a_pipe_is_found_there() -> None:
    diagnostic = single_error("input 4\ninput 3 | Dense(10)")
    assert diagnostic.span == Span(2, 11, 2, 20)
    assert diagnostic.hint == "write: dense 10"


def test_a_layer_name_directly_followed_by_a_bracket_is_a_call_not_a_tuple() -> None:
    # The grammar's rule: a name directly followed by "(" is a call; a layer is not one.
    diagnostic = single_error("input 12 | reshape(3, 4)")
    assert diagnostic.message.startswith("'reshape(' is a Python call")
    assert diagnostic.hint is not None and diagnostic.hint.startswith("write 'reshape', then")
    assert parse("input 12 | reshape (3, 4)").statements  # with a space: a tuple argument


def test_python_that_cannot_be_written_in_the_dsl_gets_the_general_hint() -> None:
    diagnostic = single_error("layers.Dense(n_units, activation=my_activation)")
    assert diagnostic.hint is not None and diagnostic.hint.startswith("write 'dense', then")


@pytest.mark.parametrize(
    ("python", "layer"),
    [
        ("lambda: Dense(3)", "'dense'"),  # no label 'lambda', a Python keyword
        ("model.add(model.add(Dense(n)))", "'dense'"),  # not 'add', the merge layer
        ("model.add(layers.Dense(10, activation=", "the layer's name"),
        ("build_block(3)", "the layer's name"),
    ],
)
def test_the_general_python_hint_names_the_layer_being_called(python: str, layer: str) -> None:
    hint = single_error(f"input 3\n{python}").hint
    assert hint is not None and hint.startswith(f"write {layer}, then its arguments"), hint


@pytest.mark.parametrize(("python", "dsl", "around"), PYTHON_LINES)
def test_every_dsl_form_the_python_hint_offers_is_a_valid_statement(
    python: str, dsl: str, around: str
) -> None:
    load(around.format(dsl))  # parses, validates and infers shapes
    error = parse_error(around.format(python))  # and the Python in its place is refused
    assert only(error).hint == f"write: {dsl}"


def test_a_python_hint_builds_the_layer_keras_builds(verify) -> None:
    import keras

    from modelgen.generate import generate

    cases = [
        ('layers.Conv2D(32, (3, 3), activation="relu", padding="same")', "input 8x8x3"),
        (
            "layers.Dense(10, use_bias=False, kernel_regularizer=keras.regularizers.L2(1e-4))",
            "input 6",
        ),
        ("layers.MaxPooling2D((2, 2))", "input 8x8x3"),
    ]
    for python, before in cases:
        hint = single_error(f"{before}\n{python}").hint
        assert hint is not None and hint.startswith("write: ")
        model = verify.build(
            generate(load(f"{before}\n{hint.removeprefix('write: ')}"), "functional")
        )
        expected = eval(python, {"layers": keras.layers, "keras": keras})  # noqa: S307 - our own text
        built = model.layers[-1].get_config()
        wanted = expected.get_config()
        for config in (built, wanted):
            config.pop("name")
        assert built == wanted, python


# ------------------------------------------------------------- shapes, '\' and '.'


@pytest.mark.parametrize(
    ("source", "span", "shape"),
    [
        ("input 28 x 28", Span(1, 7, 1, 14), "28x28"),
        ("input 28 X 28 x 1", Span(1, 7, 1, 18), "28x28x1"),
        ("input 28 x28", Span(1, 7, 1, 13), "28x28"),
        ("input 28x28 x 3", Span(1, 7, 1, 16), "28x28x3"),
        ("input shape=28 x 28", Span(1, 13, 1, 20), "28x28"),
        ("input 3 | reshape 1 x 3", Span(1, 19, 1, 24), "1x3"),
    ],
)
def test_a_shape_written_with_spaces_says_how_to_write_it(
    source: str, span: Span, shape: str
) -> None:
    diagnostic = single_error(source)
    assert diagnostic.span == span
    assert "has spaces in it" in diagnostic.message
    assert diagnostic.hint == f"a shape is written without spaces: {shape}"


@pytest.mark.parametrize("source", ["dense 28 name=x", "dense 10 x", "dense 3 x=2", "dense 28 x"])
def test_a_word_x_that_is_not_part_of_a_shape_is_not_taken_for_one(source: str) -> None:
    parse(source)  # whatever validation says of it later, it is no spaced shape


@pytest.mark.parametrize("source", ["dense 64 \\", "dense 64 \\  ", "dense 64 \\ # then relu"])
def test_a_backslash_line_continuation_says_a_statement_is_one_line(source: str) -> None:
    diagnostic = single_error(f"input 3\n{source}\n    relu")
    assert position(diagnostic) == (2, 10)
    assert diagnostic.hint is not None and "no '\\' line continuation" in diagnostic.hint


def test_a_backslash_inside_a_statement_says_where_backslashes_go() -> None:
    diagnostic = single_error("dense 64 \\relu")
    assert diagnostic.hint is not None and "quoted string" in diagnostic.hint


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("keras.regularizers.L2(1e-4)", "l2(0.0001)"),
        ("keras.initializers.HeNormal(seed=1)", "he_normal(seed=1)"),
        ("tf.nn.relu", "relu"),
    ],
)
def test_a_dotted_python_name_says_how_the_dsl_writes_it(value: str, written: str) -> None:
    diagnostic = single_error(f"dense 8 kernel_regularizer={value}")
    assert diagnostic.span == Span(1, 28, 1, 28 + len(value.split("(")[0]))
    assert "no dotted names" in diagnostic.message
    assert diagnostic.hint is not None and diagnostic.hint.endswith(f"write {written}")


@pytest.mark.parametrize("source", ["rescaling 1.5.3", "dense .5.", "dense 1.x"])
def test_a_dot_in_a_number_is_still_a_malformed_number(source: str) -> None:
    assert "malformed number" in single_error(source).message


# ------------------------------------------------------------- parses side by side

# Specs with different mistakes (bad literals, a Python call, a spaced shape) and one
# without: the parser keeps no state between parses, so threads never share errors.
SIDE_BY_SIDE = [
    "input 3\ndense 1e999",
    'input 3\ndense "\\q" | dense 99999999999999999999999',
    "input 3\nh: dense 1e-999 units=2 kernel_initializer=l2(1e999)",
    "input 28 x 28",
    "input 3\nDense(10)",
    "input 3\ndense " + "(" * 9 + "1e999" + ")" * 9,
    "input 3 | dense 2 relu",
]


def diagnostics_of(source: str) -> tuple[Diagnostic, ...] | None:
    """The diagnostics of parsing `source`, or None if it parses."""
    try:
        parse(source)
    except SpecError as error:
        return tuple(error.diagnostics)
    return None


def test_threads_parsing_at_once_each_get_their_own_errors() -> None:
    alone = [diagnostics_of(source) for source in SIDE_BY_SIDE]
    assert alone[-1] is None and all(alone[:-1])
    assert len({d for diagnostics in alone[:-1] for d in diagnostics or ()}) >= 8
    start = threading.Barrier(len(SIDE_BY_SIDE))

    def parse_often(source: str) -> set[tuple[Diagnostic, ...] | None]:
        start.wait()
        return {diagnostics_of(source) for _ in range(150)}

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as can be: mid-parse
    try:
        with ThreadPoolExecutor(len(SIDE_BY_SIDE)) as pool:
            seen = list(pool.map(parse_often, SIDE_BY_SIDE))
    finally:
        sys.setswitchinterval(interval)
    assert seen == [{diagnostics} for diagnostics in alone]
