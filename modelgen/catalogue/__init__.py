"""The layer catalogue: one declarative entry per Keras layer, grouped by family.

Each module below holds the entries of one family of layers (see `base.py` for
what an entry is). Adding a layer means adding an entry to its family; the
parser, validator, shape inference, renderer and CLI all read the data.
"""

from __future__ import annotations

from . import (
    activations,
    attention,
    convolution,
    core,
    merging,
    normalization,
    operations,
    pooling,
    recurrent,
    regularization,
    reshaping,
    wrappers,
)
from .base import COMMON, NO_DEFAULT, Call, LayerEntry, Param, ShapeError

FAMILIES = {
    "core": core.ENTRIES,
    "convolution": convolution.ENTRIES,
    "pooling": pooling.ENTRIES,
    "reshaping": reshaping.ENTRIES,
    "normalization": normalization.ENTRIES,
    "regularization": regularization.ENTRIES,
    "activations": activations.ENTRIES,
    "recurrent": recurrent.ENTRIES,
    "attention": attention.ENTRIES,
    "wrappers": wrappers.ENTRIES,
    "merging": merging.ENTRIES,
    "operations": operations.ENTRIES,
}
ENTRIES: tuple[LayerEntry, ...] = tuple(entry for entries in FAMILIES.values() for entry in entries)
INPUT = core.INPUT


def _index(entries: tuple[LayerEntry, ...]) -> dict[str, LayerEntry]:
    index: dict[str, LayerEntry] = {}
    for entry in entries:
        for word in (entry.keyword, *entry.aliases):
            assert word.lower() not in index, f"duplicate catalogue keyword {word}"
            index[word.lower()] = entry
    return index


_BY_WORD = _index(ENTRIES)


def lookup(word: str) -> LayerEntry | None:
    """The entry for a layer keyword or alias, case-insensitively."""
    return _BY_WORD.get(word.lower())


def keywords() -> list[str]:
    """Every word `lookup` accepts, as users would write them (lower case)."""
    return sorted(_BY_WORD)


__all__ = [
    "COMMON",
    "ENTRIES",
    "FAMILIES",
    "INPUT",
    "NO_DEFAULT",
    "Call",
    "LayerEntry",
    "Param",
    "ShapeError",
    "keywords",
    "lookup",
]
