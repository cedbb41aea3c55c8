"""Stage 2, validate: `ir.Spec` -> `graph.ModelGraph`.

Resolves every layer keyword against the catalogue, binds positional and keyword
arguments to Keras parameter names and checks their types, resolves sources
(explicit `<- a, b` or the statement before), orders the nodes so that sources come
first, and checks the graph: arity, unknown or unused names, cycles, outputs.
Every problem found becomes a positioned `Diagnostic`; they are raised together.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import itertools
import keyword as python_keyword
import re
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Protocol

from . import catalogue
from .argtypes import (
    ACTIVATION_NAMES,
    INT64_MAX,
    ArgType,
    ArgumentTypeError,
    Choice,
    Dimensions,
    IntTuple,
    KerasObjects,
    Nullable,
    too_large,
)
from .catalogue import COMMON, NO_DEFAULT, Call, LayerEntry, Param
from .errors import MAX_REPORTED, Diagnostic, SpecError, suggest
from .graph import Argument, Block, BlockParam, LayerNode, ModelGraph, WrappedLayer
from .identifiers import (
    MODEL_ATTRIBUTES,
    ascii_name,
    class_name,
    identifier_problem,
    layer_name_problem,
    model_name_problem,
)
from .ir import (
    BlockParameter,
    BlockStatement,
    CallData,
    KeywordArgument,
    LayerStatement,
    ModelStatement,
    Name,
    OutputsStatement,
    Parameter,
    PyValue,
    Repeat,
    Shape,
    Span,
    Spec,
    Stage,
    Statement,
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
    """The problems found in `spec`, raised together. A block use's body is resolved
    with a collector `within` it, which says where each problem comes from and shares
    the list; a problem already found (the same message at the same place) is said once."""

    spec: Spec
    diagnostics: list[Diagnostic] = field(default_factory=list)
    label_suggestions: int = 0
    context: str | None = None
    seen: set[tuple[str, Span, str | None]] = field(default_factory=set)
    found: list[int] = field(default_factory=lambda: [0])  # problems found, said or not

    def error(self, message: str, at: _Located | Span, hint: str | None = None) -> None:
        span = at if isinstance(at, Span) else at.span
        self.found[0] += 1
        if (message, span, hint) in self.seen:
            return
        self.seen.add((message, span, hint))
        self.diagnostics.append(Diagnostic(message, span, hint, context=self.context))

    @property
    def count(self) -> int:
        return self.found[0]

    def said_already(self) -> None:
        """A problem found here whose cause is said elsewhere (a use of a block whose
        definition is wrong): what depends on it is not checked."""
        self.found[0] += 1

    def within(self, context: str) -> _Collector:
        """A collector for a block use's body, `context` saying which use it is."""
        inner = _Collector(self.spec, self.diagnostics, context=context, seen=self.seen)
        inner.found = self.found
        if self.context:
            inner.context = f"{context}\n{self.context}"
        return inner

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


@dataclass(frozen=True)
class _Scope:
    """The block whose body is being resolved: for its definition (`template`: its
    parameters stay `$name`), or for one use (its parameters given)."""

    block: BlockStatement
    template: bool


_Blocks = dict[str, "Block | None"]  # by name; None: defined, but its definition is wrong


def validate(spec: Spec) -> ModelGraph:
    """Check a parsed spec and resolve it into a model graph, or raise `SpecError`."""
    errors = _Collector(spec)
    name = _model_name(spec, errors)
    blocks = _blocks(spec, errors)
    statements = [s for s in spec.statements if not isinstance(s, BlockStatement)]
    _check_parameters_outside(statements, errors)
    resolved = _resolve(statements, errors, blocks, None)
    errors.raise_if_any()
    assert resolved is not None
    nodes, inputs, outputs = resolved
    return ModelGraph(name, nodes, inputs, outputs, spec)


_Resolved = tuple[tuple[LayerNode, ...], tuple[int, ...], tuple[int, ...]]


