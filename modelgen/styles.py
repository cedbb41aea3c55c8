"""The style registry: the four ways Keras builds a model.

Each `Style` knows its template, its title, and whether it can express a given
model; when it cannot, `refusal` says why, pointing at the statement that makes the
model a graph. The CLI's `--style` choices come from `STYLES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Diagnostic
from .graph import ModelGraph
from .ir import Span


@dataclass(frozen=True)
class Problem:
    """Why a style cannot express a model: the reason, where, and what to do instead."""

    reason: str
    span: Span
    hint: str


@dataclass(frozen=True)
class Style:
    name: str  # as given to --style
    title: str
    template: str
    chain_only: bool  # Sequential models are a single chain of layers

    @property
    def file_suffix(self) -> str:
        """`<model>_<suffix>.py` is the file name `--style all` writes."""
        return self.name.replace("-", "_")

    def file_name(self, model_name: str) -> str:
        """The file this style's code of `model_name` is written to: `mnist_mlp_functional.py`."""
        return f"{model_name}_{self.file_suffix}.py"

    def why_not(self, graph: ModelGraph) -> Problem | None:
        """Why this style cannot express `graph`, and where; None when it can."""
        if self.chain_only:
            problem = chain_problem(graph)
            if problem is not None:
                return Problem(
                    *problem,
                    "a Sequential model is a single chain of layers; use --style functional or subclass",
                )
            for node in graph.nodes:
                if node.entry.is_operation:
                    return Problem(
                        f"{node.statement.display} is a Keras operation "
                        f"(keras.ops.{node.entry.operation}), not a layer",
                        node.statement.span,
                        "a Sequential model holds only layers; use --style functional or subclass",
                    )
        return None

    def refusal(self, graph: ModelGraph) -> Diagnostic | None:
        """Why this style cannot express `graph`, at the statement to blame; None when it can."""
        problem = self.why_not(graph)
        if problem is None:
            return None
        return Diagnostic(
            f"the {self.name} style cannot express this model: {problem.reason}",
            problem.span,
            problem.hint,
        )

    def skipped(self, graph: ModelGraph) -> Diagnostic | None:
        """`refusal` as a note, for `--style all`, which writes the styles that can."""
        problem = self.why_not(graph)
        if problem is None:
            return None
        return Diagnostic(f"skipped {self.name}: {problem.reason}", problem.span, severity="note")


def chain_problem(graph: ModelGraph) -> tuple[str, Span] | None:
    """What stops `graph` from being one chain from one input to one output, and where."""
    nodes = graph.nodes
    if len(graph.inputs) > 1:
        second = nodes[graph.inputs[1]].statement
        return f"{second.display} is a second input", second.span
    if len(graph.outputs) > 1:
        second = nodes[graph.outputs[1]].statement
        return f"{second.display} is a second output", second.span
    for node in nodes:
        if node.is_input:
            continue
        statement = node.statement
        if len(node.sources) > 1:
            return f"{statement.display} merges {len(node.sources)} inputs", statement.span
        if node.sources != (node.index - 1,):
            source = nodes[node.sources[0]].statement
            return (
                f"{statement.display} reads {source.display}, not the layer before it (a skip)",
                statement.span,
            )
    return None


STYLES: dict[str, Style] = {
    style.name: style
    for style in (
        Style("sequential", "a Sequential model built with .add", "sequential.py.j2", True),
        Style(
            "sequential-list", "a Sequential model built from a list", "sequential_list.py.j2", True
        ),
        Style("functional", "the functional API", "functional.py.j2", False),
        Style("subclass", "a subclassed keras.Model", "subclass.py.j2", False),
    )
}
