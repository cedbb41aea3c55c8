"""The `modelgen` command: a thin shell over the library.

Every user mistake ends in a positioned message on stderr and exit code 2, never
a traceback. TensorFlow is imported only by `check`, by `import`/`convert` of a `.py`
file (in the subprocess that runs it) and by `convert --weights`.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from . import reading
from .catalogue.describe import describe, layer_table
from .checking import check_files
from .errors import ModelgenError, SpecError, UsageError, format_diagnostics, format_error, visible
from .generate import generate, generate_all, load, load_file
from .graph import ModelGraph
from .parser import EXPR_FILENAME, STDIN_FILENAME
from .render import IMPORT_FLAVOURS
from .styles import STYLES
from .summary import summarize
from .writing import Content, FromFile, check_target, write_files

if TYPE_CHECKING:  # the importer is loaded by the commands that read a Keras model
    from .importer import ImportedSpec

ALL = "all"
# modelgen.plot's RANKDIRS and DPI_RANGE (a test holds them equal): importing it here
# would load graphviz on every command.
PLOT_RANKDIRS = ("TB", "LR", "BT", "RL")
PLOT_DPI_RANGE = (36, 600)


def _read_spec(spec: str | None, expression: str | None, models: bool = False) -> ModelGraph:
    """The model SPEC names (a file, '-' for stdin) or -e TEXT gives, read by modelgen.reading.

    `models`: a Keras model file (.keras, .json, .py) is imported as `import` reads it;
    otherwise it is refused in one line that names the commands that read it.
    """
    if expression is not None:
        if spec is not None:
            raise UsageError("give a SPEC file or -e TEXT, not both")
        return load(reading.spec_from_argument(expression, EXPR_FILENAME), EXPR_FILENAME)
    if spec is None:
        raise UsageError("missing SPEC: give a spec file, '-' for stdin, or -e TEXT")
    if spec == "-":
        stdin = click.get_binary_stream("stdin")
        return load(reading.read_spec_stream(stdin, STDIN_FILENAME), STDIN_FILENAME)
    if models and reading.is_model_file(spec):
        from .pyrunner import DEFAULT_TIMEOUT  # the importer loads it too, only for model files

        return _import(spec, DEFAULT_TIMEOUT)[1]
    return load_file(spec)


# ------------------------------------------------ what several commands take, declared once

Command = TypeVar("Command", bound=Callable[..., Any])

spec_argument = click.argument("spec", required=False)
expression_option = click.option(
    "-e", "--expr", "expression", metavar="TEXT", help="Read the spec from TEXT instead of a file."
)


def output_option(
    help: str = "File to write ('-' or none: stdout).",
) -> Callable[[Command], Command]:
    return click.option("-o", "--output", metavar="PATH", help=help)


def force_option(
    help: str = "Overwrite a file that already exists.",
) -> Callable[[Command], Command]:
    return click.option("--force", is_flag=True, help=help)


def imports_option(help: str | None = None) -> Callable[[Command], Command]:
    return click.option(
        "--imports",
        type=click.Choice(IMPORT_FLAVOURS),
        default="keras",
        show_default=True,
        help=help,
    )


def style_option(help: str, *more: str) -> Callable[[Command], Command]:
    """-s/--style: a style of the registry (or one of `more`), functional by default."""
    return click.option(
        "-s",
        "--style",
        type=click.Choice([*STYLES, *more]),
        default="functional",
        show_default=True,
        help=help,
    )


_RUNS_PYTHON = (
    "A .py SOURCE is EXECUTED as Python code, with your rights, as `python SOURCE` would "
    "run it (its folder first on sys.path), in a subprocess that is killed with everything "
    "it started when it ends, times out or prints more than 16 MiB: import only files you trust."
)
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300,  # pyrunner.DEFAULT_TIMEOUT (a test holds them equal), not imported here
    show_default=True,
    metavar="SECONDS",
    help="How long a .py SOURCE may take to build its model.",
)


# --------------------------------------------------------------------------- commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="modelgen")
def cli() -> None:
    """Describe a neural network once; get the same Keras model in all four styles."""


@cli.command()
@spec_argument
@expression_option
@style_option("Which Keras style to write; 'all' writes one file per style.", ALL)
@output_option(
    "File to write ('-' for stdout), or a folder (one that exists, or PATH/) to write"
    " NAME_STYLE.py in. With --style all, the folder for the files."
)
@force_option("Overwrite files that already exist.")
@imports_option("'tensorflow' writes 'from tensorflow import keras' as older tutorials do.")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 if the -o file(s) differ from what SPEC generates, as black --check.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print how each file would change; writes nothing (implies --check).",
)
def new(
    spec: str | None,
    expression: str | None,
    style: str,
    output: str | None,
    force: bool,
    imports: str,
    check_only: bool,
    diff: bool,
) -> None:
    """Generate Keras code from SPEC (a file, or '-' for stdin)."""
    graph = _read_spec(spec, expression)
    check_only = check_only or diff  # as black's --diff, it writes nothing
    if check_only and (output == "-" or (output is None and style != ALL)):
        raise UsageError("--check compares files on disk: give -o the generated file (or folder)")
    folder: Path | None
    if style == ALL:
        folder = every_style = _all_folder(output)
        files = _all_files(graph, every_style, imports)
    else:
        code = generate(graph, style, imports)
        if output is None or output == "-":
            click.echo(code, nl=False)
            return
        folder = _output_folder(output)
        name = STYLES[style].file_name(graph.name)
        files = {folder / name if folder is not None else Path(output): code}
    if check_only:
        sys.exit(_check(files, diff))
    write_files(files, force, folder=folder)
    for path in files:
        click.echo(f"wrote {visible(str(path))}", err=True)  # a file name may hold an escape


def _output_folder(output: str) -> Path | None:
    """The folder `-o` names, or None for a file: an existing folder, or a path ending in
    a slash, which is a folder to make (as --style all makes it) and never a file name."""
    _not_empty(output)
    path = Path(output)
    if path.is_dir():
        return path
    if not _ends_in_slash(output):
        return None
    if os.path.lexists(path):
        raise UsageError(f"{output}: is not a folder (a path ending in '/' names a folder)")
    return path


def _not_empty(output: str) -> None:
    """An empty -o (`-o "$OUT"` with OUT unset) is a mistake: Path('') is the current
    folder, which would take the files silently."""
    if not output:
        raise UsageError("-o: an empty path; give a file or folder name ('-' for stdout)")


def _ends_in_slash(output: str) -> bool:
    return output.endswith(tuple(s for s in (os.sep, os.altsep) if s))


def _all_folder(output: str | None) -> Path:
    """--style all's folder: -o (default: the current folder)."""
    if output == "-":
        raise UsageError("--style all writes several files: give -o a folder, not '-'")
    if output is not None:
        _not_empty(output)
    folder = Path(output or ".")
    if os.path.lexists(folder) and not folder.is_dir():
        raise UsageError(f"{output}: is not a folder (--style all writes one file per style)")
    return folder


