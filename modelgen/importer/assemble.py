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
from .blocks import Definition, Use, _block_name, define
from .configs import NESTED_MODELS, SavedLayer, read_graph
from .dsl_text import dsl_literal, label_for, model_name, quoted
from .layer_words import layer_words, problems_inside
from .problems import ImportProblem, UnwritableValue
from .sources import TRACED_KEY


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


def _labels(
    ordered: list[SavedLayer], outputs: list[str], local: bool = False
) -> tuple[dict[str, str], set[str]]:
    """The label of each layer that needs one (a source other than the statement before,
    an output but the last) or that the user named, and the layers that need one.

    `local`: a block's body, where a label names no Keras layer: only the layers that
    need one get one, after their class (`conv2d`, `x` for an input), so that two uses
    of a block whose layers Keras numbered apart read the same."""
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
    taken: set[str] = set()
    labels: dict[str, str] = {}
    if local:
        for layer in ordered:
            if layer.name in needs_label:
                base = "x" if layer.class_name == INPUT.class_name else snake_case(layer.class_name)
                labels[layer.name] = label_for(base, taken)
                taken.add(labels[layer.name])
        return labels, needs_label
    needs_label |= {layer.name for layer in ordered if layer.class_name in clashing}
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
    """The spec that regenerates `model` (a to_json() dict), and where each line came from.

    The custom layers a `.py` run traced (under `TRACED_KEY`) and the nested models
    become blocks, defined after the `model` line."""
    traced = model.get(TRACED_KEY) if isinstance(model, dict) else None
    traced = traced if isinstance(traced, dict) else {}
    blocks = _Blocks()
    blocks.prepare(traced)
    lines, origins, problems = _statements(model, traced, blocks)
    problems = blocks.problems + problems
    if problems:
        raise _one_problem(problems)
    graph_name = (
        model.get("config", {}).get("name", "model")
        if isinstance(model.get("config"), dict)
        else "model"
    )
    head = [_model_line(graph_name if isinstance(graph_name, str) else "model", default_name)]
    for definition in blocks.definitions:
        head += ["", *definition.lines]
    if blocks.definitions:
        head.append("")
    shifted = {line + len(head): where for line, where in origins.items()}
    for number, text in enumerate(head, start=1):
        if text.startswith("block "):
            shifted[number] = f"block {text.split()[1]!r}"
    return ImportedSpec("\n".join(head + lines) + "\n", shifted)


