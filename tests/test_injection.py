"""No text from a spec reaches the generated code except as a literal or a checked name.

The generated modules are Python that people run, so every one of them is parsed
(`ast.parse`, never exec'd) and checked against what modelgen may write:

* only the two import lines of the `--imports` flavour;
* only the node types the templates use (no lambda, f-string, subscript, operator ...);
* every call is a catalogue layer, a Keras constructor, `keras.ops.<op>`, a Keras
  initializer, regularizer or constraint class, or one of the module's own names;
* every name is the module's own vocabulary, a label of the spec or a name modelgen
  makes (`x`, `dense_1`); every keyword argument is a Keras parameter name;
* no string from the spec is ever a name, and every `name=` of the spec comes back as
  the same string constant; the docstring is exactly the template's.

for every example, every accepted catalogue case and a corpus of hostile specs, which
must either be refused with a positioned `SpecError` or pass the same checks.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from modelgen import catalogue
from modelgen.argtypes import OBJECT_TYPES
from modelgen.errors import SpecError
from modelgen.generate import generate, generate_all, load
from modelgen.graph import ModelGraph
from modelgen.identifiers import layer_name_problem
from modelgen.ir import LayerStatement, ValueKind
from modelgen.render import IMPORT_FLAVOURS
from modelgen.styles import STYLES

from .catalogue_cases import ACCEPTED, MODULES
from .goldens import example_specs

IMPORTS = {
    "keras": {"import keras", "from keras import layers"},
    "tensorflow": {"from tensorflow import keras", "from tensorflow.keras import layers"},
}
ENTRIES = catalogue.ENTRIES
LAYER_CLASSES = {e.keyword for e in ENTRIES if not e.is_input and not e.is_operation}
OPERATIONS = {e.operation for e in ENTRIES if e.is_operation}
OBJECT_CLASSES = {
    f"keras.{module}.{c.class_name}" for module, kind in OBJECT_TYPES.items() for c in kind.classes
}
PARAMETERS = {p.name for e in ENTRIES for p in e.params} | {
    s.name for kind in OBJECT_TYPES.values() for c in kind.classes for s in c.settings
}
KERAS_CALLS = {
    "keras.Input",
    "keras.Model",
    "keras.Sequential",
    "keras.saving.register_keras_serializable",
    "keras.utils.register_keras_serializable",
    *(f"keras.ops.{op}" for op in OPERATIONS),
    *OBJECT_CLASSES,
    *(f"layers.{c}" for c in LAYER_CLASSES),
    *(f"layers.{c}()" for c in LAYER_CLASSES),  # functional: layers.Dense(8)(x)
}
OWN_CALLS = {
    "super",
    "super().__init__",
    "super().get_config",
    "build_model",
    "build_model().summary",
    "model",
    "model.add",
    "model.load_weights",
    # a block's class
    "keras.KerasTensor",
    "self.call",
    "config.update",
    "keras.utils.serialize_keras_object",
}
# Every name a module uses besides labels and the names modelgen makes.
VOCABULARY = {"keras", "layers", "super", "self", "build_model", "model", "weights", "kwargs"}
VOCABULARY |= {"__name__", "input_shape", "shape", "config"}  # a block's build and get_config
ATTRIBUTES = {"Input", "Model", "Sequential", "ops", "saving", "utils", "summary", "add"}
ATTRIBUTES |= {"register_keras_serializable", "load_weights", "build", "get_config", "__init__"}
ATTRIBUTES |= {"initializers", "regularizers", "constraints", *LAYER_CLASSES, *OPERATIONS}
ATTRIBUTES |= {name.rsplit(".", 1)[1] for name in OBJECT_CLASSES}
ATTRIBUTES |= {
    "Layer",
    "KerasTensor",
    "call",
    "update",
    "serialize_keras_object",
}  # a block's class
# Names the code relies on where labels are variables: nothing may assign them.
PROTECTED = {"keras", "layers", "build_model", "self", "weights", "__name__"}
GENERATED_NAME = re.compile(r"[a-z][a-z0-9_]*")  # x, inputs, input_2, dense_1, max_pooling2d
FUNCTIONS = {"build_model", "__init__", "build", "call", "get_config"}
NODES = (
    ast.Module, ast.Expr, ast.Import, ast.ImportFrom, ast.alias, ast.FunctionDef,
    ast.ClassDef, ast.arguments, ast.arg, ast.Assign, ast.Return, ast.If, ast.Compare,
    ast.Eq, ast.IsNot, ast.Call, ast.keyword, ast.Attribute, ast.Name, ast.Load, ast.Store,
    ast.Constant, ast.Tuple, ast.List, ast.UnaryOp, ast.USub, ast.Dict, ast.ListComp,
    ast.comprehension,
)  # fmt: skip


def dotted(node: ast.AST) -> str:
    """`layers.Dense`, `super().__init__`, `layers.Dense()` (a call of a call), or '?'."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{dotted(node.func)}()"
    return "?"


