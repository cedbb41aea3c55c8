"""Specs that exercise the catalogue, one module per family of `modelgen/catalogue/`.

Each module has two lists of spec texts:

* `ACCEPTED`: Keras builds them; the static summary (shapes, parameter counts,
  names, order, bytes) must equal what Keras reports, exactly;
* `REFUSED`: Keras refuses to build them; modelgen must refuse them too, with a
  positioned error, before any code is written.

Vary the arguments that change shapes or weights: strides, padding, dilation,
use_bias, data_format (where Keras builds it on CPU), return_sequences, ...
"""

from __future__ import annotations

import importlib
import pkgutil

MODULES = sorted(m.name for m in pkgutil.iter_modules(__path__))


def _collect(kind: str) -> list[tuple[str, str]]:
    cases = []
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        cases += [(name, spec) for spec in getattr(module, kind)]
    return cases


ACCEPTED = _collect("ACCEPTED")
REFUSED = _collect("REFUSED")
