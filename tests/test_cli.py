"""The installed `modelgen` command, run in a subprocess as users run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from modelgen.styles import STYLES

from .goldens import EXAMPLES

MODELGEN = shutil.which("modelgen")
MLP = EXAMPLES / "mnist_mlp" / "mnist_mlp.mg"
TOWERS = EXAMPLES / "two_towers" / "two_towers.mg"
ONE_LINE = "input 28x28 | flatten | dense 128 relu | dropout 0.2 | dense 10 softmax"


def run(*args: str, stdin: str | None = None, cwd=None) -> subprocess.CompletedProcess:
    assert MODELGEN, "the modelgen console script is not installed"
    return subprocess.run(
        [MODELGEN, *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def assert_user_error(result: subprocess.CompletedProcess, location: str, message: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(location), result.stderr
    assert message in first, result.stderr
    assert result.stdout == ""


def test_new_prints_one_style_to_stdout():
    result = run("new", MLP, "--style", "functional")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (EXAMPLES / "mnist_mlp" / "mnist_mlp_functional.py").read_text()


def test_new_reads_stdin_and_expressions():
    from_stdin = run("new", "-", "--style", "sequential", stdin=ONE_LINE)
    from_expr = run("new", "-e", ONE_LINE, "--style", "sequential")
    assert from_stdin.returncode == from_expr.returncode == 0
    assert from_stdin.stdout == from_expr.stdout
    assert 'model = keras.Sequential(name="model")' in from_expr.stdout
    assert "layers.Dropout(0.2)" in from_expr.stdout


def test_new_writes_a_file_and_never_overwrites_without_force(tmp_path):
    target = tmp_path / "model.py"
    assert run("new", MLP, "-o", target).returncode == 0
    assert target.read_text() == (EXAMPLES / "mnist_mlp" / "mnist_mlp_functional.py").read_text()
    target.write_text("# mine\n")
    refused = run("new", MLP, "-o", target)
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert "--force" in refused.stderr
    assert target.read_text() == "# mine\n"
    assert run("new", MLP, "-o", target, "--force").returncode == 0
    assert target.read_text().startswith('"""Keras model mnist_mlp')
    assert [p.name for p in tmp_path.iterdir()] == ["model.py"]  # no temporary files left


def test_new_into_a_folder_names_the_file(tmp_path):
    assert run("new", MLP, "--style", "subclass", "-o", tmp_path).returncode == 0
    assert (tmp_path / "mnist_mlp_subclass.py").read_text() == (
        EXAMPLES / "mnist_mlp" / "mnist_mlp_subclass.py"
    ).read_text()


