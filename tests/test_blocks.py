"""Blocks (issue 13) through the real pipeline: specs that use them are loaded, generated
in every style that can express them, summarized as Keras would, and (a few) built and
checked in Keras. The mistakes are in the bad-spec corpus, tests/bad/200-227.
"""

from __future__ import annotations

import pytest

from modelgen.errors import SpecError
from modelgen.generate import generate, load
from modelgen.styles import STYLES

from .summaries import built_summary, static_summary

# A residual block (its body a DAG) that uses another block, with an activation, a
# kernel size in a tuple and a regularizer as parameters, and an operation in its body.
NESTED = """\
block conv filters k=3 act=relu
  x: input
  conv2d $filters ($k, $k) padding=same activation=$act
end
block basic size filters stride=1
  x: input
  conv $filters
  conv2d $filters $size strides=$stride padding=same
  residual: batchnormalization
  conv2d $filters 1x1 strides=$stride <- x
  shortcut: add_constant 1.0
  add <- residual, shortcut
end
input 16x16x3
basic 3x3 8 * 3
s: basic 3x3 * [16] [32 stride=2]
conv 8 k=5 act=tanh <- s
flatten
dense 10
"""

# A block of two inputs, read with two sources.
TWO_INPUTS = """\
block mix units
  a: input
  b: input
  add <- a, b
  dense $units relu
end
input 16
p: dense 8
q: dense 8 <- p
mix 4 <- p, q
dense 2
"""

# A one-input, one-output chain of blocks: what a Sequential style can write.
CHAIN = """\
block unit width act=relu
  x: input
  dense $width activation=$act
  scaled: multiply_constant 2.0
end
input 16
a: dense 8
last: unit 4 * 3 <- a
unit 2 act=tanh <- last
"""

# A parameter in an operation's value: `call` reads the attribute `__init__` kept.
OPERATIONS = """\
block scaled c
  x: input
  y: multiply_constant $c
  z: add_constant 1.0 <- x
  add <- y, z
end
input 4
scaled 2.0 * 3
"""

REGULARIZED = """\
block conv filters reg=l2(1e-4)
  x: input
  conv2d $filters 3x3 padding=same kernel_regularizer=$reg
end
input 8x8x3
conv 4
conv 4 reg=l1(0.01)
flatten
dense 2
"""


def code_of(spec: str, style: str = "functional") -> str:
    return generate(load(spec, "case.mg"), style)


def build_model_of(code: str) -> str:
    """The code after the block classes: the model's own."""
    return code[code.index("def build_model") :]


def error_of(spec: str, style: str | None = None) -> SpecError:
    with pytest.raises(SpecError) as caught:
        graph = load(spec, "case.mg")
        if style is not None:
            generate(graph, style)
    return caught.value


# ------------------------------------------------------------------------ accepted


def test_nested_blocks_are_two_classes_the_outer_using_the_inner():
    graph = load(NESTED, "case.mg")
    assert [b.class_name for b in graph.blocks()] == ["Conv", "Basic"]
    (basic,) = [b for b in graph.blocks() if b.name == "basic"]
    assert [b.name for b in basic.blocks_used()] == ["conv"]
    code = code_of(NESTED)
    assert code.index("class Conv(") < code.index("class Basic(")  # the used one first
    assert "self.conv = Conv(filters)" in code


def test_a_block_of_two_inputs_is_called_on_a_list():
    graph = load(TWO_INPUTS, "case.mg")
    (node,) = [n for n in graph.nodes if n.block is not None]
    assert node.entry.min_inputs == node.entry.max_inputs == 2
    assert "outputs = " in code_of(TWO_INPUTS)
    assert "Mix(4)([p, q])" in build_model_of(code_of(TWO_INPUTS))
    assert "def call(self, inputs):" in code_of(TWO_INPUTS)
    assert "Mix(4)" in code_of(TWO_INPUTS, "subclass")


def test_a_repetition_makes_its_uses_in_a_chain():
    model = build_model_of(code_of(NESTED))
    assert model.count("Basic((3, 3), 8)") == 3
    first, second, third = (line for line in model.splitlines() if "Basic((3, 3), 8)" in line)
    assert first.endswith("(inputs)") and second.endswith("(x)") and third.endswith("(x)")


def test_stages_share_the_arguments_before_the_star():
    model = build_model_of(code_of(NESTED))
    assert "Basic((3, 3), 16)(x)" in model
    assert 's = Basic((3, 3), 32, stride=2, name="s")(x)' in model


def test_a_label_on_a_repetition_names_its_last_use_which_sources_read():
    model = build_model_of(code_of(CHAIN))
    assert model.count("Unit(4)") == 2  # the first two keep Keras' names
    assert 'last = Unit(4, name="last")(x)' in model
    assert 'Unit(2, act="tanh")(last)' in model
    # The first use reads the repetition's sources.
    assert "x = Unit(4)(a)" in model


