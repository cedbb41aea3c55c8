"""Specs with blocks that several test modules read."""

from __future__ import annotations

from .goldens import EXAMPLES

# Blocks in blocks: `pair` uses `unit` twice, on the same input, and adds them.
NESTED_BLOCKS = """\
model nested
block unit units
  input
  dense $units relu
  dropout 0.1
end
block pair units
  x: input
  a: unit $units
  b: unit $units <- x
  add <- a, b
end
input 8
pair 16
pair 16
dense 2
"""
RESNET18 = EXAMPLES / "resnet18" / "resnet18.mg"  # two blocks, Basic and Down
