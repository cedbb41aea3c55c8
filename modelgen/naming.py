"""Python names for the generated code: variables, attributes and the class name.

Labels from the spec are used as written. Unlabelled layers get the names a person
would choose: `inputs` and `outputs`, `x` for a value read only by the next line,
and Keras-style snake-case names (`dense_1`) otherwise. No generated name ever
clashes with a label, a reserved name or another generated name. The rules a name
must follow live in `identifiers`.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass

from .graph import ModelGraph
from .identifiers import MODEL_ATTRIBUTES, RESERVED_NAMES, class_name, snake_case


class Namer:
    """Hands out fresh identifiers, never one already taken."""

    def __init__(self, taken: set[str]):
        self.taken = set(taken)
        # Per base, the first counter that may still be free: every `base_k` below it is
        # taken. Without it, 10,000 unlabelled `dense` layers cost 50 million lookups.
        self._next: dict[str, int] = {}

    def fresh(self, base: str) -> str:
        counter = self._next.get(base, 0)
        name = base if counter == 0 else f"{base}_{counter}"
        while name in self.taken or keyword.iskeyword(name):
            counter += 1
            name = f"{base}_{counter}"
        self._next[base] = counter + 1
        self.taken.add(name)
        return name

    def release(self, name: str) -> None:
        """Make `name` free again (the next `fresh` of its base may return it)."""
        self.taken.discard(name)
        self._next.clear()


@dataclass(frozen=True)
class Names:
    """Every name the code of one model uses, by node index."""

    class_name: str
    variables: tuple[str, ...]  # the local variable holding each node's output
    attributes: tuple[str, ...]  # the subclass attribute of each layer ('' for inputs)
    inputs_parameter: str  # the argument of the subclass `call`


def assign_names(graph: ModelGraph, taken_too: frozenset[str] = frozenset()) -> Names:
    """Names for `graph`'s code, none of them one of `taken_too` (a block's parameters,
    which its class keeps as attributes). The module's classes (the blocks' and the
    model's) are taken everywhere."""
    labels = {node.label for node in graph.nodes if node.label}
    classes = {block.class_name for block in graph.blocks()}
    cls = class_name(graph.name)
    if (
        cls in labels | classes
    ):  # `model my_net` with a label `MyNet`: call() would shadow the class
        cls = Namer(labels | classes | RESERVED_NAMES).fresh(f"{cls}Model")
    taken = labels | RESERVED_NAMES | {cls} | classes | taken_too
    readers = graph.consumers()
    input_number = {index: n for n, index in enumerate(graph.inputs, start=1)}
    output_number = {index: n for n, index in enumerate(graph.outputs, start=1)}

    local = Namer(taken)
    inputs_parameter = local.fresh("inputs")
    chain = local.fresh("x")
    local.release(inputs_parameter)  # a single unlabelled input takes it below
    variables: list[str] = []
    for node in graph.nodes:
        if node.label:
            variables.append(node.label)
        elif node.is_input:
            base = "inputs" if len(graph.inputs) == 1 else f"input_{input_number[node.index]}"
            variables.append(local.fresh(base))
        elif node.index in output_number:
            base = "outputs" if len(graph.outputs) == 1 else f"output_{output_number[node.index]}"
            variables.append(local.fresh(base))
        elif readers[node.index] == [node.index + 1]:
            variables.append(chain)  # read by the next line only: reuse it
        else:
            variables.append(local.fresh(snake_case(node.entry.keyword)))

    attribute = Namer(taken | MODEL_ATTRIBUTES)
    attributes = []
    for node in graph.nodes:
        if node.is_input:
            attributes.append("")
        elif node.label and node.label not in MODEL_ATTRIBUTES and not node.label.startswith("_"):
            attributes.append(node.label)
        else:
            attributes.append(
                attribute.fresh(
                    f"{node.label}_layer" if node.label else snake_case(node.entry.keyword)
                )
            )
    return Names(cls, tuple(variables), tuple(attributes), inputs_parameter)