def test_a_parameter_in_a_tuple():
    code = code_of(NESTED)
    assert 'layers.Conv2D(filters, (k, k), padding="same", activation=act)' in code
    assert "Conv(8, k=5" in build_model_of(code)


def test_an_activation_passed_by_a_parameter():
    code = code_of(NESTED)
    assert 'def __init__(self, filters, k=3, act="relu", **kwargs):' in code
    assert 'act="tanh"' in build_model_of(code)


def test_a_parameter_in_an_operation_is_the_attribute_init_kept():
    code = code_of(OPERATIONS)
    assert "self.c = c" in code
    assert "y = keras.ops.multiply(x, self.c)" in code


def test_a_regularizer_passed_by_a_parameter():
    code = code_of(REGULARIZED)
    assert "reg=keras.regularizers.L2(l2=0.0001)" in code  # the default, in __init__
    assert "kernel_regularizer=reg" in code
    model = build_model_of(code)
    assert "Conv(4)(inputs)" in model
    assert "Conv(4, reg=keras.regularizers.L1(l1=0.01))(x)" in model


def test_sequential_styles_write_a_chain_of_one_input_blocks():
    for style in ("sequential", "sequential-list"):
        code = code_of(CHAIN, style)
        assert "keras.Sequential(" in code
        assert code.count("class Unit(") == 1
        assert 'Unit(4, name="last")' in code
    # A block whose body is not a chain is still one layer of the chain.
    assert "model.add(Basic((3, 3), 8))" in code_of(NESTED, "sequential")


def test_sequential_styles_refuse_a_block_of_two_inputs_saying_why():
    for style in ("sequential", "sequential-list"):
        (diagnostic,) = error_of(TWO_INPUTS, style).diagnostics
        assert diagnostic.message == (
            f"the {style} style cannot express this model: 'mix' merges 2 inputs"
        )
        assert diagnostic.span.line == 10  # the use
    assert "Mix(4)" in code_of(TWO_INPUTS, "subclass")


@pytest.mark.parametrize("style", list(STYLES))
def test_a_block_body_is_written_once_however_many_uses(style):
    code = code_of(NESTED, style)
    assert code.count("class Basic(") == 1 and code.count("class Conv(") == 1
    assert code.count("Basic(") - code.count("class Basic(") == 5  # its five uses
    assert code.count("layers.BatchNormalization()") == 1


def test_a_use_is_one_row_of_the_summary_counting_its_body():
    rows = static_summary(CHAIN)["layers"]
    assert [(r["name"], r["class"], r["params"]) for r in rows] == [
        ("input_layer", "InputLayer", 0),
        ("a", "Dense", 8 * 16 + 8),
        ("unit", "Unit", 8 * 4 + 4),
        ("unit_1", "Unit", 4 * 4 + 4),
        ("last", "Unit", 4 * 4 + 4),  # the label names the last use
        ("unit_2", "Unit", 4 * 2 + 2),
    ]


# ------------------------------------------------------------------- error context


BAD_TWO_USES = """\
block pool size
  x: input
  maxpooling2d $size
end
block head size
  x: input
  pool $size
end
input 8x8x3
head 2x2
head 8x8
flatten
dense 10
"""


def test_a_problem_in_a_use_names_each_use_innermost_first():
    (diagnostic,) = error_of(BAD_TWO_USES).diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 16)  # $size in pool's body
    assert diagnostic.context == "in block 'pool' used at 7:3\nin block 'head' used at 11:1"
    text = error_of(BAD_TWO_USES).format().splitlines()
    assert text[0].startswith("case.mg:3:16: error: maxpooling2d: ")
    assert text[3:5] == ["  in block 'pool' used at 7:3", "  in block 'head' used at 11:1"]
    assert text[5].startswith("  hint: ")


def test_a_problem_of_one_use_of_a_repetition_says_which():
    spec = BAD_TWO_USES.replace("head 2x2\nhead 8x8", "head * [2x2] [8x8]")
    (diagnostic,) = error_of(spec).diagnostics
    assert (
        diagnostic.context
        == "in block 'pool' used at 7:3\nin block 'head' used at 10:14 (use 2 of 2)"
    )
    spec = BAD_TWO_USES.replace("head 2x2\nhead 8x8", "head 2x2 * 4")
    (diagnostic,) = error_of(spec).diagnostics
    assert (
        diagnostic.context
        == "in block 'pool' used at 7:3\nin block 'head' used at 10:1 (use 4 of 4)"
    )


def test_a_value_that_does_not_fit_is_said_once_at_the_body_with_its_use():
    spec = NESTED.replace("conv 8 k=5", "conv eight k=5")
    (diagnostic,) = error_of(spec).diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 10)
    assert diagnostic.message.startswith("Conv2D filters: expected a positive integer")
    assert diagnostic.context == "in block 'conv' used at 17:1"


