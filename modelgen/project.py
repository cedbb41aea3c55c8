"""`modelgen init`: a training project around a spec, baked from a cookiecutter template.

    path = init_project(Path("digits"), preset="mlp", style="functional", no_input=True)

The template is `templates/project` (shipped as `modelgen.templates/project`) and works
with plain `cookiecutter` too, because the work it needs from modelgen is here:

* `TemplateExtension`, named by the template's `_extensions`, resolves the model
  answer (a preset name or a spec path) to an absolute path while cookiecutter still
  runs in the user's folder, and gives the templates `modelgen_version`;
* the pre_gen_project hook calls `check_answers`: a bad spec, or a style that cannot
  express the model, is reported as `modelgen new` reports it, before anything is written;
* the post_gen_project hook calls `write_model`: model.mg (the spec, byte for byte)
  and model.py (what `modelgen new model.mg --style STYLE` prints);
* the baked data.py calls `model_arrays` to learn the arrays the model reads and writes.

Only `init_project` imports cookiecutter.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension

from .errors import ModelgenError, UsageError, format_error, suggest
from .generate import check_expressible, generate, load, load_file
from .graph import LayerNode
from .reading import read_spec_file
from .styles import STYLES
from .summary import keras_names
from .writing import signals_held, write_files

SPEC_NAME = "model.mg"  # the spec's name in a baked project; model.py's docstring names it
DEFAULT_PRESET = "mlp"


def presets() -> dict[str, Path]:
    """The specs `--preset` offers, by name: modelgen/presets/NAME.mg."""
    folder = resources.files("modelgen").joinpath("presets")
    return {
        entry.name.removesuffix(".mg"): Path(str(entry))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".mg")
    }


def template_folder() -> Path:
    return Path(str(resources.files("modelgen.templates").joinpath("project")))


def spec_path(model: str) -> str:
    """The spec file a model answer names: a preset's file, or the path made absolute."""
    known = presets()
    if model in known:
        return str(known[model])
    return os.path.abspath(os.path.expanduser(model))


class TemplateExtension(Extension):
    """The Jinja filter and global that templates/project/cookiecutter.json uses."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["modelgen_spec_path"] = spec_path
        environment.globals["modelgen_version"] = metadata.version("modelgen")


def check_answers(model: str, path: str, style: str) -> int:
    """The pre_gen_project hook: 0 when the project can be baked, else 2, saying why on stderr."""

    def check() -> None:
        known = presets()
        if Path(path) == known.get(model):
            graph = load_file(path, f"<preset {model}>")  # not a file of the user's: like <expr>
        elif Path(path).is_file():
            graph = load_file(path, model)
        else:
            hint = suggest(model, known)
            raise UsageError(
                f"{model}: neither a preset ({', '.join(known)}) nor a spec file"
                + (f"; {hint}" if hint else "")
            )
        check_expressible(graph, STYLES[style])

    return _hook(check)


def write_model(path: str, style: str, imports: str, folder: Path = Path(".")) -> int:
    """The post_gen_project hook: write model.mg (the spec as it is) and model.py into `folder`."""

    def write() -> None:
        text = read_spec_file(path, SPEC_NAME)  # as it is: its BOM and line ends kept
        code = generate(load(text, SPEC_NAME), style, imports)
        write_files({folder / SPEC_NAME: text, folder / "model.py": code})

    return _hook(write)


def _hook(action: Callable[[], None]) -> int:
    """Run a hook's work and report failures as the modelgen command does, without a traceback."""
    try:
        action()
    except ModelgenError as error:
        print(format_error(error), file=sys.stderr)
        return 2
    return 0


def init_project(
    directory: Path | None = None,
    *,
    spec: Path | None = None,
    preset: str | None = None,
    style: str = "functional",
    imports: str = "keras",
    no_input: bool = False,
) -> Path:
    """Bake templates/project into `directory` (default: a folder named after the project).

    The model is `spec` (a file, copied in as model.mg) or `preset` (default: mlp). It
    is validated for `style` first, so a bad spec raises `SpecError` and nothing is
    written; an existing `directory` is refused. Without `no_input`, cookiecutter asks
    for every answer, with these as the defaults. Returns the project's folder.
    """
    if spec is not None and preset is not None:
        raise UsageError("give --spec FILE or --preset NAME, not both")
    if spec is not None:
        path = model = os.path.abspath(spec)
        display = str(spec)
    else:
        model = preset or DEFAULT_PRESET
        if model not in presets():
            hint = suggest(model, presets())
            raise UsageError(
                f"unknown preset {model!r}: the presets are {', '.join(presets())}"
                + (f"; {hint}" if hint else "")
            )
        path, display = str(presets()[model]), f"<preset {model}>"
    if directory is not None:
        if directory.exists():
            raise UsageError(
                f"{directory}: already exists; modelgen init only creates a new folder"
            )
        if not directory.absolute().parent.is_dir():
            raise UsageError(
                f"{directory}: the folder {directory.absolute().parent} does not exist"
            )
    graph = load_file(path, display)
    check_expressible(graph, STYLES[style])

    # A spec goes in as an absolute path: the hooks run in the new project's folder.
    answers = {"project_name": graph.name, "model": model, "style": style, "imports": imports}
    output = Path.cwd()
    if directory is not None:
        answers["project_name"] = answers["__folder"] = directory.absolute().name
        output = directory.absolute().parent
    return _bake(answers, output, no_input)