def _all_files(graph: ModelGraph, folder: Path, imports: str) -> dict[Path, str]:
    """--style all: one file per style that can express the model; notes for the rest."""
    files = {}
    for result in generate_all(graph, imports):
        if result.skipped is not None:
            click.echo(
                format_diagnostics(graph.spec.filename, graph.spec.source, [result.skipped]),
                err=True,
            )
            continue
        assert result.code is not None
        files[folder / result.style.file_name(graph.name)] = result.code
    return files


def _check(files: dict[Path, str], diff: bool) -> int:
    """--check and --diff: say which files are out of date; 0 if none is, else 1."""
    stale = 0
    existing = False
    for checked in check_files(files):
        if checked.up_to_date:
            continue
        stale += 1
        existing = existing or checked.on_disk is not None
        verb = "write" if checked.on_disk is None else "regenerate"
        click.echo(f"would {verb} {visible(str(checked.path))}", err=True)
        if diff:
            click.echo(checked.diff(), nl=False)
    if stale:
        click.echo(
            f"{stale} file{'s' if stale > 1 else ''} out of date with the spec: "
            f"run {visible(_rerun_without_check(force=existing))}",
            err=True,
        )
        return 1
    click.echo(
        f"{len(files)} file{'s' if len(files) > 1 else ''} up to date with the spec", err=True
    )
    return 0


