"""Python names for the generated code: variables, attributes and the class name.

Labels from the spec are used as written. Unlabelled layers get the names a person
would choose: `inputs` and `outputs`, `x` for a value read only by the next line,
and Keras-style snake-case names (`dense_1`) otherwise. No generated name ever
clashes with a label, a reserved name or another generated name.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from dataclasses import dataclass

from .ir import ModelGraph
from .validate import RESERVED_NAMES

# keras.Model's own public attributes (read off Keras 3.15): a layer attribute of a
# subclassed model must not replace one of these, e.g. `self.output`.
MODEL_ATTRIBUTES = frozenset(
    """
    add_loss add_metric add_variable add_weight build build_from_config built call compile
    compile_from_config compiled_loss compiled_metrics compute_dtype compute_loss compute_mask
    compute_metrics compute_output_shape compute_output_spec count_params
    distribute_reduction_method distribute_strategy dtype dtype_policy evaluate export fit
    from_config get_build_config get_compile_config get_config get_layer get_metrics_result
    get_quantization_layer_structure get_state_tree get_weights input input_dtype input_spec
    inputs jit_compile layers load_own_variables load_weights loss losses make_predict_function
    make_test_function make_train_function metrics metrics_names metrics_variables name
    non_trainable_variables non_trainable_weights optimizer output outputs path predict
    predict_on_batch predict_step quantization_mode quantize quantized_build quantized_call
    rematerialized_call reset_metrics run_eagerly save save_own_variables save_weights
    set_state_tree set_weights stateless_call stateless_compute_loss summary supports_masking
    symbolic_call test_on_batch test_step to_json train_on_batch train_step trainable
    trainable_variables trainable_weights variable_dtype variables weights
    """.split()
)


def snake_case(class_name: str) -> str:
    """`MaxPooling2D` -> `max_pooling2d`, as Keras names its layers."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def as_identifier(text: str) -> str:
    """`text` in the NFKC form Python reads identifiers in, with every character an
    identifier cannot hold made '_': `my-net` -> `my_net`, `ﬁle` -> `file`, `a²` -> `a2`.
    (It may still start with a digit.)"""
    normal = unicodedata.normalize("NFKC", text)
    return "".join(c if f"_{c}".isidentifier() else "_" for c in normal)


def class_name(model_name: str) -> str:
    """`mnist_mlp` -> `MnistMlp`."""
    parts = [p for p in model_name.split("_") if p]
    # Upper-casing may leave the NFKC form Python reads identifiers in ('ΐ' -> 'Ϊ́').
    name = as_identifier("".join(p[:1].upper() + p[1:] for p in parts) or "Model")
    if not name.isidentifier():  # it starts with a digit
        name = "Model" + name
    if name in ("Model", "Sequential"):  # legal, but a reader would take it for keras.Model
        return "My" + name
    if name in RESERVED_NAMES or keyword.iskeyword(name):
        name += "Model"
    return name


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


def assign_names(graph: ModelGraph) -> Names:
    labels = {node.label for node in graph.nodes if node.label}
    cls = class_name(graph.name)
    if cls in labels:  # `model my_net` with a label `MyNet`: call() would shadow the class
        cls = Namer(labels | RESERVED_NAMES).fresh(f"{cls}Model")
    taken = labels | RESERVED_NAMES | {cls}
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
