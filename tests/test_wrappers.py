"""Wrappers and attention end to end: binding, rendering, positioned errors, every style in Keras.

The catalogue cases (tests/catalogue_cases/) prove each layer's summary against
Keras; these tests follow `bidirectional lstm 16 ...`, `timedistributed dense 4`
and `multiheadattention 2 4 <- x, x` through the whole pipeline.
"""

from __future__ import annotations

import pytest

from modelgen.generate import generate_all, load
from modelgen.ir import Span
from modelgen.parser import parse
from modelgen.render import render
from modelgen.styles import STYLES
from modelgen.validate import validate
from modelgen.views import RenderOptions, shared_view

from .diagnostics import load_error, only, position

WRAPPERS = "input 10x8 | bidirectional lstm 16 return_sequences=true | timedistributed dense 4"
SELF_ATTENTION = "x: input 6x8 | mha: multiheadattention 2 4 <- x, x"


def _arguments(arguments) -> dict:
    return {a.name: a.value for a in arguments}


def _constructors(spec: str) -> list[str]:
    return [layer.constructor for layer in shared_view(load(spec), RenderOptions()).layers]


# ---------------------------------------------------------------------------- binding


def test_the_first_word_names_the_wrapped_layer_and_the_rest_is_split():
    graph = validate(
        parse("input 10x8\nbidirectional lstm 16 relu return_sequences=true merge_mode=sum")
    )
    node = graph.nodes[1]
    assert node.entry.keyword == "Bidirectional"
    assert _arguments(node.arguments) == {"merge_mode": "sum"}
    assert node.wrapped is not None and node.wrapped.entry.keyword == "LSTM"
    assert _arguments(node.wrapped.arguments) == {
        "units": 16,
        "activation": "relu",
        "return_sequences": True,
    }


def test_name_stays_with_the_wrapper_dtype_and_trainable_go_to_the_wrapped_layer():
    # Keras creates the weights in the wrapped layer: only there do dtype and trainable count.
    graph = load("input 10x8\nbidirectional gru 4 name=birnn dtype=float16 trainable=false")
    node = graph.nodes[1]
    assert _arguments(node.arguments) == {"name": "birnn"}
    assert _arguments(node.wrapped.arguments) == {  # type: ignore[union-attr]
        "units": 4,
        "dtype": "float16",
        "trainable": False,
    }
    weights = graph.facts[1].weights
    assert {(w.itemsize, w.trainable) for w in weights} == {(2, False)}
    assert sum(w.count for w in weights) == 2 * (8 * 12 + 4 * 12 + 2 * 12)


def test_time_distributed_gives_every_argument_to_the_wrapped_layer():
    graph = load("input 5x8x8x3\ntimedistributed conv2d 4 3x3 relu strides=2 padding=same")
    node = graph.nodes[1]
    assert node.arguments == ()
    assert node.wrapped is not None and node.wrapped.entry.keyword == "Conv2D"
    assert _arguments(node.wrapped.arguments) == {
        "filters": 4,
        "kernel_size": (3, 3),
        "strides": 2,
        "padding": "same",
        "activation": "relu",
    }
    assert graph.facts[1].output_shape == (None, 5, 4, 4, 4)


# -------------------------------------------------------------------------- rendering


def test_the_wrapped_layer_is_rendered_inside_its_wrapper():
    assert _constructors(WRAPPERS) == [
        "layers.Bidirectional(layers.LSTM(16, return_sequences=True))",
        "layers.TimeDistributed(layers.Dense(4))",
    ]


def test_wrapper_keywords_follow_the_wrapped_layer():
    spec = "input 10x8 | b: bidirectional gru 6 reset_after=false merge_mode=ave trainable=false"
    assert _constructors(spec) == [
        "layers.Bidirectional(layers.GRU(6, reset_after=False, trainable=False), "
        "merge_mode='ave', name='b')"
    ]


def test_attention_layers_are_called_as_keras_calls_them():
    functional = {g.style.name: g.code for g in generate_all(load(SELF_ATTENTION))}["functional"]
    assert 'mha = layers.MultiHeadAttention(2, 4, name="mha")(x, x)' in functional
    spec = "q: input 6x8 | v: input 5x8 | k: input 5x8 | attention use_scale=true <- q, v, k"
    functional = {g.style.name: g.code for g in generate_all(load(spec))}["functional"]
    assert "layers.Attention(use_scale=True)([q, v, k])" in functional


# ----------------------------------------------------------------------------- errors


def test_a_wrapper_without_a_layer_points_at_the_number():
    diagnostic = only(load_error("input 10x8\nbidirectional 64"))
    assert diagnostic.span == Span(2, 15, 2, 17)
    assert diagnostic.message == (
        "Bidirectional wraps a layer, named first: e.g. 'bidirectional lstm 64 return_sequences=true'"
    )
    assert diagnostic.hint == "it wraps simplernn, lstm, gru"