def _resolve(
    statements: Sequence[Statement],
    errors: _Collector,
    blocks: _Blocks,
    scope: _Scope | None,
) -> _Resolved | None:
    """The nodes (sources first), inputs and outputs of the model's statements or of a
    block's body (`scope`); None when something in them is wrong, said in `errors`."""
    start = errors.count
    layers = _expanded(
        [s for s in statements if isinstance(s, LayerStatement)], errors, blocks, scope
    )
    outputs_statements = [s for s in statements if isinstance(s, OutputsStatement)]
    for extra in outputs_statements[1:]:
        errors.error(
            "'outputs' is given more than once",
            extra,
            "list every output in one 'outputs' statement",
        )

    bound = [_bind(statement, errors, blocks, scope) for statement in layers]
    entries = [b.entry for b in bound]
    labels = _labels(layers, entries, errors)
    sources = [_sources(i, layers, entries, labels, errors, scope) for i in range(len(layers))]
    outputs = _outputs(layers, labels, outputs_statements[:1], errors)
    if not layers and scope is None:
        errors.error(
            "the spec has no layers",
            _end_span(errors.spec),
            "start with an input, e.g. 'input 28x28'",
        )
    if errors.count > start:
        return None

    order = _topological_order(layers, sources, errors)
    if errors.count > start:
        return None
    _check_use(layers, entries, sources, outputs, errors)
    if errors.count > start:
        return None

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
                block=bound[old].block,
                inner=bound[old].inner,
            )
        )
    inputs = tuple(node.index for node in nodes if node.is_input)
    return tuple(nodes), inputs, tuple(position[o] for o in outputs)


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
    """A statement's layer, resolved: its entry (None: unknown), arguments and wrapped
    layer; for a block's use, the block and its body as the use makes it."""

    entry: LayerEntry | None
    arguments: tuple[Argument, ...] = ()
    wrapped: WrappedLayer | None = None
    block: Block | None = None
    inner: ModelGraph | None = None


def _bind(
    statement: LayerStatement, errors: _Collector, blocks: _Blocks, scope: _Scope | None
) -> _Bound:
    """Resolve the layer keyword and bind its arguments to Keras parameter names.

    A wrapper (`bidirectional lstm 64`) takes the wrapped layer's keyword first;
    the rest of the statement goes to the wrapped layer, except the keyword
    arguments that are the wrapper's own (`merge_mode=`, `name=`, ...). A block's
    name is a layer of its own (see `_bind_block_use`); a block's input takes nothing.
    """
    if statement.layer.text in blocks:
        block = blocks[statement.layer.text]
        if block is None:  # its definition is wrong, and said so
            errors.said_already()
            return _Bound(None)
        return _bind_block_use(statement, block, errors, blocks, scope)
    entry = catalogue.lookup(statement.layer.text)
    if entry is not None and entry.build_in_init and scope is not None:
        errors.error(
            f"{entry.keyword.lower()} cannot be in a block's body: it must be built with its "
            "input's shape before Keras traces the block, which only the model knows",
            statement.layer,
            f"use it in the model, before the block ('{entry.keyword.lower()}' then the block)",
        )
        return _Bound(None)
    if entry is not None and entry.is_input and scope is not None:
        given: list[Value | Name] = [*statement.positional, *(k.key for k in statement.keywords)]
        for value in given:
            errors.error(
                "a block's input takes no arguments: its shape is what the block is used on",
                value,
                "write 'input', or 'x: input' to name it",
            )
        return _Bound(entry)
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
        if value.kind in _MAY_HOLD_PARAMETERS and value.parameters():
            arguments.append(_with_parameters(entry, param.name, value, errors))
            continue
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
    # A block parameter's value binds where `$name` does, whatever its word.
    return (
        value.kind is ValueKind.WORD
        and value.data in ACTIVATION_NAMES
        and not isinstance(value, _Given)
    )


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
    scope: _Scope | None = None,
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
                    "start with an input, e.g. 'input 28x28'"
                    if scope is None
                    else f"start the body of block {scope.block.name.text!r} with 'input'",
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


# --------------------------------------------------------------------------- blocks

# Past this many layers, counting each use of a block as its body's, a model is a
# mistake (a repetition or a block used far too often), and would take minutes to check.
MAX_LAYERS = 50_000
_MAY_HOLD_PARAMETERS = (ValueKind.PARAMETER, ValueKind.TUPLE, ValueKind.CALL)


class _Given(Value):
    """A value a block's use gives one of its parameters, in the place of `$name` in its
    body (and pointing there): it binds where `$name` binds, never by its word (`relu`
    given as `$act` is not read as an activation unless `$act` stands in `activation=`)."""


