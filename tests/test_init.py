"""`modelgen init` and the cookiecutter template it bakes (templates/project).

The baked projects' own tests run here too, one project per style: model.py still
matches model.mg, the data fits the model, and one epoch of training (also with
--strategy mirrored) saves a .keras file that reloads to the same predictions.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from modelgen.generate import generate, load
from modelgen.project import Array, model_arrays, presets, template_folder
from modelgen.render import IMPORT_FLAVOURS
from modelgen.styles import STYLES

from .goldens import EXAMPLES, ROOT

TEMPLATE = ROOT / "templates" / "project"
PROJECT_FILES = sorted(
    [".gitignore", "README.md", "pyproject.toml", "model.mg", "model.py", "data.py", "train.py"]
    + [f"tests/{name}" for name in ("test_data.py", "test_model_code.py", "test_train.py")]
)
BAKED_TESTS = 9  # in the baked project's tests/: all of them must run and pass
BAD_SPEC = "input 28x28\nflatten\ndnse 10 softmax\n"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """cookiecutter's replay and clone folders in a temporary place, not in ~."""
    folder = tmp_path_factory.mktemp("cookiecutter")
    config = folder / "config.yaml"
    config.write_text(f"replay_dir: {folder / 'replay'}\ncookiecutters_dir: {folder / 'cc'}\n")
    return {**os.environ, "COOKIECUTTER_CONFIG": str(config)}


def init(*args, cwd, env, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "modelgen", "init", *map(str, args)],
        cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_presets_are_the_examples():
    examples = {"mlp": "mnist_mlp.mg", "cnn": "small_cnn.mg", "two_towers": "two_towers.mg"}
    assert sorted(presets()) == sorted(examples)
    for name, example in examples.items():
        assert (
            presets()[name].read_bytes()
            == (EXAMPLES / example.removesuffix(".mg") / example).read_bytes()
        ), name


def test_template_questions_follow_the_registries():
    questions = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    # cookiecutter offers the first choice as the default: init's --style default, then
    # the rest of the registry in its order (cookiecutter.json cannot import Python)
    from modelgen.cli import init as command

    default = next(o.default for o in command.params if o.name == "style")
    assert default == "functional"  # as for `modelgen new`
    assert questions["style"] == [default, *(name for name in STYLES if name != default)]
    assert questions["imports"] == list(IMPORT_FLAVOURS)
    assert template_folder().resolve() == TEMPLATE.resolve()
    preset_help = next(o.help for o in command.params if o.name == "preset")
    for name in presets():
        assert name in questions["__prompts__"]["model"] and name in preset_help


# One baked project per style, each with its whole test suite run; the presets are the
# ones each style can express, with the two-input, two-output model where it can go.
BAKES = [
    ("sequential", "mlp", "keras"),
    ("sequential-list", "cnn", "keras"),
    ("functional", "mlp", "keras"),
    ("functional", "two_towers", "keras"),
    ("subclass", "mlp", "tensorflow"),
    ("subclass", "two_towers", "keras"),
]


def test_every_style_is_baked():
    assert sorted({style for style, _, _ in BAKES}) == sorted(STYLES)


@pytest.mark.parametrize("style,preset,imports", BAKES)
def test_init_bakes_a_project_whose_tests_pass(style, preset, imports, tmp_path, env):
    result = init("proj", "--preset", preset, "--style", style, "--imports", imports,
                  "--no-input", cwd=tmp_path, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"wrote proj: model.mg, model.py ({style})")
    project = tmp_path / "proj"
    assert files(project) == PROJECT_FILES
    spec = presets()[preset].read_text()
    assert (project / "model.mg").read_text() == spec
    assert (project / "model.py").read_text() == generate(load(spec, "model.mg"), style, imports)
    assert 'name = "proj"' in (project / "pyproject.toml").read_text()

    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=project, capture_output=True, text=True,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore"],
        cwd=project, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-4000:]
    assert f"{BAKED_TESTS} passed" in tests.stdout and "skipped" not in tests.stdout


# A tiny residual network with a block (issue 13), used once per stage, the second strided
# with a 1x1 projection: every style turns it into one keras.layers.Layer class.
BLOCK_SPEC = """\
model tiny_blocks

block res filters stride=1
  x: input
  conv2d $filters 3x3 strides=$stride padding=same
  batchnormalization | activation relu
  conv2d $filters 3x3 padding=same
  residual: batchnormalization
  shortcut: conv2d $filters 1x1 strides=$stride <- x
  add <- residual, shortcut
  activation relu
end

input 16x16x3
res * [8] [16 stride=2]
globalaveragepooling2d
dense 3 softmax
"""


