"""The catalogue in words: `modelgen layers` and `modelgen layers NAME`.

    print(layer_table())          # every layer, one line each
    print(describe("conv2d"))     # one layer in full: inputs, example, every argument

What a wrapper may wrap is the entry's (`LayerEntry.may_wrap`, which validation
applies, beside `LayerEntry.wrappable`, the words its error and `describe` use).
"""

from __future__ import annotations

from ..errors import UsageError, suggest
from . import ENTRIES, FAMILIES, NO_DEFAULT, keywords, lookup


def layer_table() -> str:
    """Every layer the DSL knows, one line each, and how the arguments go."""
    rows = [("LAYER", "ALIASES", "INPUTS", "POSITIONAL ARGUMENTS", "")]
    for entry in ENTRIES:
        params = " ".join(
            f"{p.name}" if p.required else f"[{p.name}]" for p in entry.positional_params
        )
        aliases = ", ".join(entry.aliases)
        rows.append((entry.keyword.lower(), aliases, entry.arity, params, entry.summary))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[4]
        for row in rows
    ]
    lines += [
        "",
        "A bare activation name (e.g. relu) is the 'activation' of a layer that has one.",
        "Nearly every layer also takes name=, dtype= and trainable= (an operation takes none). "
        "'modelgen layers NAME' shows all of a layer's arguments.",
    ]
    return "\n".join(lines) + "\n"


_CALLS = {"single": "one input", "list": "a list of inputs", "args": "its inputs as arguments"}


def describe(word: str) -> str:
    """The layer `word` names (a keyword or an alias) in full; `UsageError` for an unknown one."""
    entry = lookup(word)
    if entry is None:
        hint = suggest(word, keywords())
        raise UsageError(f"unknown layer {word!r}" + (f"; {hint}" if hint else ""))
    family = next(name for name, entries in FAMILIES.items() if entry in entries)
    lines = [f"{entry.keyword} ({family}): {entry.summary}"]
    if entry.aliases:
        lines.append(f"aliases: {', '.join(entry.aliases)}")
    lines.append(
        f"inputs: {entry.arity} ({_CALLS[entry.call_style]})"
        if not entry.is_input
        else "inputs: none"
    )
    if entry.is_wrapper:
        lines.append(f"wraps: {entry.wrappable} (named first, e.g. '{entry.example}')")
    if entry.example:
        lines.append(f"example: {entry.example}")
    if entry.call_arguments:
        names = ", ".join(name for name, _ in entry.call_arguments)
        lines.append(f"call arguments (left at their defaults; not set in a spec): {names}")
    lines.append("")
    rows = [("ARGUMENT", "HOW", "DEFAULT", "ACCEPTS")]
    for param in entry.params:
        how = "required" if param.required else "positional" if param.positional else "key=value"
        if param.name == "activation" and not param.positional:
            how = "bare or key=value"  # `conv2d 16 3x3 relu`: a bare activation name anywhere
        default = "" if param.default is NO_DEFAULT else repr(param.default)
        rows.append((param.name, how, default, param.type.description))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        )
    return "\n".join(lines) + "\n"
