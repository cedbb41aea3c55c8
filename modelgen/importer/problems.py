"""What an import refuses: the errors every stage of the import raises.

At the bottom of the importer: it imports only `modelgen.errors`.
"""

from __future__ import annotations

from ..errors import ModelgenError


class ImportProblem(ModelgenError):
    """The model cannot be written as a spec; the message names the layer and why."""


class UnwritableValue(ImportProblem):
    """A value no DSL literal reads back as; `import_spec` adds the layer."""
