"""Shape layers: ZeroPadding, Cropping, UpSampling (1D/2D/3D), Permute, RepeatVector."""

from __future__ import annotations

from .base import LayerEntry

ENTRIES: tuple[LayerEntry, ...] = ()