def spec_strings(graph: ModelGraph) -> tuple[set[str], list[str]]:
    """The words and strings the spec gives as values, and its `name=` values."""
    values: set[str] = set()
    names: list[str] = []

    def walk(value) -> None:
        if value.kind in (ValueKind.WORD, ValueKind.STRING):
            values.add(value.data)
        elif value.kind is ValueKind.TUPLE:
            for item in value.data:
                walk(item)
        elif value.kind is ValueKind.CALL:
            for item in (*value.data.positional, *(k.value for k in value.data.keywords)):
                walk(item)

    for statement in graph.spec.statements:
        if isinstance(statement, LayerStatement):
            for value in (*statement.positional, *(k.value for k in statement.keywords)):
                walk(value)
    for node in graph.nodes:
        for argument in (*node.arguments, *(node.wrapped.arguments if node.wrapped else ())):
            if argument.name == "name":
                names.append(argument.value)
    return values, names


def check_module(code: str, graph: ModelGraph, style: str, imports: str) -> None:
    tree = ast.parse(code)
    labels = {node.label for node in graph.nodes if node.label}
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    class_names = {c.name for c in classes}
    assert len(classes) == (style == "subclass") + len(graph.blocks())
    # ast.parse reads identifiers as Python does, NFKC-normalized: `ﬁ` is `fi`.
    assert len({unicodedata.normalize("NFKC", label) for label in labels}) == len(labels)
    self_attributes: set[str] = set()
    for cls in classes:  # each class (the model's, each block's) assigns each attribute once
        assigned = [
            target.attr
            for node in ast.walk(cls)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Attribute) and dotted(target.value) == "self"
        ]
        assert len(set(assigned)) == len(assigned), f"an attribute is assigned twice: {assigned}"
        self_attributes |= set(assigned)
    callees = KERAS_CALLS | OWN_CALLS | class_names | {f"{c}()" for c in class_names}
    callees |= {f"self.{a}" for a in self_attributes} | {f"self.{a}.build" for a in self_attributes}
    identifiers: set[str] = set()

    for node in ast.walk(tree):
        assert isinstance(node, NODES), f"{type(node).__name__} in\n{code}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            assert ast.unparse(node) in IMPORTS[imports], ast.unparse(node)
        elif isinstance(node, ast.Call):
            assert dotted(node.func) in callees, ast.unparse(node)
        elif isinstance(node, ast.Name):
            identifiers.add(node.id)
            if isinstance(node.ctx, ast.Store):
                assert node.id not in PROTECTED | class_names, f"{node.id} is assigned"
            assert node.id in VOCABULARY | labels | class_names or GENERATED_NAME.fullmatch(
                node.id
            ), node.id
        elif isinstance(node, ast.Attribute):
            identifiers.add(node.attr)
            assert node.attr in ATTRIBUTES | self_attributes, node.attr
        elif isinstance(node, ast.keyword):
            assert node.arg is None or node.arg in PARAMETERS | {"inputs", "outputs", "package"}
        elif isinstance(node, ast.FunctionDef):
            assert node.name in FUNCTIONS, node.name
        elif isinstance(node, ast.arg):
            identifiers.add(node.arg)
        elif isinstance(node, ast.Constant):
            assert node.value is None or isinstance(node.value, str | int | float | bool)
    for attribute in self_attributes:  # a label, `<label>_layer[_n]`, or a made name
        made = re.fullmatch(r"(.+)_layer(_\d+)?", attribute)
        assert (
            attribute in labels
            or (made and made.group(1) in labels)
            or GENERATED_NAME.fullmatch(attribute)
        ), attribute
    assert [i for i in tree.body if isinstance(i, ast.Import | ast.ImportFrom)] == [
        i for i in ast.walk(tree) if isinstance(i, ast.Import | ast.ImportFrom)
    ]  # imports only at the top

    values, names = spec_strings(graph)
    keywords = {k.lower() for e in ENTRIES for k in (e.keyword, *e.aliases)}
    for value in values - labels - {graph.name}:
        if value.lower() not in keywords:  # `bidirectional lstm`: the word names a layer
            assert value not in identifiers, f"spec string {value!r} became a name"
    constants = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    for name in names:
        assert name in constants, f"name={name!r} is not a string constant in the code"
    docstring = ast.get_docstring(tree, clean=False)
    source = Path(graph.spec.filename).name
    assert docstring in (
        f"Keras model {graph.name}: {STYLES[style].title}.\n\n"
        f"Generated by modelgen{origin}. Edit the spec and regenerate.\n"
        for origin in ("", f" from {source}")
    ), docstring
    if source in docstring:  # only a plain file name: no quote, backslash or control
        assert source.isprintable() and not {'"', "'", "\\"} & set(source), source