def _statement_values(statement: LayerStatement) -> list[Value]:
    stages = statement.repeat.stages if statement.repeat else ()
    return [
        *statement.positional,
        *(k.value for k in statement.keywords),
        *(v for stage in stages for v in stage.positional),
        *(k.value for stage in stages for k in stage.keywords),
    ]


def _parameters_in(statements: Sequence[Statement]) -> list[Value]:
    """Every `$name` the layer statements hold, in source order."""
    return [
        found
        for statement in statements
        if isinstance(statement, LayerStatement)
        for value in _statement_values(statement)
        if value.kind in _MAY_HOLD_PARAMETERS
        for found in value.parameters()
    ]


def _check_parameters_outside(statements: Sequence[Statement], errors: _Collector) -> None:
    for found in _parameters_in(statements):
        errors.error(
            f"{found.text!r} is a block's parameter, outside any block",
            found,
            "a block's body uses its parameters ('block NAME param ...' up to 'end'); "
            "write a value here",
        )


def _blocks(spec: Spec, errors: _Collector) -> _Blocks:
    """Every block the spec defines, validated inner ones first; a wrong one is None."""
    definitions: dict[str, BlockStatement] = {}
    classes: dict[str, BlockStatement] = {}
    for statement in spec.statements:
        if not isinstance(statement, BlockStatement):
            continue
        name = statement.name
        problem = identifier_problem(name.text) or layer_name_problem(name.text)
        if problem is None and name.text in _KEYWORDS:  # `model 4` is not a use
            problem = "is a keyword of the spec, which starts a statement of its own"
        layer = catalogue.lookup(name.text)
        if problem is None and layer is not None:
            problem = f"is a Keras layer ({layer.keyword})"
        if problem:
            errors.error(
                f"block name {name.text!r} {problem}",
                name,
                f"choose another name, e.g. 'block {_renamed(name.text, _label_problem)}_block'",
            )
            continue
        if name.text in definitions:
            errors.error(
                f"block {name.text!r} is already defined on line {definitions[name.text].span.line}",
                name,
                "give each block its own name",
            )
            continue
        cls = class_name(name.text)
        if cls in classes:
            errors.error(
                f"block {name.text!r} would be class {cls}, as block "
                f"{classes[cls].name.text!r} on line {classes[cls].span.line} is",
                name,
                "choose a name whose CamelCase differs",
            )
            continue
        definitions[name.text] = statement
        classes[cls] = statement
    blocks: _Blocks = {name: None for name in definitions}
    for statement in _definition_order(definitions, errors):
        blocks[statement.name.text] = _block(statement, errors, blocks)
    _check_blocks_used(spec, definitions, errors)
    return blocks


_KEYWORDS = frozenset(
    {"model", "outputs", "block", "end"}
)  # the grammar's, a statement's first word


def _uses(statement: BlockStatement, names: AbstractSet[str]) -> list[LayerStatement]:
    """The statements of a block's body that use one of the blocks `names`."""
    return [s for s in statement.body if isinstance(s, LayerStatement) and s.layer.text in names]


def _definition_order(
    definitions: dict[str, BlockStatement], errors: _Collector
) -> list[BlockStatement]:
    """The blocks, each after the blocks its body uses; a block that uses itself, directly
    or through others, is an error and left out (with the blocks that use it)."""
    order: list[BlockStatement] = []
    state: dict[str, str] = {}  # "open" while its uses are walked, then "done" or "bad"

    def visit(name: str, path: list[LayerStatement], root: str) -> bool:
        """`path`: the uses walked from block `root` down to this use of `name`."""
        if state.get(name) == "done":
            return True
        if state.get(name) in ("open", "bad"):
            if state.get(name) == "open":
                # The blocks walked through: the root, then each use's; the cycle is
                # from the first time `name` was entered to the use that enters it again.
                names = [root, *(s.layer.text for s in path)]
                cycle = " -> ".join(names[names.index(name) :])
                errors.error(
                    f"block {name!r} uses itself: {cycle}",
                    path[-1].layer if path else definitions[name].name,
                    "a block cannot contain itself, directly or through other blocks",
                )
            return False
        state[name] = "open"
        good = True
        for use in _uses(definitions[name], definitions.keys()):
            if not visit(use.layer.text, [*path, use], root):
                good = False
        state[name] = "done" if good else "bad"
        if good:
            order.append(definitions[name])
        return good

    for name in definitions:
        visit(name, [], name)
    return order


