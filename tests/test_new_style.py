"""Adding a style is one class and one template.

A throwaway style, a subclass of `Style` written here with its template in a
temporary folder, is registered in `STYLES` for one test: the library then
generates it, names its file, refuses what it cannot express and puts it on the
compare page, without a change to any other module.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from modelgen import compare, render
from modelgen.errors import SpecError
from modelgen.generate import generate, generate_all, load
from modelgen.graph import ModelGraph
from modelgen.styles import STYLES, Assignment, FunctionalView, Problem, Style
from modelgen.templating import environment
from modelgen.views import RenderOptions, one_or_list, shared_view

from .goldens import EXAMPLES

MLP = EXAMPLES / "mnist_mlp" / "mnist_mlp.mg"
TOWERS = EXAMPLES / "two_towers" / "two_towers.mg"

# The style's template: the module frame, with each layer on its own line and a comment.
TEMPLATE = """\
{% extends "_module.py.j2" %}
{% block before_model %}
    # one input only, each layer applied in turn
{% for line in view.assignments %}
    {{ line.variable }} = {{ line.value }}
{% endfor %}
{% endblock %}
"""


class OneInputStyle(Style):
    """The functional API for models with one input: the whole of a new style."""

    name = "one-input"
    title = "the functional API, one input"
    template = "one_input.py.j2"

    def why_not(self, graph: ModelGraph) -> Problem | None:
        if len(graph.inputs) > 1:
            second = graph.nodes[graph.inputs[1]].statement
            return Problem(f"{second.display} is a second input", second.span, "use functional")
        return None

    def view(self, graph: ModelGraph, options: RenderOptions) -> FunctionalView:
        shared = shared_view(graph, options)
        (source,) = shared.inputs
        lines = [Assignment(source.variable, source.constructor)]
        lines += [Assignment(node.variable, node.applied()) for node in shared.layers]
        expression = (
            f"keras.Model(inputs={source.variable}, "
            f"outputs={one_or_list(list(shared.outputs))}, name={shared.model_name})"
        )
        return FunctionalView(
            module=self.module(graph, shared, options, expression), assignments=tuple(lines)
        )


@pytest.fixture
def one_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Style:
    """`OneInputStyle` registered, its template found beside the package's templates
    (a real style's template goes in templates/ itself)."""
    (tmp_path / OneInputStyle.template).write_text(TEMPLATE, encoding="utf-8")
    templates = environment()
    assert templates.loader is not None
    templates.loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(tmp_path)), templates.loader]
    )
    monkeypatch.setattr(render, "_environment", lambda: templates)
    style = OneInputStyle()
    monkeypatch.setitem(STYLES, style.name, style)
    return style


def example(spec: Path) -> ModelGraph:
    return load(spec.read_text(encoding="utf-8"), spec.name)


def test_a_new_style_is_generated_from_its_class_and_its_template(one_input):
    graph = example(MLP)
    code = generate(graph, "one-input")
    functional = (EXAMPLES / "mnist_mlp" / "mnist_mlp_functional.py").read_text(encoding="utf-8")
    expected = functional.replace(
        "mnist_mlp: the functional API.", "mnist_mlp: the functional API, one input."
    ).replace(
        "def build_model():\n",
        "def build_model():\n    # one input only, each layer applied in turn\n",
    )
    assert code == expected
    assert code != functional
    assert one_input.file_name(graph.name) == "mnist_mlp_one_input.py"
    loading = generate(graph, "one-input", imports="tensorflow", loads_weights=True)
    assert "def build_model(weights=None):" in loading
    assert "from tensorflow import keras" in loading
    assert "    model.load_weights(weights)\n    return model\n" in loading


def test_a_new_style_refuses_what_it_cannot_express_and_every_style_does_so(one_input):
    graph = example(TOWERS)
    with pytest.raises(SpecError) as refused:
        generate(graph, "one-input")
    (diagnostic,) = refused.value.diagnostics
    assert diagnostic.message == (
        "the one-input style cannot express this model: 'input_2' is a second input"
    )
    assert diagnostic.hint == "use functional"
    every = generate_all(graph)
    assert [g.style.name for g in every] == [*STYLES]
    (skipped,) = [g for g in every if g.style.name == "one-input"]
    assert skipped.code is None and skipped.skipped is not None
    assert skipped.skipped.message == "skipped one-input: 'input_2' is a second input"


def test_a_new_style_is_on_the_compare_page(one_input):
    page = compare.markdown(example(MLP))
    assert "## one-input: the functional API, one input" in page
    assert "    # one input only, each layer applied in turn\n" in page
    (pane,) = [p for p in compare.page(example(MLP)).panes if p.style == "one-input"]
    assert pane.variable == "one_input_model"


def test_the_registry_holds_the_four_styles_outside_these_tests():
    assert "one-input" not in STYLES
    assert [g.style.name for g in generate_all(example(MLP))] == [*STYLES]