def check_all_styles(graph: ModelGraph, imports: str = "keras") -> int:
    """Every style that can express `graph`, checked; how many."""
    checked = 0
    for result in generate_all(graph, imports):
        if result.code is not None:
            check_module(result.code, graph, result.style.name, imports)
            checked += 1
    return checked


def expressible(graph: ModelGraph) -> list[str]:
    """The styles that can express `graph`; every model has at least two (functional, subclass)."""
    styles = [name for name, style in STYLES.items() if style.refusal(graph) is None]
    assert {"functional", "subclass"} <= set(styles), styles
    return styles


@pytest.mark.parametrize("spec", example_specs(), ids=lambda p: p.stem)
def test_examples_in_every_style_flavour_and_with_weights(spec: Path) -> None:
    graph = load(spec.read_text(encoding="utf-8"), spec.name)
    styles = expressible(graph)
    for imports in IMPORT_FLAVOURS:
        assert check_all_styles(graph, imports) == len(styles)
    for style in styles:
        code = generate(graph, style, loads_weights=True)
        assert "model.load_weights(weights)" in code
        check_module(code, graph, style, "keras")


@pytest.mark.parametrize("family", MODULES)
def test_catalogue_cases(family: str) -> None:
    specs = [spec for name, spec in ACCEPTED if name == family]
    assert specs
    for spec in specs:
        graph = load(spec, f"{family}.mg")
        assert check_all_styles(graph) == len(expressible(graph)), spec


# ------------------------------------------------------------------------- hostile specs


@dataclass(frozen=True)
class Hostile:
    id: str
    spec: str
    filename: str = "hostile.mg"
    refused: str | None = None  # a piece of the message, when modelgen must refuse it