def _rerun_without_check(force: bool) -> str:
    """The command being run, as typed, less --check and --diff, with --force if `force`:
    the one that brings the files up to date."""
    import shlex

    context = click.get_current_context()
    words = ["modelgen", context.info_name or "new"]
    for parameter in context.command.params:
        name = parameter.name or ""
        value = context.params.get(name)
        typed = context.get_parameter_source(name) is not ParameterSource.DEFAULT
        if name in ("check_only", "diff") or not typed or value is None:
            continue
        if isinstance(parameter, click.Argument):
            words.append(str(value))
        elif isinstance(parameter, click.Option) and parameter.is_flag:
            words.append(parameter.opts[0])
        else:
            words += [parameter.opts[0], str(value)]
    if force and "--force" not in words:
        words.append("--force")
    return shlex.join(words)


@cli.command()
@spec_argument
@expression_option
@imports_option()
def check(spec: str | None, expression: str | None, imports: str) -> None:
    """Build every style of SPEC in Keras, compare them, fit each on one batch (needs TensorFlow).

    Exits 0 when every style builds the same model and fits, 1 when any differ. SPEC may
    also be a Keras model, read as `modelgen import` reads it: a .keras or .json
    file, or a .py file, which is EXECUTED as Python code.
    """
    graph = _read_spec(spec, expression, models=True)
    try:
        from . import verify
    except ImportError as error:
        raise UsageError(
            f"modelgen check builds the models in Keras, which is not installed ({error.name}): "
            "pip install 'modelgen[verify]'"
        ) from None
    report = verify.check_graph(graph, imports)
    click.echo(report.table())
    sys.exit(0 if report.ok else 1)


@cli.command()
@spec_argument
@expression_option
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="'json' gives the same facts for tools.",
)
@click.option(
    "--expand",
    is_flag=True,
    help="Under each block's row, its layers' rows (nested blocks' too), as Keras' "
    "summary(expand_nested=True) shows a nested model; json: a block's row holds them as 'layers'.",
)
def summary(spec: str | None, expression: str | None, output_format: str, expand: bool) -> None:
    """Print the Keras summary of SPEC's functional model, without TensorFlow.

    Layer names, output shapes, parameter counts and sizes are computed in pure
    Python, exactly as Keras' model.summary() reports them. SPEC may also be a
    Keras model, read as `modelgen import` reads it: a .keras or .json file, or a
    .py file, which is EXECUTED as Python code (and so imports TensorFlow).
    """
    result = summarize(_read_spec(spec, expression, models=True), expand=expand)
    click.echo(result.table() if output_format == "table" else result.json(), nl=False)


@cli.command(name="import", epilog=_RUNS_PYTHON)
@click.argument("source")
@output_option("Spec file to write ('-' or none: stdout).")
@force_option()
@timeout_option
def import_model(source: str, output: str | None, force: bool, timeout: float) -> None:
    """Write the spec of an existing Keras model.

    SOURCE is a .keras file or a model.to_json() file (read without TensorFlow), or a
    Python file defining build_model() or a module-level model, which is EXECUTED.
    """
    imported, _ = _import(source, timeout)
    _emit(imported.text, output, force)


@cli.command(epilog=_RUNS_PYTHON)
@click.argument("source")
@click.option(
    "--to", "style", type=click.Choice(list(STYLES)), required=True, help="The style to write."
)
@output_option()
@force_option()
@imports_option()
@click.option(
    "--weights",
    is_flag=True,
    help="Also write the model's weights as PATH's .weights.h5, which build_model(weights=...) loads.",
)
@timeout_option
def convert(
    source: str,
    style: str,
    output: str | None,
    force: bool,
    imports: str,
    weights: bool,
    timeout: float,
) -> None:
    """Rewrite an existing Keras model (.keras, .json or .py, which is EXECUTED) in another style."""
    import tempfile

    if weights and (output is None or output == "-"):
        raise UsageError("--weights writes a .weights.h5 beside the code: give -o PATH")
    if weights and Path(source).suffix not in (".keras", ".py"):
        raise UsageError(
            f"{source}: a JSON config has no weights; convert the .keras file to carry them"
        )
    with tempfile.TemporaryDirectory(prefix="modelgen-convert-") as work:
        # A .py file is run once: the model it builds gives the config and the weights.
        original = Path(work) / "original.keras" if weights and source.endswith(".py") else None
        imported, graph = _import(source, timeout, save_model_as=original)
        try:
            code = generate(graph, style, imports, loads_weights=weights)
        except SpecError as error:
            raise UsageError(f"{source}: {imported.explain(error, '--to')}") from None
        if output is None or not weights:
            _emit(code, output, force)
            return
        from .transfer import save_converted_weights, weights_path

        code_file = _output_file(output)
        target = weights_path(code_file)
        check_target(code_file, force)  # both, before the weights are carried
        check_target(target, force)
        saved = Path(work) / "converted.weights.h5"
        save_converted_weights(str(original or source), code, style, saved, source)
        # The code and its weights go in place together, or neither does.
        files: dict[Path, Content] = {code_file: code, target: FromFile(saved)}
        write_files(files, force)
        click.echo(f"wrote {visible(str(output))} and {visible(str(target))}", err=True)