@pytest.mark.parametrize("style", list(STYLES))
def test_a_project_from_a_spec_with_a_block_trains_saves_and_reloads(style, tmp_path, env):
    """The baked tests train it (on one device and mirrored), save its .keras file and
    load it back to the same predictions: the block's registered class survives."""
    spec = tmp_path / "tiny.mg"
    spec.write_text(BLOCK_SPEC)
    result = init("proj", "--spec", spec, "--style", style, "--no-input", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "proj"
    assert files(project) == PROJECT_FILES
    code = (project / "model.py").read_text()
    assert code == generate(load(BLOCK_SPEC, "model.mg"), style)
    assert code.count("class Res(layers.Layer):") == 1

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore"],
        cwd=project, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-4000:]
    assert f"{BAKED_TESTS} passed" in tests.stdout and "skipped" not in tests.stdout


def test_plain_cookiecutter_bakes_the_defaults(tmp_path, monkeypatch, env):
    from cookiecutter.main import cookiecutter

    monkeypatch.setenv("COOKIECUTTER_CONFIG", env["COOKIECUTTER_CONFIG"])
    baked = cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path))
    project = tmp_path / "my_model"
    assert baked == str(project)
    assert files(project) == PROJECT_FILES
    mlp = presets()["mlp"].read_text()
    assert (project / "model.mg").read_text() == mlp
    assert (project / "model.py").read_text() == generate(load(mlp, "model.mg"), "functional")
    assert 'name = "my-model"' in (project / "pyproject.toml").read_text()


def test_plain_cookiecutter_reads_a_spec_relative_to_where_it_runs(tmp_path, monkeypatch, env):
    from cookiecutter.main import cookiecutter

    monkeypatch.setenv("COOKIECUTTER_CONFIG", env["COOKIECUTTER_CONFIG"])
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "net.mg").write_text("input 8 | dense 4 relu | dense 1 sigmoid\n")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "elsewhere"
    answers = {"project_name": "Net", "model": "specs/net.mg", "style": "subclass"}
    cookiecutter(str(TEMPLATE), no_input=True, extra_context=answers, output_dir=str(out))
    project = out / "net"
    spec = (tmp_path / "specs" / "net.mg").read_text()
    assert (project / "model.mg").read_text() == spec
    assert (project / "model.py").read_text() == generate(load(spec, "model.mg"), "subclass")


@pytest.mark.parametrize(
    "answers,location,message",
    [
        ({"model": "bad.mg"}, "bad.mg:3:1: error:", "unknown layer 'dnse'"),
        (
            {"model": "two_towers", "style": "sequential"},
            "<preset two_towers>:4:1: error:",
            "the sequential style cannot express this model: 'input_2' is a second input",
        ),
        ({"model": "mpl"}, "modelgen: error: mpl:", "neither a preset"),
    ],
)
def test_the_hook_refuses_before_anything_is_written(
    answers, location, message, tmp_path, monkeypatch, capfd, env
):
    """Plain cookiecutter, which modelgen init's own checks do not protect."""
    from cookiecutter.exceptions import FailedHookException
    from cookiecutter.main import cookiecutter

    monkeypatch.setenv("COOKIECUTTER_CONFIG", env["COOKIECUTTER_CONFIG"])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.mg").write_text(BAD_SPEC)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(FailedHookException):
        cookiecutter(str(TEMPLATE), no_input=True, extra_context=answers, output_dir=str(out))
    assert list(out.iterdir()) == []  # cookiecutter removed the folder it had made
    errors = capfd.readouterr().err
    first = next(line for line in errors.splitlines() if line.startswith(location))
    assert message in first, errors


