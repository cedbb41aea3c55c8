"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax."""

from __future__ import annotations

from .base import LayerEntry

ENTRIES: tuple[LayerEntry, ...] = ()