LONG = "y" * 9_000
HOSTILE = [
    Hostile(
        "triple quotes in name",
        'input 3 | dense 2 name="a\\"\\"\\"b"',
        refused="TensorFlow refuses",
    ),
    Hostile(
        "single quotes in name", "input 3 | dense 2 name='\\'\\'\\'x'", refused="TensorFlow refuses"
    ),
    Hostile(
        "newline escape in name",
        "input 3 | dense 2 name=\"x\\n__import__('os')\\n\"",
        refused="TensorFlow refuses",
    ),
    Hostile(
        "code in name",
        "input 3 | dense 2 name=\"__import__('os').system('x')\"",
        refused="TensorFlow refuses",
    ),
    Hostile(
        "closing the call",
        'input 3 | dense 2 name="x\\")(os.system(\\"x\\")#"',
        refused="TensorFlow refuses",
    ),
    Hostile("backslashes", 'input 3 | dense 2 name="\\\\\\\\"', refused="TensorFlow refuses"),
    Hostile("trailing backslash", 'input 3 | dense 2 name="x\\\\"', refused="TensorFlow refuses"),
    Hostile("NUL", 'input 3 | dense 2 name="\\x00"', refused="TensorFlow refuses"),
    Hostile(
        "carriage return and separators",
        'input 3 | dense 2 name="a\\rb\\u2028c\\x85"',
        refused="TensorFlow refuses",
    ),
    Hostile(
        "right-to-left override",
        'input 3 | dense 2 name="\\u202e)x(metsys"',
        refused="TensorFlow refuses",
    ),
    Hostile("lone surrogate", 'input 3 | dense 2 name="\\ud800"', refused="ud800"),
    Hostile(
        "jinja in name",
        'input 3 | dense 2 name="{{ view }}{% raw %}{#"',
        refused="TensorFlow refuses",
    ),
    Hostile("long name", f'input 3 | dense 2 name="{LONG}"'),
    Hostile(
        "label name kept as a string",
        'input 3 | hidden: dense 2 name="hidden\\"]"',
        refused="TensorFlow refuses",
    ),
    Hostile("word that is a builtin", "input 3 | dense 2 name=exec"),
    Hostile(
        "name= on the input", 'input 3 name="in\\"put" | dense 2', refused="TensorFlow refuses"
    ),
    Hostile(
        "name= inside a wrapper",
        'input 4x3 | bidirectional lstm 2 name="in\\"ner" | dense 1',
        refused="TensorFlow refuses",
    ),
    Hostile("labels that look like code", "input 3 | print: dense 2 | exec: dense 2"),
    Hostile("labels like the module's own", "input 3 | kwargs: dense 2 | super: dense 2"),
    Hostile("labels like attributes", "input 3 | output: dense 2 | call: dense 2"),
    Hostile("labels like the class", "model my_net\ninput 3 | MyNet: dense 2"),
    Hostile("x and inputs as labels", "inputs: input 3 | x: dense 2 | output_1: dense 2"),
    Hostile("keyword label", "input 3 | class: dense 2", refused="is a Python keyword"),
    Hostile("dunder label", "input 3 | __import__: dense 2", refused="starts with '__'"),
    Hostile("reserved label", "input 3 | keras: dense 2", refused="would shadow"),
    Hostile("weights label", "input 3 | weights: dense 2", refused="would shadow"),
    Hostile(
        "full-width keras", "input 3 | ｋｅｒａｓ: dense 2", refused="read by Python as 'keras'"
    ),
    Hostile("full-width self", "input 3 | ｓｅｌｆ: dense 2", refused="read by Python as 'self'"),
    Hostile("full-width keyword", "input 3 | ｉｍｐｏｒｔ: dense 2", refused="as 'import'"),
    Hostile("ligature fi", "input 3 | ﬁ: dense 2 | fi: dense 2", refused="read by Python as 'fi'"),
    Hostile("roman numeral", "input 3 | Ⅸ: dense 2", refused="read by Python as 'IX'"),
    Hostile("decomposed accent", "input 3 | cafe\u0301: dense 2", refused="unexpected character"),
    Hostile(
        "NFKC label collision with attribute", "input 3 | ｏｕｔｐｕｔ: dense 2", refused="NFKC"
    ),
    Hostile("model name keyword", "model import\ninput 3 | dense 2", refused="Python keyword"),
    Hostile("model name dunder", "model __builtins__\ninput 3 | dense 2", refused="'__'"),
    Hostile("model name reserved", "model build_model\ninput 3 | dense 2", refused="shadow"),
    Hostile("model name full-width", "model ｂｕｉｌｄ_model\ninput 3 | dense 2", refused="NFKC"),
    Hostile("model named Sequential", "model Sequential\ninput 3 | dense 2"),
    Hostile("model named like a layer", "model Dense\ninput 3 | dense 2 | Dense_1: dense 2"),
    Hostile(
        "unicode model name", "model réseau_ü\ninput 3 | dense 2", refused="TensorFlow refuses"
    ),
    Hostile("quote in a choice", "input 3 | dense 2 activation='relu\"'", refused="activation"),
    Hostile(
        "code in a padding",
        "input 4x4x1 | conv2d 2 3x3 padding=\"same') + __import__('os').system('x') + ('\"",
        refused="padding",
    ),
    Hostile("code in a dtype", 'input 3 dtype="float32\\nimport os" | dense 2', refused="dtype"),
    Hostile(
        "code as an initializer",
        "input 3 | dense 2 kernel_initializer=__import__(os)",
        refused="unknown initializer '__import__'",
    ),
    Hostile(
        "code in a setting",
        'input 3 | dense 2 kernel_initializer=he_normal(seed="1)")',
        refused="seed",
    ),
    Hostile("100,000 characters", f'input 3 | dense 2 name="{"z" * 100_000}"', refused="long"),
    Hostile("a bare unterminated string", 'input 3 | dense 2 name="abc', refused="unexpected"),
    Hostile("huge float", "input 3 | add_constant 1e308 | dense 2"),
    Hostile("triple-quoted file name", "input 3 | dense 2", filename='a"""b.mg'),
    Hostile("file name with code", "input 3 | dense 2", filename="x\n__import__('os')\n.mg"),
    Hostile("file name with backslash", "input 3 | dense 2", filename="dir\\x.mg"),
    Hostile("file name with quotes in a folder", "input 3 | dense 2", filename='/"""/x.mg'),
    Hostile("file name with NUL", "input 3 | dense 2", filename="x\x00.mg"),
    Hostile("file name ligature", "input 3 | dense 2", filename="ﬁle.mg"),
    Hostile("file name superscript", "input 3 | dense 2", filename="a².mg"),
    Hostile("file name full-width keras", "input 3 | dense 2", filename="ｋｅｒａｓ.mg"),
    Hostile("long file name", "input 3 | dense 2", filename="m" * 300 + ".mg"),
]


