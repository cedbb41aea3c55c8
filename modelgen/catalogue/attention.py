"""Attention: MultiHeadAttention, Attention."""

from __future__ import annotations

from .base import LayerEntry

ENTRIES: tuple[LayerEntry, ...] = ()