def assert_refused(result, location: str, message: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(location) and message in first, result.stderr


def test_init_refuses_a_bad_spec_positioned_and_writes_nothing(tmp_path, env):
    (tmp_path / "bad.mg").write_text(BAD_SPEC)
    result = init("proj", "--spec", "bad.mg", "--no-input", cwd=tmp_path, env=env)
    assert_refused(result, "bad.mg:3:1: error:", "unknown layer 'dnse'")
    assert result.stderr.splitlines()[1:] == [
        "    3 | dnse 10 softmax",
        "      | ^^^^",
        "  hint: did you mean 'dense'?",
    ]
    assert files(tmp_path) == ["bad.mg"]


def test_init_refuses_a_style_that_cannot_express_the_model(tmp_path, env):
    result = init("proj", "--preset", "two_towers", "--style", "sequential-list", "--no-input",
                  cwd=tmp_path, env=env)  # fmt: skip
    assert_refused(
        result, "<preset two_towers>:4:1: error:", "the sequential-list style cannot express"
    )
    assert "use --style functional or subclass" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_answer_changed_at_the_prompt_is_checked_by_the_hook(tmp_path, env):
    """Without --no-input cookiecutter asks; a bad answer is refused before anything is written."""
    (tmp_path / "bad.mg").write_text(BAD_SPEC)
    result = init("proj", "--preset", "mlp", cwd=tmp_path, env=env, stdin="proj\nbad.mg\n\n\n")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "bad.mg:3:1: error: unknown layer 'dnse'" in result.stderr
    assert "nothing was written" in result.stderr
    assert files(tmp_path) == ["bad.mg"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--preset", "mpl"], "unknown preset 'mpl': the presets are cnn, mlp, two_towers; did you mean 'mlp'?"),
        (["--spec", "missing.mg"], "missing.mg: no such file"),
        (["--spec", "x.mg", "--preset", "mlp"], "not both"),
        (["no/such/folder/proj"], "does not exist"),
    ],
)  # fmt: skip
def test_init_usage_errors(args, message, tmp_path, env):
    result = init(*args, "--no-input", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_init_never_writes_into_an_existing_folder(tmp_path, env):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "notes.txt").write_text("mine\n")
    result = init("proj", "--no-input", cwd=tmp_path, env=env)
    assert_refused(result, "modelgen: error: proj: already exists", "only creates a new folder")
    assert files(tmp_path) == ["proj/notes.txt"]
    assert (tmp_path / "proj" / "notes.txt").read_text() == "mine\n"

    (tmp_path / "mnist_mlp").mkdir()  # without DIR, the folder is named after the model
    result = init("--preset", "mlp", "--no-input", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "mnist_mlp" in result.stderr and "already exists" in result.stderr
    assert list((tmp_path / "mnist_mlp").iterdir()) == []


def test_a_spec_given_with_spec_is_copied_in_as_model_mg(tmp_path, env):
    spec = tmp_path / "my-net.mg"
    text = "# no model statement, and CRLF line ends\r\ninput 16\r\ndense 8 relu\r\ndense 3\r\n"
    spec.write_bytes(text.encode())
    result = init(tmp_path / "net", "--spec", spec, "--style", "sequential", "--no-input",
                  cwd=tmp_path, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    project = tmp_path / "net"
    assert (project / "model.mg").read_bytes() == spec.read_bytes()
    code = (project / "model.py").read_text()
    assert code == generate(load(spec.read_text(), "model.mg"), "sequential")
    assert 'keras.Sequential(name="model")' in code  # the name model.mg gives, as regenerating does
    assert 'name = "net"' in (project / "pyproject.toml").read_text()


def test_without_a_directory_the_project_is_named_after_the_model(tmp_path, env):
    result = init("--preset", "cnn", "--style", "subclass", "--no-input", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert files(tmp_path / "small_cnn") == PROJECT_FILES
    assert (tmp_path / "small_cnn" / "README.md").read_text().startswith("# small_cnn\n")


def test_the_templates_python_caches_stay_out_of_the_project(tmp_path, env, monkeypatch):
    # pip installs the template compiled: a cache beside data.py and the tests is pip's
    import shutil

    import modelgen.project as project

    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template)
    for folder in ("{{cookiecutter.__folder}}", "{{cookiecutter.__folder}}/tests"):
        (template / folder / "__pycache__").mkdir()
        (template / folder / "__pycache__" / "data.cpython-311.pyc").write_bytes(b"\x00")
    monkeypatch.setattr(project, "template_folder", lambda: template)
    monkeypatch.setenv("COOKIECUTTER_CONFIG", env["COOKIECUTTER_CONFIG"])
    baked = project.init_project(tmp_path / "net", preset="mlp", no_input=True)
    assert files(baked) == PROJECT_FILES


def test_model_arrays_follow_the_spec(tmp_path):
    inputs, outputs = model_arrays(presets()["mlp"])
    assert inputs == [Array("input_layer", (28, 28), "float32", "features")]
    assert outputs == [Array("dense_2", (10,), "float32", "classes", 10)]

    inputs, outputs = model_arrays(presets()["two_towers"])
    assert [a.name for a in inputs] == ["input_1", "input_2"]
    assert outputs == [
        Array("output", (10, 1), "float32", "binary"),
        Array("sum_output", (10, 1), "float32", "values"),
    ]

    inputs, outputs = model_arrays(EXAMPLES / "text_classifier" / "text_classifier.mg")
    assert inputs == [Array("tokens", (None,), "int32", "ids", 1000)]  # the Embedding's vocabulary
    assert outputs[0].kind == "binary"

    spec = tmp_path / "heads.mg"
    spec.write_text(
        "x: input 3x8\nlogits: dense 4\nlast: softmax axis=2 <- logits\n"
        "rows: softmax axis=1 <- logits\nouts: dense 2 relu <- x\noutputs last, rows, outs\n"
    )
    _, outputs = model_arrays(spec)
    assert [(a.name, a.shape, a.kind, a.high) for a in outputs] == [
        ("last", (3, 4), "classes", 4),  # axis 2 is the last axis
        ("rows", (3, 4), "values", 0),  # a softmax, but over another axis
        ("outs", (3, 2), "values", 0),
    ]


# `modelgen init` in a subprocess that pauses after cookiecutter has baked PAUSE_AFTER
# files and touches PAUSE_MARKER, waiting there for a real signal from the test; with
# FAIL set it raises that error there instead, as a full disk would.
PAUSED_INIT = """
import errno, os, sys, time
import cookiecutter.generate as generate
real = generate.generate_file
def generate_file(*args, **kwargs):
    real(*args, **kwargs)
    generate_file.count += 1
    if generate_file.count == int(os.environ["PAUSE_AFTER"]):
        if os.environ.get("FAIL"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        open(os.environ["PAUSE_MARKER"], "w").close()
        time.sleep(float(os.environ["PAUSE_SECONDS"]))
generate_file.count = 0
generate.generate_file = generate_file
from modelgen.cli import main
sys.argv = ["modelgen", "init", *sys.argv[1:]]
main()
"""


def start_init(tmp_path, env, *args, fail: bool = False, seconds: float = 60) -> subprocess.Popen:
    marker = tmp_path.parent / f"{tmp_path.name}.paused"
    environment = {**env, "PAUSE_AFTER": "3", "PAUSE_MARKER": str(marker)}
    environment["PAUSE_SECONDS"] = str(seconds)
    if fail:
        environment["FAIL"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_INIT, *map(str, args)],
        cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    if not fail:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"init never paused: {process.communicate()}")
            time.sleep(0.02)
    return process


@pytest.mark.parametrize(
    "signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name
)
@pytest.mark.parametrize("named", [True, False], ids=["DIR", "no-DIR"])
def test_an_interrupted_init_leaves_no_folder_and_a_rerun_works(tmp_path, env, signum, named):
    (tmp_path / "notes.txt").write_text("mine\n")
    folder = ["proj"] if named else []
    process = start_init(tmp_path, env, *folder, "--preset", "mlp", "--no-input")
    try:
        assert [p.name for p in tmp_path.iterdir() if p.is_dir()]  # half-baked, somewhere
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 128 + signum, err
    assert "Traceback" not in err and err.strip().startswith("modelgen: interrupted"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # hidden ones included

    result = init(*folder, "--preset", "mlp", "--no-input", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert files(tmp_path / (folder[0] if named else "mnist_mlp")) == PROJECT_FILES


def test_an_error_while_baking_leaves_no_folder(tmp_path, env):
    process = start_init(tmp_path, env, "proj", "--preset", "mlp", "--no-input", fail=True)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 2, err
    assert err == "modelgen: error: cannot write the project: No space left on device; " \
        "nothing was written\n"  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_a_folder_made_while_init_ran_is_left_alone(tmp_path, env):
    """Someone makes the project's folder while it is being baked: init refuses it when
    the project is complete, and removes only what it made itself."""
    process = start_init(tmp_path, env, "proj", "--preset", "mlp", "--no-input", seconds=1)
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "theirs.txt").write_text("theirs\n")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 2, err
    assert err == "modelgen: error: proj: already exists; modelgen init only creates a new folder\n"
    assert files(tmp_path) == ["proj/theirs.txt"]