def _check_blocks_used(
    spec: Spec, definitions: dict[str, BlockStatement], errors: _Collector
) -> None:
    """A block that neither the model nor a block it uses uses is an error, as an unread layer is."""
    used: set[str] = set()
    waiting = [
        s.layer.text
        for s in spec.statements
        if isinstance(s, LayerStatement) and s.layer.text in definitions
    ]
    while waiting:
        name = waiting.pop()
        if name not in used:
            used.add(name)
            waiting += [s.layer.text for s in _uses(definitions[name], definitions.keys())]
    # A block that only unused blocks use is said with them: using them uses it.
    in_bodies = {s.layer.text for d in definitions.values() for s in _uses(d, definitions.keys())}
    for name, statement in definitions.items():
        if name not in used and name not in in_bodies:
            errors.error(
                f"block {name!r} is never used",
                statement.name,
                f"use it as a layer, e.g. '{name}"
                + "".join(
                    f" {p.name.text.upper()}" for p in statement.parameters if p.default is None
                )
                + "', or remove it",
            )


_LAYER_KEYWORDS = frozenset({"name", "dtype", "trainable"})  # what keras.layers.Layer takes


def _block(statement: BlockStatement, errors: _Collector, blocks: _Blocks) -> Block | None:
    """A block's definition, checked, with its body as a graph; None if it is wrong."""
    start = errors.count
    declared: dict[str, BlockParameter] = {}
    defaulted: BlockParameter | None = None
    for parameter in statement.parameters:
        name = parameter.name
        problem = identifier_problem(name.text)
        if problem is None and (
            name.text in _LAYER_KEYWORDS
            or name.text in MODEL_ATTRIBUTES
            or name.text in ("kwargs", "inputs", "config")
        ):
            problem = "is a name every Keras layer uses itself"
        elif problem is None and name.text == "super":  # __init__ calls super().__init__
            problem = "would shadow a name the generated code uses"
        if problem:
            errors.error(
                f"parameter {name.text!r} {problem}",
                name,
                f"choose another name, e.g. '{_renamed(name.text)}_value'"
                if name.text.isidentifier()
                else "parameters are Python identifiers such as 'filters'",
            )
        elif name.text in declared:
            errors.error(
                f"parameter {name.text!r} is declared twice", name, "declare each parameter once"
            )
        elif parameter.default is None and defaulted is not None:
            errors.error(
                f"parameter {name.text!r} has no default, but follows {defaulted.name.text!r}, "
                "which has one",
                name,
                "declare the parameters without a default first, as in Python",
            )
        else:
            declared[name.text] = parameter
        if parameter.default is not None:
            defaulted = parameter
            for found in parameter.default.parameters():
                errors.error(
                    f"a default cannot be a parameter ({found.text})",
                    found,
                    "write a value, e.g. 'stride=1'",
                )
    layers = [s for s in statement.body if isinstance(s, LayerStatement)]
    for layer in layers:
        # The class keeps both as `self.NAME`: the layer would replace the value in its
        # config. (An input's or an operation's label names only a variable in `call`.)
        entry = catalogue.lookup(layer.layer.text)
        if entry is not None and (entry.is_input or entry.is_operation):
            continue
        if layer.label is not None and layer.label.text in declared:
            label = layer.label.text
            errors.error(
                f"label {label!r} is also the name of a parameter of block {statement.name.text!r}",
                layer.label,
                f"the block's class keeps both as self.{label}: choose another label, "
                f"e.g. '{label}_layer'",
            )
    used = set()
    for found in _parameters_in(statement.body):
        word = str(found.data)
        used.add(word)
        if word not in declared and word not in (p.name.text for p in statement.parameters):
            close = suggest(word, declared)
            if close:  # `$fliters`: `filters` is used there, misspelt, not unused
                used.add(close.split("'")[1])
            errors.error(
                f"block {statement.name.text!r} has no parameter {word!r}",
                found,
                close or f"declare it: 'block {statement.name.text} ... {word}'",
            )
    for word, parameter in declared.items():
        if word not in used and layers:  # an empty body is the problem said
            errors.error(
                f"parameter {word!r} of block {statement.name.text!r} is never used",
                parameter.name,
                f"use it in the body as ${word}, or remove it",
            )
    inputs = [
        s
        for s in statement.body
        if isinstance(s, LayerStatement) and (e := catalogue.lookup(s.layer.text)) and e.is_input
    ]
    if not layers:
        errors.error(
            f"block {statement.name.text!r} has no layers, not even an input",
            statement.name,
            "start its body with 'input' (or 'x: input', to read it by name later), "
            "then its layers",
        )
    elif inputs and len(layers) == len(inputs):
        # (layers and no input: the first one "has nothing to read", said where it stands)
        errors.error(
            f"block {statement.name.text!r} has no layers",
            statement.name,
            "give its body layers after its input",
        )
    outputs = [s for s in statement.body if isinstance(s, OutputsStatement)]
    if outputs and len(outputs[0].names) > 1:
        errors.error(
            f"block {statement.name.text!r} gives {len(outputs[0].names)} outputs: "
            "a block gives one output for now",
            outputs[0],
            "make a block per output, or write these layers in the model",
        )
    resolved = _resolve(statement.body, errors, blocks, _Scope(statement, template=True))
    if resolved is None or errors.count > start:
        return None
    nodes, graph_inputs, graph_outputs = resolved
    body = ModelGraph(statement.name.text, nodes, graph_inputs, graph_outputs, errors.spec)
    for parameter in declared.values():
        _check_default(statement, parameter, errors, blocks)
    if errors.count > start:
        return None
    params = tuple(
        BlockParam(
            p.name.text,
            p.default is None,
            None if p.default is None else _default_value(body, p.name.text, p.default),
            p.name.span,
            _takes_objects(body, p.name.text),
        )
        for p in declared.values()
    )
    entry = _block_entry(statement, params, len(graph_inputs))
    return Block(
        statement.name.text, class_name(statement.name.text), params, body, entry, statement
    )


