"""Writing DSL text, the parser's inverse: a value -> the literal that reads back as it.

`dsl_literal` writes a value as the literal the parser reads back as exactly that
value, or refuses it (`UnwritableValue`): every value the importer writes into spec
text goes through it, so that no saved string can inject a statement. `label_for` and
`model_name` make a Keras name into a label and a model name the DSL accepts.
"""

from __future__ import annotations

import keyword
import math
import re

from ..argtypes import OBJECT_TYPES
from ..identifiers import RESERVED_NAMES, as_identifier
from ..ir import KerasObject
from .problems import UnwritableValue

# Words the parser reads as something other than a string: constants and the
# statement keywords.
_NOT_WORDS = ("true", "false", "none", "model", "outputs")
_STATEMENT_KEYWORDS = ("model", "outputs", "block", "end")  # not labels: `end: dense 10`
INT_RANGE = 2**63  # Keras' integers are 64-bit: past that, no spec means the value


def _word(text: str) -> str:
    """A string as a bare word where the parser reads it back as that string, else quoted."""
    if re.fullmatch(r"[^\W\d]\w*", text) and text.lower() not in _NOT_WORDS:
        return text
    return quoted(text)


def quoted(text: str) -> str:
    """A double-quoted DSL string (the parser reads strings as Python literals): printable
    characters as they are, emoji included; every other one escaped, so that no line end,
    control character or lone surrogate reaches the spec's text."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(repr(char)[1:-1])  # \n, \x1b, \u2028, \ud83d
    return '"' + "".join(out) + '"'


def dsl_literal(value: object, dims: bool = False, where: str = "", word: bool = True) -> str:
    """How a value is written in a spec: a literal the parser reads back as exactly this
    value, or `UnwritableValue` (an `ImportProblem` naming `where`) when there is none.

    Every value the importer writes into spec text goes through here. `dims`: a tuple
    of sizes as `28x28` (one size as itself); `word=False`: a string always quoted.
    """

    def refuse(reason: str) -> UnwritableValue:
        return UnwritableValue(f"{where}: {reason}" if where else reason)

    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not -INT_RANGE <= value < INT_RANGE:
            raise refuse(f"the integer {str(value)[:30]}... is beyond Keras' 64-bit range")
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise refuse(f"{value} cannot be written in the DSL, which has no NaN or infinity")
        return repr(value)
    if isinstance(value, str):
        return _word(value) if word else quoted(value)
    if isinstance(value, KerasObject):
        return _object_literal(value)
    if not isinstance(value, (tuple, list)):
        raise refuse(f"a {type(value).__name__} value cannot be written in the DSL")
    items = list(value)
    if dims and items and all(v is None or (type(v) is int and 0 < v < INT_RANGE) for v in items):
        return "x".join("?" if v is None else str(v) for v in items)
    inner = ", ".join(dsl_literal(v, where=where) for v in items)
    return f"({inner},)" if len(items) == 1 else f"({inner})"


def _object_literal(value: KerasObject) -> str:
    """`l2(0.0001)`, `variance_scaling(scale=2.0, mode=fan_out)`, or just `he_normal`."""
    chosen = OBJECT_TYPES[value.module].by_class(value.class_name)
    assert chosen is not None
    if not value.settings and chosen.needs_settings:  # Keras cannot make `constant` by name
        first = chosen.settings[0]
        return f"{chosen.word}({dsl_literal(first.default)})"
    if not value.settings:
        return chosen.word
    if len(value.settings) == 1 and value.settings[0][0] == chosen.settings[0].name:
        return f"{chosen.word}({dsl_literal(value.settings[0][1])})"
    words = ", ".join(f"{name}={dsl_literal(v)}" for name, v in value.settings)
    return f"{chosen.word}({words})"


def label_for(text: str, taken: set[str]) -> str:
    """A label for a layer Keras named `text`: a Python identifier, none of `taken`."""
    base = as_identifier(text) or "layer"
    if (
        keyword.iskeyword(base)
        or base in RESERVED_NAMES
        or base.startswith("__")
        or base.lower() in _STATEMENT_KEYWORDS
    ):
        base = f"{base.strip('_')}_layer"
    if not base.isidentifier():  # it starts with a digit (perhaps once `__` is stripped)
        base = f"layer_{base}"
    name, counter = base, 0
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    return name


def model_name(name: object, default_name: str) -> str:
    """The spec's `model NAME`: an ASCII identifier, which every style builds under
    (TensorFlow's root name scopes are ASCII), from the Keras name where it has one."""
    text = name if isinstance(name, str) else ""
    ascii_name = re.sub(r"[^A-Za-z0-9_]+", "_", as_identifier(text)).strip("_")
    if ascii_name[:1].isdigit():  # `3dcnn`: a model, not a layer
        ascii_name = f"model_{ascii_name}"
    return label_for(ascii_name, set()) if ascii_name else default_name