@pytest.mark.parametrize("case", HOSTILE, ids=[case.id for case in HOSTILE])
def test_hostile_specs_are_refused_or_generate_safe_code(case: Hostile) -> None:
    try:
        graph = load(case.spec, case.filename)
    except SpecError as error:
        assert case.refused is not None, error.format()
        assert error.diagnostics and all(
            d.span.line >= 1 and d.span.column >= 1 for d in error.diagnostics
        )
        assert case.refused in error.format(), error.format()
        return
    assert case.refused is None, f"accepted, expected a refusal with {case.refused!r}"
    assert graph.name.isidentifier()
    styles = expressible(graph)
    for imports in IMPORT_FLAVOURS:
        assert check_all_styles(graph, imports) == len(styles)
    for style in styles:
        check_module(generate(graph, style, loads_weights=True), graph, style, "keras")


def test_the_checks_catch_code_pasted_from_a_spec() -> None:
    """The checker itself: a module with the spec's text pasted in is caught."""
    graph = load('input 3 | dense 2 name="pwned"', "hostile.mg")
    code = generate(graph, "functional")
    for pasted in (
        code.replace('name="pwned"', "name=pwned"),
        code.replace('name="pwned"', "name=__import__('os').system('x')"),
        code.replace('name="pwned"', 'name="a" + "b"'),
        code.replace("import keras\n", "import keras\nimport os\n"),
        code.replace('"""Keras model', '"""Keras model pwned'),
    ):
        with pytest.raises(AssertionError):
            check_module(pasted, graph, "functional", "keras")
    check_module(code, graph, "functional", "keras")


@pytest.mark.parametrize(
    ("keras_name", "label"),
    [
        ("ﬁ", "fi"),
        ("a²", "a2"),
        ("ｋｅｒａｓ", "keras_layer"),
        ("my-dense 1", "my_dense_1"),
        ("2x", "layer_2x"),
    ],
)
def test_imported_layer_names_become_labels_as_python_reads_them(keras_name, label) -> None:
    from modelgen.importer.dsl_text import label_for

    assert label_for(keras_name, set()) == label
    spec = f'input 3 | {label}: dense 2 name="{keras_name}"'
    if layer_name_problem(keras_name) is not None:  # TensorFlow cannot fit a layer so named
        with pytest.raises(SpecError, match="TensorFlow refuses"):
            load(spec, "imported.mg")
        return
    check_all_styles(load(spec, "imported.mg"))