class _BlockValue(ArgType):
    """What a block's parameter takes: what the layers in its body take where it stands."""

    description = "a value"


_BLOCK_VALUE = _BlockValue()


def _block_entry(
    statement: BlockStatement, params: tuple[BlockParam, ...], inputs: int
) -> LayerEntry:
    """How a block's use reads as a layer: its parameters first, then Layer's own keywords."""

    def never(call: Call) -> Shape:
        raise AssertionError("a block's shape is its body's: see shapes.infer_shapes")

    declared = tuple(
        Param(
            p.name,
            _BLOCK_VALUE,
            positional=True,
            required=p.required,
            default=NO_DEFAULT if p.required else p.default,
            example=p.name.upper(),
        )
        for p in params
    )
    return LayerEntry(
        statement.name.text,
        declared + COMMON,
        never,
        min_inputs=inputs,
        max_inputs=inputs,
        call_style="single" if inputs == 1 else "list",
        saved_class=class_name(statement.name.text),
        summary=f"block defined on line {statement.span.line}",
        defined_here=True,
    )


def _stands(body: ModelGraph, parameter: str) -> Iterator[tuple[LayerEntry, str, Block | None]]:
    """Where `$parameter` stands as a whole value in `body`, in order: the layer's entry
    (a wrapped layer's own), the argument's name, and the block when it is a block's use."""
    for node in body.nodes:
        layers = [(node.entry, node.arguments, node.block)]
        if node.wrapped is not None:
            layers.append((node.wrapped.entry, node.wrapped.arguments, None))
        for entry, arguments, inner in layers:
            for argument in arguments:
                if argument.value == Parameter(parameter):
                    yield entry, argument.name, inner


def _places(body: ModelGraph, parameter: str) -> list[Callable[[Value], PyValue]]:
    """How each layer (or block) where `$parameter` stands as a whole value in `block`'s
    body takes a value: its parameter type's `coerce`, in body order."""
    found: list[Callable[[Value], PyValue]] = []
    for entry, name, inner in _stands(body, parameter):
        if inner is not None:
            found.append(functools.partial(_coerce_for, inner.body, name))
        else:
            param = entry.param(name)
            assert param is not None
            found.append(param.type.coerce)
    return found