def _bake(answers: dict[str, str], output: Path, no_input: bool) -> Path:
    """Bake the project in a hidden folder beside its place, then move it in whole.

    An error, Ctrl-C, SIGTERM or SIGHUP at any point leaves no half-baked project (a
    rerun would find it and refuse): the hidden folder is removed, and the project's
    own name is only taken, with `mkdir` (which fails if anything has it), once the
    project is complete. A folder that existed before is never touched.
    """
    import tempfile

    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.main import cookiecutter

    # cookiecutter logs a failed hook with its traceback; the hook has already said why.
    logging.getLogger("cookiecutter").addHandler(logging.NullHandler())
    try:
        staging = Path(tempfile.mkdtemp(prefix=".modelgen-init-", dir=output))
    except OSError as error:
        raise UsageError(f"{output}: cannot write the project: {error.strerror}") from None
    claimed: Path | None = None  # the project's folder, once this process has made it
    done = False
    try:
        try:
            baked = Path(
                cookiecutter(
                    str(template_folder()),
                    no_input=no_input,
                    extra_context=answers,
                    output_dir=str(staging),
                )
            )
        except FailedHookException:
            raise UsageError(
                "the project template refused these answers; nothing was written"
            ) from None
        except (CookiecutterException, ValueError) as error:
            raise UsageError(f"the project template failed: {error}") from None
        except OSError as error:
            raise UsageError(
                f"cannot write the project: {error.strerror or error}; nothing was written"
            ) from None
        # pip compiles an installed template's .py files; their caches are not the project's
        for cache in sorted(baked.rglob("__pycache__"), reverse=True):
            _remove_tree(cache)
        project = output / baked.name
        try:
            with signals_held():
                project.mkdir()
                claimed = project
        except FileExistsError:
            raise UsageError(
                f"{_shown(project)}: already exists; modelgen init only creates a new folder"
            ) from None
        except OSError as error:
            raise UsageError(f"{_shown(project)}: cannot write: {error.strerror}") from None
        os.replace(baked, project)  # over the empty folder just made: the project appears whole
        done = True
        return project
    finally:
        with signals_held():
            if claimed is not None and not done:
                _remove_tree(claimed)
            _remove_tree(staging)


def _remove_tree(folder: Path) -> None:
    """Remove a folder this process made; a hook still running in it (the command got
    SIGTERM, the hook did not) may add a file while it goes, so try again."""
    import shutil
    import time

    for _ in range(100):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder):
            return
        time.sleep(0.05)


def _shown(folder: Path) -> Path:
    return folder.relative_to(Path.cwd()) if folder.is_relative_to(Path.cwd()) else folder


# ----------------------------------------------------------------- the baked data.py


@dataclass(frozen=True)
class Array:
    """One array the model reads or writes: what the baked data.py makes or loads.

    `kind`: an input holds "features" (floats) or "ids" (integers in [0, high), e.g. an
    Embedding's vocabulary); an output is "classes" (softmax over the last axis, `high`
    of them), "binary" (sigmoid: 0 or 1) or "values" (regression).
    """

    name: str  # the Keras layer name, and the array's key in a .npz file
    shape: tuple[int | None, ...]  # without the batch axis; None where any size goes
    dtype: str
    kind: str
    high: int = 0


def model_arrays(spec: str | Path) -> tuple[list[Array], list[Array]]:
    """The model's inputs and outputs, in order, as the spec file declares them."""
    path = Path(spec)
    graph = load_file(path, path.name)
    names = keras_names(graph)
    readers = graph.consumers()
    inputs = []
    for index in graph.inputs:
        node = graph.nodes[index]
        dtype = str(_value(node, "dtype") or "float32")
        bounds = (  # the layers that read ids (an Embedding's input_dim bounds them)
            _value(graph.nodes[r], graph.nodes[r].entry.ids_below)
            for r in readers[index]
            if graph.nodes[r].entry.ids_below
        )
        vocabularies = [bound for bound in bounds if isinstance(bound, int)]
        ids = dtype.startswith(("int", "uint"))
        inputs.append(
            Array(
                names[index],
                graph.facts[index].output_shape[1:],
                dtype,
                "ids" if ids else "features",
                min(vocabularies, default=2) if ids else 0,
            )
        )
    outputs = []
    for index in graph.outputs:
        shape = graph.facts[index].output_shape[1:]
        activation = _final_activation(graph.nodes[index], len(shape) + 1)
        kind = {"softmax": "classes", "sigmoid": "binary"}.get(str(activation), "values")
        if kind == "classes" and not (shape and shape[-1]):  # no known number of classes
            kind = "values"
        classes = (shape[-1] or 0) if kind == "classes" else 0  # known, as checked above
        outputs.append(Array(names[index], shape, "float32", kind, classes))
    return inputs, outputs


def _value(node: LayerNode, name: str) -> object:
    argument = node.argument(name)
    return argument.value if argument is not None else None


def _final_activation(node: LayerNode, rank: int) -> object:
    if node.entry.applies_activation is not None:  # Softmax: classes only over the last axis
        activation, axis = node.entry.applies_activation
        return activation if _value(node, axis) in (None, -1, rank - 1) else None
    inner = node.wrapped
    if inner is not None:
        wrapped = next((a.value for a in inner.arguments if a.name == "activation"), None)
        if wrapped is not None:
            return wrapped
    return _value(node, "activation")
