"""Custom layers as blocks: the uses of one class -> one block, and each use's words.

A custom layer class of a `.py` model is traced through its `call` (see
`modelgen/pyrunner_child.py`): each use gives the statements its body would be
written as. The uses whose statements differ only in values that the class's own
config explains (`filters=64` where one use has 64 and another 128) are one block,
with those config keys as its parameters (`$filters`), named after the class
(`ResidualBlock` is `residual_block`); uses that differ otherwise are blocks of
their own. Pure text work: `assemble` gives each use's body statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import catalogue
from ..argtypes import ACTIVATION_NAMES
from ..catalogue import NO_DEFAULT
from ..identifiers import MODEL_ATTRIBUTES, snake_case
from .dsl_text import dsl_literal, label_for
from .problems import UnwritableValue

# A statement's words: a quoted string, a tuple or call (brackets balanced by `_words`),
# or a run of anything else; `key=` before a value is part of its word.
_PIECE = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[(),]|[^\s(),"\']+|\s+')


def _words(statement: str) -> list[str]:
    """`conv2d 64 (3, 3) strides=(2, 2)` -> ['conv2d', '64', '(3, 3)', 'strides=(2, 2)']."""
    words: list[str] = []
    current = ""
    depth = 0
    for piece in _PIECE.findall(statement):
        if piece.isspace() and depth == 0:
            if current:
                words.append(current)
            current = ""
            continue
        depth += piece.count("(") - piece.count(")") if piece in "()" else 0
        current += piece
    if current:
        words.append(current)
    return words


@dataclass
class Use:
    """One use of a custom class: its body's statements, its config beyond Layer's, and
    the defaults of its class's __init__."""

    class_name: str
    statements: list[str]
    arguments: dict
    defaults: dict
    block: str = ""  # the block it is a use of, once `define` has run
    words: str = ""  # the use's words: `basic 64 stride=2`


@dataclass(frozen=True)
class Definition:
    """A block, as spec text: `block NAME param ...`, its body, `end`."""

    name: str
    class_name: str
    lines: tuple[str, ...]


def _value_words(statement: list[str]) -> list[int]:
    """The positions of a statement's value words: after its label and layer keyword,
    before its sources."""
    start = 1 if statement and statement[0].endswith(":") else 0
    positions = []
    for i in range(start + 1, len(statement)):
        if statement[i] == "<-":
            break
        positions.append(i)
    return positions


def _split_key(word: str) -> tuple[str, str]:
    match = re.fullmatch(r"([^\W\d]\w*)=(.*)", word, re.S)
    return (match.group(1) + "=", match.group(2)) if match else ("", word)


def _literal(value: object) -> str | None:
    try:
        return dsl_literal(tuple(value) if isinstance(value, list) else value)
    except UnwritableValue:
        return None