def test_bidirectional_refuses_a_layer_that_is_not_recurrent():
    diagnostic = only(load_error("input 10x8\nbidirectional dense 3"))
    assert diagnostic.span == Span(2, 15, 2, 20)
    assert "Bidirectional wraps a layer" in diagnostic.message
    assert diagnostic.hint == "it wraps simplernn, lstm, gru"


def test_time_distributed_refuses_a_layer_that_reads_several_inputs():
    diagnostic = only(load_error("input 10x8\ntimedistributed concatenate"))
    assert diagnostic.span == Span(2, 17, 2, 28)
    assert "TimeDistributed wraps a layer, named first: e.g. 'timedistributed dense 10'" in (
        diagnostic.message
    )
    assert diagnostic.hint == "it wraps any layer that reads one input"


def test_a_wrapper_cannot_wrap_a_wrapper():
    diagnostic = only(load_error("input 4x10x8\ntimedistributed bidirectional lstm 3"))
    assert position(diagnostic) == (2, 17)


@pytest.mark.parametrize(
    "spec,column,message",
    [
        ("input 10x8\nbidirectional lstm 4 go_backwards=true", 35, "must run forwards"),
        ("input 10x8\nbidirectional lstm 4 stateful=true", 31, "static batch size"),
        ("input 8\nbidirectional lstm 4", 1, "expected an input of rank 3"),
        ("input 5x?\ntimedistributed dense 4", 1, "reads each time step as (None, None)"),
        ("input 8\ntimedistributed dense 4", 1, "expected an input of rank 3 or more"),
    ],
)
def test_what_the_wrapped_layer_refuses_is_refused_at_a_position(spec, column, message):
    diagnostic = only(load_error(spec))
    assert position(diagnostic) == (2, column)
    assert message in diagnostic.message


def test_an_unknown_argument_of_the_wrapped_layer_is_positioned():
    diagnostic = only(load_error("input 10x8\nbidirectional lstm 4 merge_mod=sum"))
    assert position(diagnostic) == (2, 22)
    assert diagnostic.message == "unknown argument 'merge_mod' for LSTM or Bidirectional"
    assert diagnostic.hint == "did you mean 'merge_mode'?"


# ------------------------------------------------- what Keras builds but cannot run


RUN_FAILURES = [
    ("q: input 6x8\nv: input 5x3\nattention <- q, v", "same last dimension"),
    ("q: input 6x8\nv: input 5x8\nk: input 4x8\nattention <- q, v, k", "same number of steps"),
    ("q: input 6x8\nv: input 2x5x8\nattention <- q, v", "same rank"),
    ("x: input 8\nmultiheadattention 2 4 <- x, x", "rank 3 or more"),
    ("q: input 6x8\nv: input 3x5x8\nmultiheadattention 2 4 <- q, v", "same rank"),
    (
        "q: input 3x6x8\nv: input 4x5x8\nmultiheadattention 2 4 attention_axes=2 <- q, v",
        "equal on axis 1",
    ),
]


@pytest.mark.parametrize("spec,message", RUN_FAILURES)
def test_attention_shapes_keras_only_refuses_when_run_are_refused(spec, message, verify):
    # Keras builds these (the output shape is computed without the attention), then fails
    # on the first batch: modelgen refuses them at the statement.
    diagnostic = only(load_error(spec))
    assert message in diagnostic.message
    assert diagnostic.span.line == spec.count("\n") + 1
    code = render(validate(parse(spec)), STYLES["functional"])
    model = verify.build(code, "functional")
    data = verify.sample_inputs(model, list(model.inputs))
    with pytest.raises(Exception):  # noqa: B017 - TensorFlow raises its own errors
        model(data if len(data) > 1 else data[0])


# ------------------------------------------------------------------- every style in Keras


def test_style_all_writes_four_styles_that_build(verify):
    graph = load(WRAPPERS)
    generated = generate_all(graph)
    assert [g.style.name for g in generated if g.code] == list(STYLES)
    for g in generated:
        model = verify.build(g.code, g.style.name)  # type: ignore[arg-type]
        assert model.count_params() == 2 * (8 * 64 + 16 * 64 + 64) + 32 * 4 + 4


def test_every_style_builds_the_same_model_with_both_wrappers(verify):
    report = verify.check_graph(load(WRAPPERS))
    assert report.ok, report.table()
    assert set(report.comparisons) == set(STYLES)


def test_every_style_builds_the_same_model_with_self_attention(verify):
    report = verify.check_graph(load(SELF_ATTENTION))
    assert report.ok, report.table()
    assert set(report.comparisons) == {"functional", "subclass"}
    assert set(report.total_params.values()) == {288}
