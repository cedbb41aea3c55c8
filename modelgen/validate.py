"""Stage 2, validate: `ir.Spec` -> `graph.ModelGraph`.

Resolves every layer keyword against the catalogue, binds positional and keyword
arguments to Keras parameter names and checks their types, resolves sources
(explicit `<- a, b` or the statement before), orders the nodes so that sources come
first, and checks the graph: arity, unknown or unused names, cycles, outputs.
Every problem found becomes a positioned `Diagnostic`; they are raised together.
"""

from __future__ import annotations

import heapq
import itertools
import keyword as python_keyword
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from . import catalogue
from .argtypes import (
    ACTIVATION_NAMES,
    INT64_MAX,
    ArgumentTypeError,
    Choice,
    Dimensions,
    IntTuple,
    Nullable,
    too_large,
)
from .catalogue import LayerEntry
from .errors import MAX_REPORTED, Diagnostic, SpecError, suggest
from .graph import Argument, LayerNode, ModelGraph, WrappedLayer
from .identifiers import (
    ascii_name,
    identifier_problem,
    layer_name_problem,
    model_name_problem,
)
from .ir import (
    CallData,
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
from .lines import end_point


class _Located(Protocol):
    """What an error can point at: a name, a value, a statement."""

    @property
    def span(self) -> Span: ...


@dataclass
class _Collector:
    """The problems found in `spec`, raised together."""

    spec: Spec
    diagnostics: list[Diagnostic] = field(default_factory=list)
    label_suggestions: int = 0

    def error(self, message: str, at: _Located | Span, hint: str | None = None) -> None:
        span = at if isinstance(at, Span) else at.span
        self.diagnostics.append(Diagnostic(message, span, hint))

    def raise_if_any(self) -> None:
        """Raise every problem found so far as one `SpecError`, if there is any."""
        if self.diagnostics:
            raise SpecError(self.spec.filename, self.spec.source, self.diagnostics)

    def label_hint(self, word: str, labels: dict[str, int], otherwise: str) -> str:
        """'did you mean' among the spec's labels, for the first MAX_REPORTED unknown
        names only: each costs a pass over every label, so a spec of thousands of
        unknown sources would take quadratic time, and the ones after the first
        MAX_REPORTED (collected in source order) are never shown."""
        self.label_suggestions += 1
        if self.label_suggestions > MAX_REPORTED:
            return otherwise
        return suggest(word, labels) or otherwise


def validate(spec: Spec) -> ModelGraph:
    """Check a parsed spec and resolve it into a model graph, or raise `SpecError`."""
    errors = _Collector(spec)
    name = _model_name(spec, errors)
    layers = [s for s in spec.statements if isinstance(s, LayerStatement)]
    outputs_statements = [s for s in spec.statements if isinstance(s, OutputsStatement)]
    for extra in outputs_statements[1:]:
        errors.error(
            "'outputs' is given more than once",
            extra,
            "list every output in one 'outputs' statement",
        )

    bound = [_bind(statement, errors) for statement in layers]
    entries = [b.entry for b in bound]
    labels = _labels(layers, entries, errors)
    sources = [_sources(i, layers, entries, labels, errors) for i in range(len(layers))]
    outputs = _outputs(layers, labels, outputs_statements[:1], errors)
    if not layers:
        errors.error(
            "the spec has no layers", _end_span(spec), "start with an input, e.g. 'input 28x28'"
        )
    errors.raise_if_any()

    order = _topological_order(layers, sources, errors)
    errors.raise_if_any()
    _check_use(layers, entries, sources, outputs, errors)
    errors.raise_if_any()

    # Past the checks, every layer is known and has its sources.
    position = {old: new for new, old in enumerate(order)}
    nodes = []
    for old in order:
        statement, entry, found = layers[old], bound[old].entry, sources[old]
        assert entry is not None and found is not None
        nodes.append(
            LayerNode(
                index=position[old],
                entry=entry,
                wrapped=bound[old].wrapped,
                label=statement.label.text if statement.label else None,
                arguments=bound[old].arguments,
                sources=tuple(position[s] for s in found),
                statement=statement,
            )
        )
    inputs = tuple(node.index for node in nodes if node.is_input)
    return ModelGraph(name, tuple(nodes), inputs, tuple(position[o] for o in outputs), spec)


def _end_span(spec: Spec) -> Span:
    return Span.point(*end_point(spec.source))


# ----------------------------------------------------------------------------- names


def _model_name(spec: Spec, errors: _Collector) -> str:
    statements = [s for s in spec.statements if isinstance(s, ModelStatement)]
    for index, statement in enumerate(spec.statements):
        if isinstance(statement, ModelStatement) and index > 0:
            errors.error(
                "'model' must be the first statement",
                statement,
                "move 'model NAME' to the top of the spec"
                if statement is statements[0]
                else "give the model one name",
            )
    if not statements:
        return _default_model_name(spec.default_name)
    name = statements[0].name
    problem = model_name_problem(name.text)
    if problem:
        errors.error(
            f"model name {name.text!r} {problem}",
            name,
            f"choose another name, e.g. 'model {_renamed(name.text, model_name_problem)}'"
            if name.text.isidentifier() or ascii_name(name.text)
            else "use letters, digits and '_', e.g. 'model mnist_mlp'",
        )
    return name.text


def _default_model_name(stem: str) -> str:
    """The file stem as a model name: kept clear of keywords and reserved names, and
    made one TensorFlow takes (`_net.mg` gives `net`, `réseau.mg` `reseau`)."""
    if model_name_problem(stem) is None:
        return stem
    for candidate in (ascii_name(stem), f"model_{ascii_name(stem)}".rstrip("_")):
        if candidate and model_name_problem(candidate) is None:
            return candidate
    return "model"


def _renamed(text: str, problem: Callable[[str], str | None] = identifier_problem) -> str:
    """A name like `text` without its problem: `class` -> `class_1`, `__x` -> `x`, `é` -> `e`."""
    stripped = ascii_name(text) or "x"
    return stripped if problem(stripped) is None else f"{stripped}_1"


def _labels(
    layers: list[LayerStatement], entries: list[LayerEntry | None], errors: _Collector
) -> dict[str, int]:
    labels: dict[str, int] = {}
    for index, statement in enumerate(layers):
        if statement.label is None:
            continue
        label = statement.label
        problem = identifier_problem(label.text)
        entry = entries[index]
        if problem is None and not (entry is not None and entry.is_operation):
            # The label is also the Keras layer's name (an operation's names only its variable).
            problem = layer_name_problem(label.text)
        if problem:
            errors.error(
                f"label {label.text!r} {problem}",
                label,
                f"choose another identifier as the label, e.g. '{_renamed(label.text, _label_problem)}'"
                if label.text.isidentifier()
                else "labels are Python identifiers such as 'hidden1'",
            )
        elif label.text in labels:
            first = layers[labels[label.text]].span.line
            errors.error(
                f"label {label.text!r} is already used on line {first}",
                label,
                "give each layer its own label",
            )
        else:
            labels[label.text] = index
    return labels


def _label_problem(text: str) -> str | None:
    return identifier_problem(text) or layer_name_problem(text)


# ------------------------------------------------------------------------- arguments


@dataclass(frozen=True)
class _Bound:
    """A statement's layer, resolved: its entry (None: unknown), arguments and wrapped layer."""

    entry: LayerEntry | None
    arguments: tuple[Argument, ...] = ()
    wrapped: WrappedLayer | None = None


def _bind(statement: LayerStatement, errors: _Collector) -> _Bound:
    """Resolve the layer keyword and bind its arguments to Keras parameter names.

    A wrapper (`bidirectional lstm 64`) takes the wrapped layer's keyword first;
    the rest of the statement goes to the wrapped layer, except the keyword
    arguments that are the wrapper's own (`merge_mode=`, `name=`, ...).
    """
    entry = catalogue.lookup(statement.layer.text)
    if entry is None:
        word = statement.layer.text
        python = (
            f"'{word}' is Python: a spec is not Python code (see docs/dsl.md); "
            f"'modelgen import FILE.py' reads the model a Python file builds"
            if python_keyword.iskeyword(word)  # `import keras`, `from keras import layers`
            else None
        )
        errors.error(
            f"unknown layer {word!r}",
            statement.layer,
            python or suggest(word, catalogue.keywords()) or "'modelgen layers' lists the layers",
        )
        return _Bound(None)
    if not entry.is_wrapper:
        arguments = _bind_arguments(
            entry, statement.layer, statement.positional, statement.keywords, errors
        )
        return _Bound(entry, arguments)
    first = statement.positional[0] if statement.positional else None
    inner = catalogue.lookup(str(first.data)) if first and first.kind is ValueKind.WORD else None
    if first is None or inner is None or not entry.may_wrap(inner):
        errors.error(
            f"{entry.keyword} wraps a layer, named first: e.g. '{entry.example}'",
            first or statement.layer,
            f"it wraps {entry.wrappable}",
        )
        return _Bound(entry)
    own = tuple(k for k in statement.keywords if entry.param(k.key.text) is not None)
    rest = tuple(k for k in statement.keywords if entry.param(k.key.text) is None)
    inner_name = Name(str(first.data), first.span)
    wrapped = WrappedLayer(
        inner, _bind_arguments(inner, inner_name, statement.positional[1:], rest, errors, entry)
    )
    return _Bound(entry, _bind_arguments(entry, statement.layer, (), own, errors), wrapped)


def _is_int(value: Value) -> bool:
    return value.kind is ValueKind.INT


@dataclass
class _Binding:
    """One layer's arguments while they are bound: the statement's values, by parameter name."""

    entry: LayerEntry
    wrapper: LayerEntry | None  # the entry wrapping it, whose own arguments it may not take
    positional: tuple[Value, ...]
    given: dict[str, Value] = field(default_factory=dict)


def _bind_arguments(
    entry: LayerEntry,
    layer: Name,
    positional: tuple[Value, ...],
    keywords: tuple[KeywordArgument, ...],
    errors: _Collector,
    wrapper: LayerEntry | None = None,
) -> tuple[Argument, ...]:
    """Bind a statement's values to `entry`'s parameters (`wrapper`: the entry wrapping it)."""
    binding = _Binding(entry, wrapper, positional)
    _bind_positional(binding, errors)
    _bind_keywords(binding, keywords, errors)
    _check_required(binding, layer, errors)
    return _coerce(binding, errors)


def _bind_positional(binding: _Binding, errors: _Collector) -> None:
    """Give each positional value the next free positional parameter; a bare activation
    name is the layer's activation wherever it stands."""
    entry, given = binding.entry, binding.given
    slots = entry.positional_params
    has_activation = entry.param("activation") is not None
    sized: Value | None = None  # a size bound last, for the hint of `input 28 28 1`
    for value in binding.positional:
        if has_activation and "activation" not in given and _is_activation_word(value):
            given["activation"] = value
            sized = None
            continue
        slot = next((p for p in slots if p.name not in given), None)
        if slot is None:
            _too_many_positional(binding, value, sized, errors)
            continue
        given[slot.name] = value
        takes_sizes = isinstance(slot.type, (Dimensions, IntTuple))
        written = value.kind is ValueKind.INT or re.fullmatch(r"[\d?]+(?:x[\d?]+)+", value.text)
        sized = value if takes_sizes and written else None


def _too_many_positional(
    binding: _Binding, value: Value, sized: Value | None, errors: _Collector
) -> None:
    """`value` fills no positional parameter; `sized`: a size bound just before it."""
    entry, positional = binding.entry, binding.positional
    slots = entry.positional_params
    message = (
        f"too many positional arguments for {entry.keyword}: it takes {', '.join(p.name for p in slots)}"
        if slots
        else f"{entry.keyword} takes no positional arguments"
    )
    hint = "pass other arguments as key=value"
    if sized is not None and value.kind is ValueKind.INT:
        # `input 28 28 1`: a shape's sizes with spaces between them
        start = positional.index(sized) + 1
        sizes = [sized, *itertools.takewhile(_is_int, positional[start:])]
        if value in sizes:
            hint = f"a shape is written without spaces: {'x'.join(v.text for v in sizes)}"
    errors.error(f"{message}. Received: {value.text!r}", value, hint)


def _bind_keywords(
    binding: _Binding, keywords: tuple[KeywordArgument, ...], errors: _Collector
) -> None:
    """Give each `key=value` its parameter: one the layer has, given once."""
    entry, wrapper, given = binding.entry, binding.wrapper, binding.given
    for argument in keywords:
        key = argument.key.text
        if entry.is_operation and key in ("name", "dtype", "trainable"):
            errors.error(
                f"unknown argument {key!r} for {entry.keyword}: a Keras operation, not a layer",
                argument.key,
                f"a label names its variable, e.g. 'scaled: {entry.example}'"
                if key == "name"
                else "it has no weights; set dtype= and trainable= on the layers around it",
            )
        elif entry.param(key) is None and _call_argument(entry, wrapper, key):
            errors.error(
                f"{key!r} is an argument of the {entry.keyword} layer's call, "
                "not of its constructor",
                argument.key,
                "the DSL writes constructor arguments and calls each layer on its sources "
                f"with the call's defaults; pass {key}= by editing the generated call",
            )
        elif entry.param(key) is None:
            known = [p.name for p in entry.params] + [
                p.name for p in (wrapper.params if wrapper else ())
            ]
            errors.error(
                f"unknown argument {key!r} for {entry.keyword}"
                + (f" or {wrapper.keyword}" if wrapper else ""),
                argument.key,
                suggest(key, known) or "'modelgen layers' lists the arguments",
            )
        elif key in given:
            errors.error(
                f"argument {key!r} is given twice", argument.key, "give each argument once"
            )
        else:
            given[key] = argument.value


def _check_required(binding: _Binding, layer: Name, errors: _Collector) -> None:
    entry = binding.entry
    missing = [p.name for p in entry.params if p.required and p.name not in binding.given]
    if missing:
        errors.error(
            f"{entry.keyword} needs {' and '.join(repr(m) for m in missing)}",
            layer,
            f"give {'it' if len(missing) == 1 else 'them'} after the layer name, e.g. '{_example(layer.text, entry)}'",
        )


def _coerce(binding: _Binding, errors: _Collector) -> tuple[Argument, ...]:
    """Each given value as its parameter's type takes it, in constructor order (whatever
    order the spec used); a value that does not fit is an error, not an argument."""
    entry, given = binding.entry, binding.given
    arguments = []
    for param in entry.params:
        if param.name not in given:
            continue
        value = given[param.name]
        try:
            coerced = param.type.coerce(value)
            oversized = _oversized(value)
            if oversized is not None:
                raise too_large(
                    oversized,
                    -INT64_MAX - 1,
                    INT64_MAX,
                    "integer Keras takes (64 bits)",
                    "write a smaller integer, or a number as a float such as 1e30",
                )
            if param.name == "name" and isinstance(coerced, str):
                _check_layer_name(coerced, value, errors)
            arguments.append(Argument(param.name, coerced, value.span))
        except ArgumentTypeError as error:
            if (
                error.message.startswith("expected ")  # a word where the slot takes none
                and any(value is v for v in binding.positional)
                and _is_word(value)
            ):
                near = _near_word(entry, str(value.data), "activation" not in given)
                if near is not None:
                    errors.error(near[0], value, near[1])
                    continue
            hint = error.hint
            activation = given.get("activation")
            if hint is None and activation is not None and activation is not value:
                if _is_activation_word(value):
                    hint = f"a layer has one activation, and this one has {activation.text!r}"
            if hint is None and param.type.example:
                hint = f"for example: {param.name}={param.type.example}"
            errors.error(f"{entry.keyword} {param.name}: {error.message}", error.at or value, hint)
    return tuple(arguments)


def _oversized(value: Value) -> Value | None:
    """The first integer in `value` (a tuple's items and a call's settings included) that
    does not fit in 64 bits, or None."""
    integer = value.integer
    if integer is not None:
        return None if -INT64_MAX - 1 <= integer <= INT64_MAX else value
    if isinstance(value.data, CallData):
        items = [*value.data.positional, *(k.value for k in value.data.keywords)]
    elif isinstance(value.data, tuple):
        items = list(value.data)
    else:
        return None
    return next((found for item in items if (found := _oversized(item)) is not None), None)


def _check_layer_name(name: str, value: Value, errors: _Collector) -> None:
    problem = layer_name_problem(name)
    if problem is not None:
        suggestion = ascii_name(name.replace(" ", "_").replace("/", "_")).strip("_")
        errors.error(
            f"name {name!r} {problem}",
            value,
            "remove name= and Keras names the layer"
            if not name
            else "a layer name holds ASCII letters, digits and '_', '.', '-' (and '>' before a letter)"
            + (f", e.g. name={suggestion}" if suggestion else ""),
        )


def _call_argument(entry: LayerEntry, wrapper: LayerEntry | None, key: str) -> bool:
    """Whether `key` is an argument of the layer's call (`return_attention_scores`)."""
    return any(name == key for e in (entry, wrapper) if e for name, _ in e.call_arguments)


def _is_word(value: Value) -> bool:
    return value.kind is ValueKind.WORD and isinstance(value.data, str)


def _near_word(entry: LayerEntry, word: str, activation_free: bool) -> tuple[str, str] | None:
    """A positional word that fills no slot but is, or nearly is, a word some argument
    takes: (message, hint). `conv2d 32 3x3 rleu` is a misspelt activation, not a bad
    stride; `conv2d 32 3x3 same` is padding=same, written without its key."""
    choices = [
        (param, param.type.inner if isinstance(param.type, Nullable) else param.type)
        for param in entry.params
        if param.name != "activation"
    ]
    words = [(p, c) for p, c in choices if isinstance(c, Choice)]
    for param, choice in words:
        if word in choice.options:
            return (
                f"{entry.keyword}: {word!r} is a value of {param.name}, which is not the next "
                "positional argument",
                f"write {param.name}={word}",
            )
    if activation_free and entry.param("activation") is not None:
        close = suggest(word, ACTIVATION_NAMES)
        if close:
            return (
                f"{entry.keyword}: unknown activation {word!r}",
                f"{close} (a bare word after the sizes is the layer's activation)",
            )
    for param, choice in words:
        close = suggest(word, choice.options)
        if close:
            option = close.split("'")[1]
            return (
                f"{entry.keyword}: unknown word {word!r}",
                f"did you mean {param.name}={option}?",
            )
    return None


def _is_activation_word(value: Value) -> bool:
    return value.kind is ValueKind.WORD and value.data in ACTIVATION_NAMES


def _example(word: str, entry: LayerEntry) -> str:
    """A statement with every required argument, to copy: `conv2d 16 3x3`."""
    values = [param.example or param.type.example for param in entry.params if param.required]
    return " ".join([word, *values])


# ---------------------------------------------------------------------------- graph


def _sources(
    index: int,
    layers: list[LayerStatement],
    entries: list[LayerEntry | None],
    labels: dict[str, int],
    errors: _Collector,
) -> tuple[int, ...] | None:
    statement, entry = layers[index], entries[index]
    if entry is not None and entry.is_input:
        if statement.sources:
            errors.error(
                "an input takes no sources", statement.sources[0], "remove the '<- ...' part"
            )
        return ()
    if statement.sources is None:
        if index == 0:
            if entry is not None:  # an unknown layer may be a misspelt input: said already
                errors.error(
                    f"{statement.display} has nothing to read: the first layer must be an input",
                    statement.layer,
                    "start with an input, e.g. 'input 28x28'",
                )
            return None
        found: tuple[int, ...] = (index - 1,)
    else:
        resolved = []
        for name in statement.sources:
            if name.text not in labels:
                errors.error(
                    f"unknown source {name.text!r}",
                    name,
                    errors.label_hint(
                        name.text,
                        labels,
                        "a source is the label of another statement, e.g. 'a: dense 10'",
                    ),
                )
            else:
                resolved.append(labels[name.text])
        if len(resolved) != len(statement.sources):
            return None
        found = tuple(resolved)
    if entry is not None:
        count = len(found)
        if not entry.reads(count):
            expected = entry.inputs_read(or_more=" or more", to=" to ")
            at = statement.sources[0] if statement.sources else statement.layer
            if count == 1 and entry.reads_query_and_value:
                source = statement.sources[0].text if statement.sources else None
                hint = (
                    f"for self-attention, read it as query and value: '<- {source}, {source}'"
                    if source
                    else "for self-attention, label the layer it reads and read it twice: '<- e, e'"
                )
            elif entry.call_style != "single":
                hint = "merge layers read their inputs with '<- a, b'"
            else:
                hint = "merge the inputs first, e.g. 'concatenate <- a, b'"
            errors.error(
                f"{entry.keyword} takes {expected} input{'s' if expected != '1' else ''}. Received: {count}",
                at,
                hint,
            )
    return found


def _outputs(
    layers: list[LayerStatement],
    labels: dict[str, int],
    statements: list[OutputsStatement],
    errors: _Collector,
) -> list[int]:
    if not statements:
        return [len(layers) - 1] if layers else []
    outputs: list[int] = []
    for name in statements[0].names:
        if name.text not in labels:
            errors.error(
                f"unknown output {name.text!r}",
                name,
                errors.label_hint(name.text, labels, "an output is the label of a layer"),
            )
        elif labels[name.text] in outputs:
            errors.error(f"output {name.text!r} is listed twice", name, "list each output once")
        else:
            outputs.append(labels[name.text])
    return outputs


def _topological_order(
    layers: list[LayerStatement], sources: list[tuple[int, ...] | None], errors: _Collector
) -> list[int]:
    """Source order, except that a layer moves after sources defined later (Kahn's algorithm)."""
    waiting = [len(s or ()) for s in sources]
    readers: list[list[int]] = [[] for _ in layers]
    for index, found in enumerate(sources):
        for source in found or ():
            readers[source].append(index)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for reader in readers[index]:
            waiting[reader] -= 1
            if waiting[reader] == 0:
                heapq.heappush(ready, reader)
    if len(order) < len(layers):
        cycle = _a_cycle([i for i in range(len(layers)) if waiting[i] > 0], sources)
        shown = [*cycle, cycle[0]]
        if len(shown) > MAX_CYCLE_SHOWN:  # the first layers, '...', and the way back
            shown = [*cycle[: MAX_CYCLE_SHOWN - 3], -1, cycle[-1], cycle[0]]
        path = " <- ".join("..." if i < 0 else layers[i].display for i in shown)
        if len(cycle) + 1 > MAX_CYCLE_SHOWN:
            path += f" ({len(cycle)} layers)"
        errors.error(
            f"layers read each other in a cycle: {path}",
            layers[min(cycle)],
            "a layer cannot read its own output, directly or through other layers",
        )
    return order


# A longer cycle is shown as its first layers, '...', and the layer that closes it.
MAX_CYCLE_SHOWN = 12


def _a_cycle(stuck: list[int], sources: list[tuple[int, ...] | None]) -> list[int]:
    """One cycle among the nodes Kahn's algorithm could not order, from its first node.

    Each stuck node reads a stuck node, so walking back through stuck sources
    must come round to a node already seen.
    """
    blocked = set(stuck)
    seen: dict[int, int] = {}
    path: list[int] = []
    node = stuck[0]
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(s for s in sources[node] or () if s in blocked)
    cycle = path[seen[node] :]
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]


def _check_use(
    layers: list[LayerStatement],
    entries: list[LayerEntry | None],
    sources: list[tuple[int, ...] | None],
    outputs: list[int],
    errors: _Collector,
) -> None:
    read = {source for found in sources for source in (found or ())}
    for index, (statement, entry) in enumerate(zip(layers, entries, strict=True)):
        if index in outputs:
            if entry is not None and entry.is_input:
                errors.error(
                    f"output {statement.display} is an input",
                    statement,
                    "an output must be a layer",
                )
            continue
        if index not in read:
            what = "input" if entry is not None and entry.is_input else "layer"
            errors.error(
                f"{what} {statement.display} is never used: no layer reads it and it is not an output",
                statement,
                "read it with '<- NAME' or list it in 'outputs'"
                if statement.label
                else "label it and read it with '<- NAME', or remove it",
            )