# ---------------------------------------------------------------- against Keras


@pytest.mark.parametrize(
    "spec",
    [NESTED, TWO_INPUTS, CHAIN, OPERATIONS],
    ids=["nested_with_an_operation", "two_inputs", "repeated_three_times", "parameter_in_an_op"],
)
def test_static_summary_is_what_keras_reports(spec, verify):
    assert static_summary(spec) == built_summary(spec, verify)


@pytest.mark.parametrize("spec", [NESTED, TWO_INPUTS], ids=["nested", "two_inputs"])
def test_every_style_builds_the_same_model(spec, verify):
    report = verify.check_graph(load(spec, "case.mg"))
    assert report.ok, report


def test_a_regularizer_parameter_builds_the_same_model(verify):
    # get_config serializes a parameter that stands where a Keras object goes: each
    # style's module makes its own L2(), which would compare by identity.
    report = verify.check_graph(load(REGULARIZED, "case.mg"))
    problems = {style: c.problems for style, c in report.comparisons.items() if c.problems}
    assert problems == {}


def test_a_tuple_holding_parameters_shows_the_values_the_use_gave():
    spec = "block b k\n  x: input\n  conv2d 4 ($k, $k)\nend\ninput 8x8x3\nb 3x3\n"
    (diagnostic,) = error_of(spec).diagnostics
    assert "Received: '(3x3, 3x3)' (tuple)" in diagnostic.message


def test_a_syntax_error_beside_a_block_is_said_alone():
    # Each line is parsed alone to find every syntax error: the block's 'block' and
    # 'end' lines are grouped again, not said to be a block without 'end' and a stray 'end'.
    spec = NESTED + "dense 2 units=\n"
    (diagnostic,) = error_of(spec).diagnostics
    assert diagnostic.message == "unexpected end of the line"
    unclosed = NESTED.replace("end\nblock basic", "block basic") + "dense 2 units=\n"
    messages = [d.message for d in error_of(unclosed).diagnostics]
    assert messages == [
        "block 'basic' is inside block 'conv', which has no 'end' before it",
        "unexpected end of the line",
    ]


def test_a_block_repeated_inside_a_repeated_block_counts_every_layer():
    # A million layers, refused before any use of a block is made: at once.
    spec = (
        "block u n\n  x: input\n  dense $n * 1000\nend\n"
        "block w n\n  x: input\n  u $n * 1000\nend\ninput 8\nw 4\n"
    )
    (diagnostic,) = error_of(spec).diagnostics
    assert diagnostic.message == "block 'w' makes more than 50,000 layers"
    assert (diagnostic.span.line, diagnostic.span.column) == (7, 8)
    spec = "block u n\n  x: input\n  dense $n * 10\nend\ninput 8\nu 4 * 5001\n"
    (diagnostic,) = error_of(spec).diagnostics
    assert diagnostic.message == "the model makes more than 50,000 layers"
    assert diagnostic.hint == "each use of block 'u' makes 10 layers: use it fewer times"


def test_a_default_is_checked_where_its_parameter_stands_though_no_use_relies_on_it():
    spec = "block b filters=ten\n  x: input\n  conv2d $filters 3x3\nend\ninput 8x8x3\nb 4\n"
    (diagnostic,) = error_of(spec).diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 17)  # the default
    assert diagnostic.context is None  # the definition is wrong, whichever the use
    assert diagnostic.message == (
        "the default of parameter 'filters' does not fit where $filters stands in the body "
        "(line 3): Conv2D filters: expected a positive integer. Received: 'ten' (word)"
    )
    # In a tuple too: `__init__(self, k="ten")` would be written all the same.
    spec = "block b k=ten\n  x: input\n  conv2d 4 ($k, $k)\nend\ninput 8x8x3\nb 3\n"
    (diagnostic,) = error_of(spec).diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 11)
    assert diagnostic.message.endswith("Received: '(ten, ten)' (tuple)")


def test_an_input_or_operation_label_may_be_a_parameter_s_name():
    # Only a layer's label is an attribute of the class, as a parameter is.
    spec = (
        "block b x scale\n  x: input\n  dense $x\n  scale: multiply_constant $scale\nend\n"
        "input 8\nb 4 2.0\n"
    )
    code = code_of(spec)
    assert "def call(self, x):" in code and "self.x = x" in code


def test_a_nested_use_that_gives_no_parameter_is_checked_at_the_definition():
    spec = (
        "block conv filters\n  x: input\n  conv2d $filters 3x3\nend\n"
        "block outer\n  x: input\n  conv ten\nend\ninput 8x8x3\nouter\nouter\n"
    )
    (diagnostic,) = error_of(spec).diagnostics
    assert diagnostic.context == "in block 'conv' used at 7:3"  # not 'outer used at 10:1'