def _import(
    source: str, timeout: float, save_model_as: Path | None = None
) -> tuple[ImportedSpec, ModelGraph]:
    """The spec of the model in SOURCE (an `ImportedSpec`) and its loaded graph."""
    from .importer import ImportProblem, import_spec, read_config

    config = read_config(source, timeout, save_model_as)
    try:
        imported = import_spec(config)
    except ImportProblem as problem:
        raise ImportProblem(f"{source}: {problem}") from None
    try:
        return imported, load(imported.text, source)
    except SpecError as error:
        raise UsageError(f"{source}: {imported.explain(error)}") from None


@cli.command(name="layers")
@click.argument("layer", required=False)
def list_layers(layer: str | None) -> None:
    """List the layers the DSL knows, or describe one LAYER in full."""
    click.echo(layer_table() if layer is None else describe(layer), nl=False)


@cli.command()
@spec_argument
@expression_option
@output_option("model.svg, model.png or model.dot ('-' or none: the dot text to stdout).")
@force_option()
@click.option(
    "--rankdir",
    type=click.Choice(PLOT_RANKDIRS, case_sensitive=False),
    metavar="|".join(PLOT_RANKDIRS),
    default="TB",
    show_default=True,
    help="Top to bottom, or LR (left to right) for a deep model; BT and RL reverse them.",
)
@click.option(
    "--show-shapes/--hide-shapes", default=True, show_default=True, help="Each output shape."
)
@click.option(
    "--show-params/--hide-params", default=True, show_default=True, help="Each parameter count."
)
@click.option(
    "--show-activations", is_flag=True, help="Each layer's activation (linear when none is given)."
)
@click.option(
    "--show-arguments",
    is_flag=True,
    help="The arguments the spec gives each layer: kernel_size=(3, 3), strides=2, rate=0.5.",
)
@click.option(
    "--expand",
    is_flag=True,
    help="Draw each block's use as a frame around its layers (nested blocks' too), not one box.",
)
@click.option(
    "--dpi",
    type=click.IntRange(*PLOT_DPI_RANGE),
    help="Resolution: a .png is 144 dpi unless given; an .svg is scaled by DPI/72.",
)
def plot(
    spec: str | None,
    expression: str | None,
    output: str | None,
    force: bool,
    rankdir: str,
    dpi: int | None,
    **shown: bool,
) -> None:
    """Draw SPEC's layer graph, without TensorFlow.

    Each layer is a box with its type, name, output shape and parameter count, and
    on request its activation and arguments, as keras.utils.plot_model draws them;
    a block's use is one box with its arguments, or with --expand a frame of its layers.
    .svg and .png are drawn by Graphviz's dot program; .dot needs no Graphviz.
    """
    from .plot import PlotOptions, format_of
    from .plot import plot as draw

    to_stdout = output is None or output == "-"
    # The format before reading the spec: a bad -o is reported first.
    image_format = "dot" if output is None or to_stdout else format_of(_output_file(output))
    options = PlotOptions(rankdir=rankdir.upper(), dpi=dpi, **shown)
    _emit(draw(_read_spec(spec, expression), image_format, options), output, force)


@cli.command()
@spec_argument
@expression_option
@click.option(
    "-f",
    "--format",
    "page_format",
    type=click.Choice(["md", "ipynb", "html"]),
    default="md",
    show_default=True,
    help="A Markdown page, a Jupyter notebook, or one self-contained HTML page.",
)
@output_option()
@force_option()
@imports_option()
def compare(
    spec: str | None,
    expression: str | None,
    page_format: str,
    output: str | None,
    force: bool,
    imports: str,
) -> None:
    """Show every style of SPEC side by side, with its summary and a diagram.

    A style that cannot express the model says why. html and ipynb draw the
    diagram with Graphviz's dot program; md gives the dot text.
    """
    from .compare import compare as page

    _emit(page(_read_spec(spec, expression), page_format, imports), output, force)


