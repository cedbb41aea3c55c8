"""The reverse pipeline: a Keras model's config -> a readable spec.

Reads the config of a model the user already has (a `.keras` file's `config.json`,
a `model.to_json()` file, or a Python file that builds the model, run in a
subprocess) and writes the spec that regenerates it:

* every layer resolved against the catalogue, arguments equal to Keras' defaults
  left out;
* labels only where the graph needs them (a source other than the statement
  before, an output) or where the user named the layer;
* chains left implicit.

What the DSL cannot say (a Lambda, a custom layer, a nested model, a shared layer,
an initializer class the catalogue does not know) is an error naming the layer,
never dropped. Pure Python for `.keras` and `.json`: no TensorFlow import.

The stages, each a module: `sources` (a file -> its config), `configs` (a config ->
its saved layers), `values` (a saved value -> the catalogue's form of it),
`dsl_text` (a value -> its DSL literal), `layer_words` (a saved layer -> its
statement's words) and `assemble` (the whole spec).
"""

from __future__ import annotations

from .assemble import ImportedSpec, import_spec, spec_from_config
from .configs import check_structure
from .dsl_text import dsl_literal
from .problems import ImportProblem, UnwritableValue
from .sources import MAX_CONFIG_BYTES, MAX_INT_DIGITS, MAX_NESTING, read_config

__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_INT_DIGITS",
    "MAX_NESTING",
    "ImportProblem",
    "ImportedSpec",
    "UnwritableValue",
    "check_structure",
    "dsl_literal",
    "import_spec",
    "read_config",
    "spec_from_config",
]