def _takes_objects(body: ModelGraph, parameter: str) -> bool:
    """Whether `$parameter` stands, as a whole value, where a Keras object goes."""
    for entry, name, inner in _stands(body, parameter):
        if inner is not None:
            taken = inner.param(name)
            if taken is not None and taken.takes_objects:
                return True
            continue
        param = entry.param(name)
        kind = (
            param.type.inner if param and isinstance(param.type, Nullable) else param and param.type
        )
        if isinstance(kind, KerasObjects):
            return True
    return False


def _coerce_for(body: ModelGraph, parameter: str, value: Value) -> PyValue:
    """`value` as the code passes it to `block`'s class for `parameter`: as the first layer
    where the parameter stands takes it (a parameter only in tuples: as written)."""
    places = _places(body, parameter)
    if places:
        return places[0](value)
    return value.python()


def _check_default(
    statement: BlockStatement, parameter: BlockParameter, errors: _Collector, blocks: _Blocks
) -> None:
    """A default that does not fit where its parameter stands, whole or in a tuple, is
    wrong in the definition, whether a use relies on it or not: `__init__` would write it.
    The body is resolved with the default in the place of `$name` (the other parameters
    left as they are), and what that finds is said at the default."""
    if parameter.default is None:
        return
    name = parameter.name.text
    body = [_substituted(s, {name: parameter.default}) for s in statement.body]
    found = _Collector(errors.spec)
    _resolve(body, found, blocks, _Scope(statement, template=True))
    if found.diagnostics:
        first = found.diagnostics[0]
        errors.error(
            f"the default of parameter {name!r} does not fit where ${name} stands in the "
            f"body (line {first.span.line}): {first.message}",
            parameter.default,
            first.hint or "give a default its body takes, or none: each use then gives it",
        )


def _default_value(body: ModelGraph, parameter: str, default: Value) -> PyValue:
    """A parameter's default as the block's `__init__` writes it (checked with each use)."""
    try:
        return _coerce_for(body, parameter, default)
    except ArgumentTypeError:
        return None if isinstance(default.data, CallData) else default.python()


def _with_parameters(entry: LayerEntry, key: str, value: Value, errors: _Collector) -> Argument:
    """An argument of a block's body that holds its parameters, as the code writes it
    (`filters`, `(size, size)`): each use of the block checks the values it gives."""
    if key == "name":
        errors.error(
            "a layer's name= cannot be a parameter",
            value,
            "label the layer in the body, or name the block's use: 'NAME: block ...'",
        )
    elif value.kind is ValueKind.CALL or any(v.kind is ValueKind.CALL for v in _items(value)):
        found = value.parameters()[0]
        if not any(d.span == found.span for d in errors.diagnostics):  # not outside a block
            errors.error(
                "a parameter cannot stand in a call's settings",
                found,
                f"make the whole value a parameter, '{key}=${key}', and give the call as "
                f"its default ('{key}={_callee(value)}(...)') or in each use",
            )
        return Argument(key, None, value.span)  # never written: the error stops the model
    return Argument(key, value.python(), value.span)


def _callee(value: Value) -> str:
    """The name of the call `value` is, or holds first."""
    for found in (value, *_items(value)):
        if isinstance(found.data, CallData):
            return found.data.callee.text
    raise AssertionError(f"{value.text} holds no call")


def _items(value: Value) -> list[Value]:
    """The values a tuple holds, at any depth."""
    if value.kind is not ValueKind.TUPLE or not isinstance(value.data, tuple):
        return []
    return [found for item in value.data for found in (item, *_items(item))]