def _emit(content: str | bytes, output: str | None, force: bool) -> None:
    """Text to stdout without -o (or with -o -); else the file, written whole or not at all."""
    if output is None or output == "-":
        click.echo(content, nl=False)
        return
    write_files({_output_file(output): content}, force)
    click.echo(f"wrote {visible(output)}", err=True)  # a file name may hold an escape


def _output_file(output: str) -> Path:
    """-o for a command that writes one file: a path ending in a slash names a folder,
    never a file, so it is refused rather than written as a file of that name."""
    _not_empty(output)
    if _ends_in_slash(output):
        raise UsageError(
            f"{output}: names a folder (it ends in '/'); this command writes one file: "
            "give -o a file name"
        )
    return Path(output)


@cli.command()
@click.argument("directory", metavar="[DIR]", required=False)
@click.option("--spec", metavar="FILE", help="The model: a spec file, copied in as model.mg.")
@click.option(
    "--preset", metavar="NAME", help="The model: a preset, mlp, cnn or two_towers (default mlp)."
)
@style_option("The Keras style of model.py.")
@imports_option()
@click.option("--no-input", is_flag=True, help="Ask nothing: use the options and the defaults.")
def init(
    directory: str | None,
    spec: str | None,
    preset: str | None,
    style: str,
    imports: str,
    no_input: bool,
) -> None:
    """Create a project that trains a model: model.mg, model.py, data.py, train.py, tests.

    DIR is the new project's folder, which must not exist (default: the project's
    name, here). The model is checked for the style before anything is written.
    Without --no-input, cookiecutter asks each question, with the options as defaults.
    """
    from .project import init_project  # cookiecutter is imported only here

    folder = init_project(
        Path(directory) if directory else None,
        spec=Path(spec) if spec else None,
        preset=preset,
        style=style,
        imports=imports,
        no_input=no_input,
    )
    relative = folder.relative_to(Path.cwd()) if folder.is_relative_to(Path.cwd()) else folder
    shown = visible(str(relative))  # a folder name may hold an escape
    click.echo(f"wrote {shown}: model.mg, model.py ({style}), data.py, train.py, tests", err=True)
    click.echo(f'next: cd {shown} && pip install -e ".[test]" && python -m pytest', err=True)


# ------------------------------------------------------------------- signals and exits


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised where the program is: like Ctrl-C's KeyboardInterrupt it
    unwinds through every write, which puts its files back, and is not an `Exception`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: FrameType | None) -> None:
    # Once: the unwinding (a write's undo) must not be cut short by the next signal.
    for other in _TERMINATING:
        signal.signal(other, signal.SIG_IGN)
    raise Terminated(signum)


_TERMINATING: list[signal.Signals] = [
    getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)
]
# What signal.signal takes and gives back: a function, SIG_DFL or SIG_IGN, or None.
Handler = Callable[[int, FrameType | None], Any] | int | None


def _on_termination(handler: Handler) -> dict[signal.Signals, Handler]:
    """Set `handler` for SIGTERM and SIGHUP, except where they are ignored (nohup) or
    this is not the main thread; the handlers they had, to put back."""
    previous: dict[signal.Signals, Handler] = {}
    for number in _TERMINATING:
        try:
            if signal.getsignal(number) is signal.SIG_IGN:
                continue
            previous[number] = signal.signal(number, handler)
        except ValueError:  # not the main thread: no handlers can be set
            break
    return previous


def main() -> None:
    previous = _on_termination(_terminate)
    try:
        cli(standalone_mode=False)
    except ModelgenError as error:
        click.echo(format_error(error), err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("modelgen: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:  # click quotes what was typed: show it escaped too
        shown = io.StringIO()
        error.show(file=shown)
        click.echo(visible(shown.getvalue(), multiline=True), err=True, nl=False)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("modelgen: interrupted", err=True)
        sys.exit(130)
    except Terminated as stop:
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            click.echo(f"modelgen: interrupted ({signal.Signals(stop.signum).name})", err=True)
        sys.exit(128 + stop.signum)
    except BrokenPipeError:
        sys.exit(1)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