def _aligned(statements: list[list[str]]) -> list[list[str]] | None:
    """One statement as several uses write it, each with the same `key=` words: a key some
    leave out (as Keras' default) written with the default. None if they differ otherwise."""
    if all(len(s) == len(statements[0]) for s in statements) and all(
        [_split_key(w)[0] for w in s] == [_split_key(w)[0] for w in statements[0]]
        for s in statements
    ):
        return statements

    def parts(words: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
        keyed = [i for i, w in enumerate(words) if _split_key(w)[0]]
        sources = words.index("<-") if "<-" in words else len(words)
        head = [w for i, w in enumerate(words[:sources]) if i not in keyed]
        return head, {_split_key(words[i])[0]: words[i] for i in keyed}, words[sources:]

    split = [parts(s) for s in statements]
    if any(len(h) != len(split[0][0]) or len(t) != len(split[0][2]) for h, _, t in split):
        return None
    head = split[0][0]
    keyword = (
        head[1] if head and head[0].endswith(":") and len(head) > 1 else head[0] if head else ""
    )
    entry = catalogue.lookup(keyword)
    if entry is None:
        return None
    order = [f"{p.name}=" for p in entry.params]
    keys = sorted(
        {k for _, given, _ in split for k in given},
        key=lambda k: order.index(k) if k in order else len(order),
    )
    aligned = []
    for own_head, given, tail in split:
        words = list(own_head)
        for key in keys:
            if key in given:
                words.append(given[key])
                continue
            param = entry.param(key[:-1])
            if (
                param is None
                or param.default is None
                or isinstance(param.default, type(NO_DEFAULT))
            ):
                return None
            default = param.default
            written = (
                _literal(default)
                if not isinstance(default, tuple)
                else dsl_literal(default, dims=True)
            )
            if written is None:
                return None
            words.append(key + written)
        aligned.append(words + tail)
    return aligned


def _matches(written: str, value: object) -> bool:
    """Whether a word reads as the config's value: `2` as itself, and as `2x2` for a size."""
    if written == _literal(value):
        return True
    return type(value) is int and written in ("x".join([str(value)] * n) for n in (2, 3))


def _parameters(
    uses: list[Use],
) -> tuple[dict[tuple[int, int], str], list[str], list[list[str]]] | None:
    """Where each parameter stands in the uses' common body ((statement, word) -> key),
    the keys that stand nowhere, and the body as the first use writes it; None if the
    bodies differ in a way no key explains."""
    bodies = [[_words(s) for s in use.statements] for use in uses]
    if any(len(b) != len(bodies[0]) for b in bodies):
        return None
    for s in range(len(bodies[0])):
        aligned = _aligned([b[s] for b in bodies])
        if aligned is None:
            return None
        for body, statement in zip(bodies, aligned, strict=True):
            body[s] = statement
    first = bodies[0]
    if any(
        len(b) != len(first) or any(len(x) != len(y) for x, y in zip(b, first, strict=True))
        for b in bodies
    ):
        return None
    keys = [
        k for k in uses[0].arguments if all(k in u.arguments for u in uses) and _may_be_parameter(k)
    ]
    literals = {k: [u.arguments[k] for u in uses] for k in keys}
    literals = {k: v for k, v in literals.items() if all(_literal(x) is not None for x in v)}
    places: dict[tuple[int, int], str] = {}
    for s, statement in enumerate(first):
        values = set(_value_words(statement))
        for w, word in enumerate(statement):
            seen = [body[s][w] for body in bodies]
            if w not in values:
                if any(x != word for x in seen):
                    return None  # a layer or a source differs: not the same body
                continue
            key_word, _ = _split_key(word)
            written = [_split_key(x)[1] for x in seen]
            if any(_split_key(x)[0] != key_word for x in seen):
                return None
            # A positional activation is read by its word: only `activation=` takes a parameter.
            if not key_word and written[0] in ACTIVATION_NAMES:
                if any(x != written[0] for x in written):
                    return None
                continue
            key = next(
                (
                    k
                    for k, v in literals.items()
                    if all(_matches(x, y) for x, y in zip(written, v, strict=True))
                ),
                None,
            )
            if key is not None:
                places[(s, w)] = key
            elif any(x != written[0] for x in written):
                return None
    unused = [k for k in keys if k not in places.values()]
    return places, unused, first


def _may_be_parameter(key: str) -> bool:
    """Whether a config key can be a block's parameter (see validate: not a name every
    Keras layer uses itself)."""
    return (
        key.isidentifier()
        and not key.startswith("_")
        and key not in MODEL_ATTRIBUTES
        and key not in ("name", "dtype", "trainable", "kwargs", "inputs", "config", "self")
    )


def define(uses: list[Use], taken: set[str]) -> list[Definition]:
    """The blocks that write `uses` (all of one class), each named once (`taken`: the
    names already used), and each use's words (`Use.block`, `Use.words`)."""
    definitions = []
    waiting = list(uses)
    while waiting:
        group = [waiting[0]]
        found = _parameters(group)
        for use in waiting[1:]:
            tried = _parameters([*group, use])
            if tried is not None:
                group.append(use)
                found = tried
        assert found is not None, "one use's body is always its own block"
        waiting = [u for u in waiting if u not in group]
        definitions.append(_definition(group, *found, taken))
    return definitions


def _block_name(class_name: str, taken: set[str]) -> str:
    base = snake_case(class_name) or "block"
    if catalogue.lookup(base) is not None:
        base = f"{base}_block"
    return label_for(base, taken)


def _definition(
    group: list[Use],
    places: dict[tuple[int, int], str],
    unused: list[str],
    body: list[list[str]],
    taken: set[str],
) -> Definition:
    first = group[0]
    name = _block_name(first.class_name, taken)
    taken.add(name)
    keys = [k for k in first.arguments if k in places.values()]
    # Parameters without a default first, as Python has them; a default only where it
    # can be written.
    defaults = {k: _literal(first.defaults[k]) for k in keys if k in first.defaults}
    defaults = {k: v for k, v in defaults.items() if v is not None}
    ordered = [k for k in keys if k not in defaults] + [k for k in keys if k in defaults]
    header = " ".join(
        [f"block {name}", *(f"{k}={defaults[k]}" if k in defaults else k for k in ordered)]
    )
    lines = [f"# the layer class {first.class_name}, traced through its call", header]
    if unused:
        shown = ", ".join(unused)
        lines.insert(
            1, f"# ({first.class_name}'s config also holds {shown}, which its layers do not show)"
        )
    for s, statement in enumerate(body):
        words = [
            f"{_split_key(w)[0]}${places[(s, i)]}" if (s, i) in places else w
            for i, w in enumerate(statement)
        ]
        lines.append("  " + " ".join(words))
    lines.append("end")
    for use in group:
        use.block = name
        given = []
        for k in ordered:
            written = _literal(use.arguments[k])
            if k in defaults:
                if written != defaults[k]:
                    given.append(f"{k}={written}")
            else:
                given.append(str(written))
        use.words = " ".join([name, *given])
    return Definition(name, first.class_name, tuple(lines))
