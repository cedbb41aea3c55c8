"""Assembling the spec: a model's config -> the spec text that regenerates it.

Every layer's words (`layer_words`) in order, inputs first; labels only where the
graph needs them (a source other than the statement before, an output) or where the
user named the layer; chains left implicit. Every layer that cannot be written is
reported, by name, in one `ImportProblem`; `ImportedSpec` keeps which Keras layer
each line came from, so that errors about the spec can name the user's layer
(`ImportedSpec.explain`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalogue import INPUT
from ..errors import MAX_REPORTED, SpecError
from ..identifiers import snake_case
from .configs import SavedLayer, read_graph
from .dsl_text import dsl_literal, label_for, model_name, quoted
from .layer_words import layer_words, problems_inside
from .problems import ImportProblem, UnwritableValue


@dataclass(frozen=True)
class ImportedSpec:
    """An imported spec's text, and which Keras layer each of its lines was written from."""

    text: str
    # line number -> the Keras layer it was written from, as messages name it
    # ("layer 'dense_1' (Dense)"): errors about the spec can name the user's layer.
    origins: dict[int, str]

    def origin(self, line: int) -> str:
        return self.origins.get(line, "the model")

    def explain(self, error: SpecError, style_flag: str = "--style") -> str:
        """`error`, a problem with this spec, said of the source model's layers: the user
        never saw this spec, so its lines and columns would mean nothing.

        `style_flag`: the option the command choosing the style has (the style refusals'
        hints name `--style`, `new`'s).
        """

        def said_of_layers(text: str) -> str:  # "already used on line 4": a line never seen
            return re.sub(r"\bon line (\d+)", lambda m: f"in {self.origin(int(m[1]))}", text)

        lines = []
        for diagnostic in error.diagnostics:
            hint = (diagnostic.hint or "").replace("--style", style_flag)
            lines.append(
                f"{self.origin(diagnostic.span.line)}: {said_of_layers(diagnostic.message)}"
            )
            if hint:
                lines.append(f"  hint: {said_of_layers(hint)}")
        return "\n".join(lines)


def spec_from_config(model: dict, default_name: str = "model") -> str:
    """The spec text that regenerates the model described by `model` (a to_json() dict)."""
    return import_spec(model, default_name).text


def _automatic(name: str, class_name: str) -> bool:
    """Whether Keras chose this name itself (`dense`, `dense_3`, `input_layer`)."""
    return re.fullmatch(rf"{re.escape(snake_case(class_name))}(_\d+)?", name) is not None


def _reads_the_one_before(ordered: list[SavedLayer], i: int) -> bool:
    """Whether the layer reads only the statement before it: its source goes unsaid."""
    return i > 0 and ordered[i].sources == [ordered[i - 1].name]


def _labels(ordered: list[SavedLayer], outputs: list[str]) -> tuple[dict[str, str], set[str]]:
    """The label of each layer that needs one (a source other than the statement before,
    an output but the last) or that the user named, and the layers that need one."""
    by_name = {layer.name: layer for layer in ordered}
    position = {layer.name: i for i, layer in enumerate(ordered)}
    needs_label = {
        n for n in outputs if not (len(outputs) == 1 and position[n] == len(ordered) - 1)
    }
    for i, layer in enumerate(ordered):
        if layer.class_name != INPUT.class_name and not _reads_the_one_before(ordered, i):
            needs_label.update(layer.sources)
    # A label that looks like a Keras automatic name (`dense_1`) would clash with the
    # names Keras gives the unlabelled layers of that class: label them all.
    # (An operation's label names no Keras object: it cannot clash.)
    clashing = {
        by_name[n].class_name
        for n in needs_label
        if _automatic(n, by_name[n].class_name) and not by_name[n].is_operation
    }
    needs_label |= {layer.name for layer in ordered if layer.class_name in clashing}
    taken: set[str] = set()
    labels: dict[str, str] = {}
    for layer in ordered:
        if layer.name in needs_label or not _automatic(layer.name, layer.class_name):
            label = label_for(layer.name, taken)
            taken.add(label)
            labels[layer.name] = label
    return labels, needs_label


def _model_line(name: str, default_name: str) -> str:
    spec_name = model_name(name, default_name)
    if spec_name == name or not name:
        return f"model {spec_name}"
    # say what the Keras name was: the DSL has no words to keep it
    return f"model {spec_name}  # the Keras model's name: {quoted(str(name))}"


def _one_problem(problems: list[str]) -> ImportProblem:
    if len(problems) == 1:
        return ImportProblem(problems[0])
    shown = problems[:MAX_REPORTED]
    more = len(problems) - len(shown)
    return ImportProblem(
        f"{len(problems)} layers cannot be written in the DSL:\n"
        + "\n".join(f"  {p}" for p in shown)
        + (f"\n  ... and {more} more" if more else "")
    )


def import_spec(model: dict, default_name: str = "model") -> ImportedSpec:
    """The spec that regenerates `model` (a to_json() dict), and where each line came from."""
    graph = read_graph(model)
    by_name = {layer.name: layer for layer in graph.layers}
    for wanted in graph.inputs + graph.outputs:
        if wanted not in by_name:
            raise ImportProblem(
                f"the config names {wanted!r} as an input or output, but has no such layer"
            )
    # Inputs first, in the model's input order, then the rest in the config's order,
    # which Keras keeps topological.
    ordered = [by_name[n] for n in graph.inputs] + [
        layer for layer in graph.layers if layer.name not in graph.inputs
    ]
    labels, needs_label = _labels(ordered, graph.outputs)
    lines = [_model_line(graph.name, default_name)]
    origins: dict[int, str] = {}
    problems: list[str] = []
    for i, layer in enumerate(ordered):
        where = f"layer {layer.name!r} ({layer.class_name})"
        is_input = layer.class_name == INPUT.class_name
        if not is_input and not layer.sources:
            problems.append(f"{where} reads no tensor: the config calls it on no input")
            continue
        try:
            words = layer_words(layer)
        except UnwritableValue as problem:  # from a caller that did not say where
            text = str(problem)
            problems.append(text if text.startswith(where) else f"{where}: {text}")
            continue
        except ImportProblem as problem:  # go on: say everything that cannot be written
            problems.append(str(problem))
            problems += problems_inside(layer, where)  # a nested model's layers, by name
            continue
        origins[len(lines) + 1] = where
        label = labels.get(layer.name)
        if label is not None and label != layer.name and not layer.is_operation:
            words.append(f"name={dsl_literal(layer.name, word=False)}")  # Keras' name, kept
        if not is_input and not _reads_the_one_before(ordered, i):
            words.append("<- " + ", ".join(labels[s] for s in layer.sources))
        lines.append((f"{label}: " if label is not None else "") + " ".join(words))
    if needs_label & set(graph.outputs):
        lines.append("outputs " + ", ".join(labels[n] for n in graph.outputs))
    if problems:
        raise _one_problem(problems)
    return ImportedSpec("\n".join(lines) + "\n", origins)