class _Blocks:
    """The blocks an import writes: one per custom layer class (per distinct body) and
    per nested model, each defined once, with the words each use is written as."""

    def __init__(self) -> None:
        self.definitions: list[Definition] = []
        self.words: dict[int, str] = {}  # id() of a traced layer -> its use's words
        self.problems: list[str] = []
        self.taken: set[str] = set()

    def prepare(self, traced: dict) -> None:
        """Define a block for every custom layer `traced` holds, inner classes first."""
        found: dict[str, list[dict]] = {}
        height: dict[str, int] = {}

        def walk(level: dict) -> int:
            tallest = 0
            for info in level.values():
                if not isinstance(info, dict):
                    continue
                inside = info.get("layers")
                own = 1 + walk(inside) if isinstance(inside, dict) else 1
                name = str(info.get("class_name", "?"))
                found.setdefault(name, []).append(info)
                height[name] = max(height.get(name, 0), own)
                tallest = max(tallest, own)
            return tallest

        walk(traced)
        for class_name in sorted(found, key=lambda n: height[n]):
            uses = []
            for info in found[class_name]:
                where = f"the layer class {class_name}"
                if "error" in info or not isinstance(info.get("model"), dict):
                    self.problems.append(
                        f"{where} cannot be traced through its call: {info.get('error', 'no model')}"
                    )
                    continue
                try:
                    statements = self.body(info["model"], info.get("layers") or {}, where)
                except ImportProblem as problem:
                    self.problems.append(f"inside {where}: {problem}")
                    continue
                arguments = info.get("arguments")
                defaults = info.get("defaults")
                arguments = arguments if isinstance(arguments, dict) else {}
                defaults = defaults if isinstance(defaults, dict) else {}
                uses.append((info, Use(class_name, statements, arguments, defaults)))
            if not uses:
                continue
            self.definitions += define([use for _, use in uses], self.taken)
            for info, use in uses:
                self.words[id(info)] = use.words

    def body(self, model: dict, traced: dict, where: str) -> list[str]:
        """A block's body: the statements of the model its call makes, inputs without shapes."""
        lines, _, problems = _statements(model, traced, self, local=True)
        if problems:
            raise _one_problem(problems)
        body = []
        for line in lines:
            label, _, rest = (
                line.rpartition(": ") if re.match(r"[^\W\d]\w*: input\b", line) else ("", "", line)
            )
            if rest.startswith("input ") or rest == "input":
                body.append(f"{label}: input" if label else "input")
            else:
                body.append(line)
        return body

    def nested_model(self, layer: SavedLayer) -> str:
        """A nested model used as a layer: a block of its own, without parameters."""
        where = f"layer {layer.name!r} ({layer.class_name})"
        try:
            statements = self.body(
                {"class_name": layer.class_name, "config": layer.config}, {}, where
            )
        except ImportProblem:  # the caller names each layer inside that cannot be written
            raise ImportProblem(
                f"{where} is a nested model with layers the DSL cannot write"
            ) from None
        name = _block_name(layer.name, self.taken)
        self.taken.add(name)
        lines = (f"# the nested {layer.class_name} model {layer.name!r}", f"block {name}")
        self.definitions.append(
            Definition(name, name, (*lines, *(f"  {s}" for s in statements), "end"))
        )
        return name


def _statements(
    model: dict, traced: dict, blocks: _Blocks, local: bool = False
) -> tuple[list[str], dict[int, str], list[str]]:
    """The statements of `model` (after its `model` line), the layer each line (counted
    from 1 after it) came from, and what cannot be written. `local`: a block's body."""
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
    labels, needs_label = _labels(ordered, graph.outputs, local)
    lines: list[str] = []
    origins: dict[int, str] = {}
    problems: list[str] = []
    for i, layer in enumerate(ordered):
        where = f"layer {layer.name!r} ({layer.class_name})"
        is_input = layer.class_name == INPUT.class_name
        if not is_input and not layer.sources:
            problems.append(f"{where} reads no tensor: the config calls it on no input")
            continue
        try:
            words = _words(layer, traced, blocks, where)
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
        named = not _automatic(layer.name, layer.class_name) if local else label != layer.name
        if (label is not None or local) and named and not layer.is_operation and not is_input:
            words.append(f"name={dsl_literal(layer.name, word=False)}")  # Keras' name, kept
        if not is_input and not _reads_the_one_before(ordered, i):
            words.append("<- " + ", ".join(labels[s] for s in layer.sources))
        lines.append((f"{label}: " if label is not None else "") + " ".join(words))
    if needs_label & set(graph.outputs):
        lines.append("outputs " + ", ".join(labels[n] for n in graph.outputs))
    return lines, origins, problems


def _words(layer: SavedLayer, traced: dict, blocks: _Blocks, where: str) -> list[str]:
    """A layer's words; a traced custom layer's or a nested model's are its block's use."""
    info = traced.get(layer.name)
    if isinstance(info, dict) and info.get("class_name") == layer.class_name:
        if layer.calls > 1:
            raise ImportProblem(
                f"{where} is called {layer.calls} times (a shared layer), which the DSL cannot write"
            )
        if id(info) not in blocks.words:
            raise ImportProblem(f"{where}: its block could not be written (said above)")
        return blocks.words[id(info)].split(" ")
    if layer.class_name in NESTED_MODELS and layer.calls == 1:
        return [blocks.nested_model(layer)]
    return layer_words(layer)
