"""Regularization layers: SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout."""

from __future__ import annotations

from .base import LayerEntry

ENTRIES: tuple[LayerEntry, ...] = ()