def test_style_all_writes_every_style(tmp_path):
    result = run("new", MLP, "--style", "all", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(style.file_name("mnist_mlp") for style in STYLES.values())
    for name in names:
        assert (tmp_path / name).read_text() == (MLP.parent / name).read_text()


def test_style_all_skips_what_cannot_be_expressed_and_says_why(tmp_path):
    result = run("new", TOWERS, "--style", "all", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "two_towers_functional.py",
        "two_towers_subclass.py",
    ]
    assert f"{TOWERS}:4:1: note: skipped sequential: 'input_2' is a second input" in result.stderr
    assert "skipped sequential-list" in result.stderr


def test_style_all_writes_all_or_nothing(tmp_path):
    (tmp_path / "mnist_mlp_subclass.py").write_text("# mine\n")
    result = run("new", MLP, "--style", "all", "-o", tmp_path)
    assert result.returncode == 2 and "already exists" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["mnist_mlp_subclass.py"]
    assert (tmp_path / "mnist_mlp_subclass.py").read_text() == "# mine\n"


def test_sequential_refuses_a_graph_and_writes_nothing(tmp_path):
    target = tmp_path / "m.py"
    result = run("new", TOWERS, "--style", "sequential", "-o", target)
    assert_user_error(
        result, f"{TOWERS}:4:1: error:", "the sequential style cannot express this model"
    )
    assert "input_2: input 10x28" in result.stderr and "^^^" in result.stderr
    assert "use --style functional or subclass" in result.stderr
    assert not target.exists()


def test_sequential_names_the_merge_or_skip():
    merge = run("new", "-e", "a: input 4 | b: dense 4 | add <- a, b", "--style", "sequential")
    assert_user_error(merge, "<expr>:1:", "'add' merges 2 inputs")
    skip = run(
        "new",
        "-e",
        "a: input 4 | b: dense 4 | c: dense 4 <- a | add <- b, c",
        "--style",
        "sequential-list",
    )
    assert_user_error(skip, "<expr>:1:27: error:", "'c' reads 'a', not the layer before it")


def test_syntax_error_in_a_file_is_positioned(tmp_path):
    spec = tmp_path / "bad.mg"
    spec.write_text("input 28x28\nflatten\ndense 300 relu,\n")
    result = run("new", spec)
    assert_user_error(result, f"{spec}:3:15: error:", "unexpected ','")
    assert "separate arguments with spaces" in result.stderr
    lines = result.stderr.splitlines()
    assert lines[1].endswith("dense 300 relu,")
    assert lines[2].index("^") == lines[1].index(",")


def test_expression_errors_report_expr_and_column():
    result = run("new", "-e", "input 28x28 | dnse 10")
    assert_user_error(result, "<expr>:1:15: error:", "unknown layer 'dnse'")
    assert "hint: did you mean 'dense'?" in result.stderr


def test_several_errors_are_reported_together(tmp_path):
    spec = tmp_path / "bad.mg"
    spec.write_text("input 28x28\ndense ten\ndense 10 activation=rleu\n")
    result = run("new", spec)
    assert result.returncode == 2
    heads = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [h.split(": error: ")[0] for h in heads] == [f"{spec}:2:7", f"{spec}:3:21"]
    assert "did you mean 'relu'?" in result.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (["new", "missing.mg"], "missing.mg: no such file"),
        (["new"], "missing SPEC"),
        (["new", "x.mg", "-e", "input 3"], "not both"),
        (["new", "-e", "input 3 | dense 2", "--style", "all", "-o", "-"], "give -o a folder"),
    ],
)
def test_usage_errors(args, message, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_unknown_style_is_a_usage_error():
    result = run("new", MLP, "--style", "sequentail")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'sequential'" in result.stderr


def test_missing_output_folder_is_a_clear_error(tmp_path):
    result = run("new", MLP, "-o", tmp_path / "no" / "such" / "model.py")
    assert (
        result.returncode == 2
        and "does not exist" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_tensorflow_imports_flavour():
    result = run("new", MLP, "--imports", "tensorflow")
    assert result.returncode == 0
    assert "from tensorflow import keras\nfrom tensorflow.keras import layers\n" in result.stdout


def test_layers_lists_the_catalogue():
    result = run("layers")
    assert result.returncode == 0
    for word in ("dense", "conv2d", "concatenate", "concat", "lstm", "gru", "embedding", "units"):
        assert word in result.stdout


def test_check_passes_for_an_example():
    result = run("check", TOWERS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "result: both styles build the same model and fit" in result.stdout
    assert "skipped sequential: 'input_2' is a second input" in result.stdout
    assert "Traceback" not in result.stderr
    assert "I0000" not in result.stderr and "cuda" not in result.stderr  # TensorFlow's load noise


def test_check_exits_1_when_styles_differ(monkeypatch, verify):
    """A generator bug that changes one style must turn `check` red."""
    from click.testing import CliRunner

    from modelgen import cli
    from modelgen.generate import generate_all as real_generate_all

    def broken(graph, imports="keras"):
        results = real_generate_all(graph, imports)
        return [
            r.__class__(r.style, r.code.replace("Dense(100,", "Dense(99,"), None)
            if r.style.name == "subclass"
            else r
            for r in results
        ]

    monkeypatch.setattr(verify, "generate_all", broken)
    result = CliRunner().invoke(cli.cli, ["check", str(MLP)])
    assert result.exit_code == 1, result.output
    assert "result: the styles DIFFER" in result.output
    assert "Dense (None, 99) 29,799" in result.output


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "modelgen", "new", "-e", "input 3 | dense 1"],
        capture_output=True, text=True, env={**os.environ},
    )  # fmt: skip
    assert result.returncode == 0 and "layers.Dense(1)" in result.stdout