def _bind_block_use(
    statement: LayerStatement,
    block: Block,
    errors: _Collector,
    blocks: _Blocks,
    scope: _Scope | None,
) -> _Bound:
    """A block used like a layer: its arguments bound to its parameters, in their order or
    by name, and (outside a block's definition) its body made with them."""
    entry = block.entry
    binding = _Binding(entry, None, statement.positional)
    _bind_positional(binding, errors)
    header = " ".join(
        [block.name, *(p.name if p.required else f"{p.name}=..." for p in block.params)]
    )
    known = tuple(k for k in statement.keywords if entry.param(k.key.text) is not None)
    for unknown in (k for k in statement.keywords if k not in known):
        # 'modelgen layers' does not list blocks: the block's line says what it takes.
        key = unknown.key.text
        errors.error(
            f"unknown argument {key!r} for {block.name}",
            unknown.key,
            suggest(key, [p.name for p in entry.params])
            or f"it takes what 'block {header}' (line {block.statement.span.line}) declares, "
            "and name=, dtype=, trainable=",
        )
    _bind_keywords(binding, known, errors)
    missing = [p.name for p in block.params if p.required and p.name not in binding.given]
    if missing:
        errors.error(
            f"block {block.name} needs {' and '.join(repr(m) for m in missing)}",
            statement.layer,
            f"give {'it' if len(missing) == 1 else 'them'} in the order of "
            f"'block {header}' (line {block.statement.span.line}), or as key=value",
        )
        return _Bound(entry, block=block)
    own = {k: v for k, v in binding.given.items() if block.param(k) is None}
    common = _coerce(_Binding(entry, None, (), own), errors)
    given = {k: v for k, v in binding.given.items() if block.param(k) is not None}
    template = scope is not None and scope.template
    arguments: list[Argument] = []
    for param in entry.params:
        if param.name in own:
            arguments += [a for a in common if a.name == param.name]
        elif param.name in given:
            value = given[param.name]
            if template and value.parameters():
                arguments.append(_with_parameters(entry, param.name, value, errors))
                continue
            arguments.append(
                Argument(param.name, _passed(block, param.name, value, errors), value.span)
            )
    if template:
        if not any(v.parameters() for v in given.values()):
            # What this use gives does not depend on the uses of the block around it:
            # checked once, here, rather than with the first of those uses named.
            _instantiate(block, statement, given, errors, blocks)
        return _Bound(entry, tuple(arguments), block=block)
    inner = _instantiate(block, statement, given, errors, blocks)
    return _Bound(entry, tuple(arguments), block=block, inner=inner)


def _passed(block: Block, parameter: str, value: Value, errors: _Collector) -> PyValue:
    """What a use passes to the block's class: what every layer where the parameter stands
    takes it as, which must agree (its body checks the value, with the use named)."""
    taken: list[PyValue] = []
    for coerce in _places(block.body, parameter):
        try:
            taken.append(coerce(value))
        except ArgumentTypeError:
            pass  # said where the body uses it
    if any(t != taken[0] for t in taken[1:]):
        errors.error(
            f"block {block.name}: {value.text!r} means different values where ${parameter} "
            f"stands in its body ({', '.join(repr(t) for t in taken)})",
            value,
            f"give the block a parameter for each of those uses of ${parameter}",
        )
    if taken:
        return taken[0]
    return None if isinstance(value.data, CallData) else value.python()


def _instantiate(
    block: Block,
    use: LayerStatement,
    given: dict[str, Value],
    errors: _Collector,
    blocks: _Blocks,
) -> ModelGraph | None:
    """`block`'s body with the values `use` gives (its defaults for the rest), resolved
    and checked as the model's own statements are: a problem says which use it is."""
    values = dict(given)
    for parameter in block.statement.parameters:
        if parameter.name.text not in values and parameter.default is not None:
            values[parameter.name.text] = parameter.default
    body = [_substituted(s, values) for s in block.statement.body]
    inner = errors.within(f"in block {block.name!r} used at {use.place}")
    resolved = _resolve(body, inner, blocks, _Scope(block.statement, template=False))
    if resolved is None:
        return None
    nodes, inputs, outputs = resolved
    return ModelGraph(block.name, nodes, inputs, outputs, errors.spec)


def _substituted(statement: Statement, values: dict[str, Value]) -> Statement:
    """`statement` with each `$name` replaced by its value, pointing at the `$name`."""
    if not isinstance(statement, LayerStatement):
        return statement

    def put(value: Value) -> Value:
        if value.kind is ValueKind.PARAMETER:
            given = values.get(str(value.data))
            if given is None:  # an unknown parameter: said at the definition
                return value
            return _Given(given.kind, given.data, value.span, given.text)
        if value.kind is ValueKind.TUPLE and isinstance(value.data, tuple):
            if not value.parameters():
                return value
            items = tuple(put(v) for v in value.data)
            # Its text as the use makes it, for messages: `(3, 3)`, not `($k, $k)`.
            text = f"({', '.join(v.text for v in items)}{',' if len(items) == 1 else ''})"
            return Value(value.kind, items, value.span, text)
        return value

    def keywords(given: tuple[KeywordArgument, ...]) -> tuple[KeywordArgument, ...]:
        return tuple(KeywordArgument(k.key, put(k.value)) for k in given)

    repeat = statement.repeat
    if repeat is not None and repeat.stages:
        stages = tuple(
            Stage(tuple(put(v) for v in stage.positional), keywords(stage.keywords), stage.span)
            for stage in repeat.stages
        )
        repeat = Repeat(repeat.count, stages, repeat.span)
    return dataclasses.replace(
        statement,
        positional=tuple(put(v) for v in statement.positional),
        keywords=keywords(statement.keywords),
        repeat=repeat,
    )


