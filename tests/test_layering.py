"""The module graph: stages import downward, and no module reaches back.

Every import counts, at the top of a module, inside a function or under
`TYPE_CHECKING`: an import placed in a function to dodge a cycle is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "modelgen"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The modelgen modules `name` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            # `from . import catalogue` imports the module catalogue, not a name in modelgen
            found.update(f"{module}.{a.name}" for a in node.names)
    # Importing `modelgen.catalogue.rules` from outside the catalogue runs the package's
    # __init__ first: that is an edge too.
    for module in list(found):
        parent = module.rpartition(".")[0]
        if parent in MODULES and not name.startswith(parent + ".") and name != parent:
            found.add(parent)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return components


def test_the_module_graph_has_no_cycle():
    assert _cycles() == []


def test_the_bottom_modules_import_nothing_of_modelgen_above_them():
    # ir, identifiers and lines are data and rules every stage shares; errors knows
    # spans and lines only
    for bottom in ("modelgen.identifiers", "modelgen.ir", "modelgen.lines"):
        assert GRAPH[bottom] == set(), bottom
    assert GRAPH["modelgen.errors"] == {"modelgen.ir", "modelgen.lines"}


def test_the_catalogue_imports_only_the_data_below_it():
    # The catalogue is data the stages read: it may use the value types, the argument
    # types, errors and the name rules, and its own modules; no stage, no job, no CLI.
    below = {
        "modelgen",
        "modelgen.argtypes",
        "modelgen.errors",
        "modelgen.identifiers",
        "modelgen.ir",
        "modelgen.lines",
    }
    for name, imported in GRAPH.items():
        if name.startswith("modelgen.catalogue"):
            outside = {m for m in imported if not m.startswith("modelgen.catalogue")}
            assert outside <= below, (name, outside - below)
