"""Wrappers: Bidirectional, TimeDistributed (the wrapped layer is named first)."""

from __future__ import annotations

from .base import LayerEntry

ENTRIES: tuple[LayerEntry, ...] = ()