@dataclass(frozen=True)
class _Repeated(LayerStatement):
    """One use a repetition makes (`basic 64 * 3`, `basic * [64] [128]`): which of how
    many, and where it is written (its stage, or the statement), for the messages."""

    number: int = 1
    count: int = 1
    at: Span = Span.point(1, 1)

    @property
    def place(self) -> str:
        return f"{self.at.line}:{self.at.column} (use {self.number} of {self.count})"


def _expanded(
    layers: list[LayerStatement], errors: _Collector, blocks: _Blocks, scope: _Scope | None
) -> list[LayerStatement]:
    """The layer statements with each repetition made its uses, in a chain: `basic 64 * 2`
    is two statements, the second reading the first; a label names the last. Past
    MAX_LAYERS layers, each use of a block counted as its body's, the rest is left out."""
    counted: dict[str, int] = {}  # layers per use of a block, by name
    total = 0
    expanded: list[LayerStatement] = []
    for statement in layers:
        block = blocks.get(statement.layer.text)
        size = 1 if block is None else _layers_in(block, counted)
        uses = _uses_of(statement, errors, blocks)
        total += size * len(uses)
        if total > MAX_LAYERS:
            errors.error(
                f"the model makes more than {MAX_LAYERS:,} layers"
                if scope is None
                else f"block {scope.block.name.text!r} makes more than {MAX_LAYERS:,} layers",
                statement.repeat or statement,
                "repeat fewer times"
                if block is None
                else f"each use of block {block.name!r} makes {size:,} layers: use it fewer times",
            )
            return expanded
        expanded += uses
    return expanded


def _layers_in(block: Block, counted: dict[str, int]) -> int:
    """The layers one use of `block` makes, its blocks' bodies counted (`counted`: known ones)."""
    if block.name not in counted:
        counted[block.name] = sum(
            _layers_in(node.block, counted) if node.block is not None else 1
            for node in block.body.nodes
            if not node.is_input
        )
    return counted[block.name]


def _uses_of(
    statement: LayerStatement, errors: _Collector, blocks: _Blocks
) -> list[LayerStatement]:
    """The uses `statement` makes: itself, or the uses its repetition makes; none if the
    repetition is wrong."""
    repeat = statement.repeat
    if repeat is None:
        return [statement]
    block = blocks.get(statement.layer.text)
    entry = block.entry if block is not None else catalogue.lookup(statement.layer.text)
    if entry is not None and (entry.is_input or not entry.reads(1)):
        errors.error(
            f"{statement.display} reads {entry.inputs_read(or_more=' or more', to=' to ')} "
            "inputs: only a layer or block that reads one can be repeated in a chain",
            repeat,
            "repeat a layer or block that reads one input and gives one output",
        )
        return []
    if not 1 <= repeat.count <= MAX_LAYERS:
        errors.error(
            f"a repetition makes 1 to {MAX_LAYERS:,} uses. Received: {repeat.count}",
            repeat,
            "write '* 2' for two uses in a chain",
        )
        return []
    stages = repeat.stages or (None,) * repeat.count
    return [
        _Repeated(
            label=statement.label if number == len(stages) - 1 else None,
            layer=statement.layer,
            positional=statement.positional + (stage.positional if stage else ()),
            keywords=statement.keywords + (stage.keywords if stage else ()),
            sources=statement.sources if number == 0 else None,
            span=statement.span,
            repeat=None,
            number=number + 1,
            count=len(stages),
            at=stage.span if stage else statement.span,
        )
        for number, stage in enumerate(stages)
    ]
