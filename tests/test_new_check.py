"""`modelgen new --check`: generated files on disk against their spec, as `black --check`,
and the pre-commit hook that runs it."""

from __future__ import annotations

import shlex
import shutil

import pytest
import yaml

from modelgen.checking import check_files
from modelgen.errors import UsageError

from .goldens import EXAMPLES, ROOT
from .test_cli import run


def _copy(tmp_path, name: str = "mnist_mlp"):
    spec = tmp_path / f"{name}.mg"
    shutil.copy(EXAMPLES / name / f"{name}.mg", spec)
    return spec


def test_up_to_date_file_passes_and_writes_nothing(tmp_path):
    spec = _copy(tmp_path)
    target = tmp_path / "model.py"
    shutil.copy(EXAMPLES / "mnist_mlp" / "mnist_mlp_functional.py", target)
    before = target.stat().st_mtime_ns
    result = run("new", spec, "-o", target, "--check")
    assert result.returncode == 0, result.stderr
    assert "1 file up to date with the spec" in result.stderr
    assert target.stat().st_mtime_ns == before


def test_a_stale_file_fails_with_its_diff_and_is_left_alone(tmp_path):
    spec = _copy(tmp_path)
    target = tmp_path / "model.py"
    stale = (
        (EXAMPLES / "mnist_mlp" / "mnist_mlp_functional.py")
        .read_text()
        .replace("Dense(300", "Dense(301")
    )
    target.write_text(stale)
    result = run("new", spec, "-o", target, "--check", "--diff")
    assert result.returncode == 1
    assert f"would regenerate {target}" in result.stderr
    assert '-    x = layers.Dense(301, activation="relu")(x)' in result.stdout
    assert '+    x = layers.Dense(300, activation="relu")(x)' in result.stdout
    assert target.read_text() == stale


def test_a_missing_file_fails(tmp_path):
    result = run("new", _copy(tmp_path), "-o", tmp_path / "model.py", "--check")
    assert result.returncode == 1
    assert "would write" in result.stderr
    assert not (tmp_path / "model.py").exists()


def test_style_all_checks_every_file_it_would_write(tmp_path):
    spec = _copy(tmp_path)
    assert run("new", spec, "--style", "all", "-o", tmp_path).returncode == 0
    assert run("new", spec, "--style", "all", "-o", tmp_path, "--check").returncode == 0
    (tmp_path / "mnist_mlp_subclass.py").unlink()
    result = run("new", spec, "--style", "all", "-o", tmp_path, "--check")
    assert result.returncode == 1
    assert "mnist_mlp_subclass.py" in result.stderr
    assert "1 file out of date" in result.stderr


def test_check_needs_a_file_to_compare(tmp_path):
    result = run("new", _copy(tmp_path), "--check")
    assert result.returncode == 2
    assert "give -o the generated file" in result.stderr


def test_a_bad_spec_is_still_a_positioned_error(tmp_path):
    spec = tmp_path / "bad.mg"
    spec.write_text("input 4\ndnse 3\n")
    result = run("new", spec, "-o", tmp_path / "model.py", "--check")
    assert result.returncode == 2
    assert f"{spec}:2:1: error: unknown layer 'dnse'" in result.stderr


def test_the_pre_commit_hook_runs_new_check(tmp_path):
    """Run the hook as pre-commit would: its entry, then the user's args, files not passed."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "modelgen-check" and hook["pass_filenames"] is False
    command = shlex.split(hook["entry"])
    assert command[0] == "modelgen"
    spec = _copy(tmp_path)
    args = [spec, "--style", "functional", "-o", tmp_path / "model.py"]
    assert run(*command[1:], *args).returncode == 1  # not generated yet
    assert run("new", *args).returncode == 0
    assert run(*command[1:], *args).returncode == 0


def test_a_stale_file_names_the_command_that_regenerates_it(tmp_path):
    """The file exists, so the command that works has --force; running it makes --check pass."""
    spec = _copy(tmp_path)
    target = tmp_path / "model.py"
    target.write_text("# edited by hand\n")
    args = [spec, "-s", "subclass", "-o", target, "--imports", "tensorflow"]
    result = run("new", *args, "--check")
    assert result.returncode == 1
    (last,) = [line for line in result.stderr.splitlines() if "out of date" in line]
    command = last.split(": run ", 1)[1]
    assert shlex.split(command) == ["modelgen", "new", *map(str, args), "--force"]
    assert run(*shlex.split(command)[1:]).returncode == 0
    assert run("new", *args, "--check").returncode == 0


def test_a_missing_file_names_the_command_without_force(tmp_path):
    spec = _copy(tmp_path)
    target = tmp_path / "model.py"
    result = run("new", "-e", "input 3 | dense 2", "-o", target, "--check", "--diff")
    assert result.returncode == 1
    command = result.stderr.splitlines()[-1].split(": run ", 1)[1]
    assert shlex.split(command) == ["modelgen", "new", "-e", "input 3 | dense 2", "-o", str(target)]
    assert run(*shlex.split(command)[1:]).returncode == 0
    assert spec.exists()


def test_diff_alone_implies_check_and_writes_nothing(tmp_path):
    """As black's --diff: it shows what would change and writes nothing (exit 1 when stale)."""
    spec = _copy(tmp_path)
    target = tmp_path / "model.py"
    stale = (
        (EXAMPLES / "mnist_mlp" / "mnist_mlp_functional.py")
        .read_text()
        .replace("Dense(300", "Dense(301")
    )
    target.write_text(stale)
    result = run("new", spec, "-o", target, "--diff")
    assert result.returncode == 1, result.stderr
    assert '+    x = layers.Dense(300, activation="relu")(x)' in result.stdout
    assert f"would regenerate {target}" in result.stderr and "wrote" not in result.stderr
    assert target.read_text() == stale
    result = run("new", spec, "-o", tmp_path / "new.py", "--diff")  # a missing file: all '+'
    assert result.returncode == 1 and not (tmp_path / "new.py").exists()
    result = run("new", spec, "--diff")
    assert result.returncode == 2 and "give -o the generated file" in result.stderr


def test_style_all_check_defaults_to_the_current_folder_as_style_all_does(tmp_path):
    spec = _copy(tmp_path)
    result = run("new", spec, "--style", "all", "--check", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "4 files out of date" in result.stderr and "would write mnist_mlp_subclass.py" in (
        result.stderr
    )
    assert run("new", spec, "--style", "all", cwd=tmp_path).returncode == 0
    result = run("new", spec, "--style", "all", "--check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "4 files up to date with the spec" in result.stderr


def test_a_file_that_cannot_be_read_stops_the_check_after_what_came_before(tmp_path):
    spec = _copy(tmp_path)
    unreadable = tmp_path / "mnist_mlp_subclass.py"  # the last of --style all's files
    unreadable.write_bytes(b"\xff\xfe not UTF-8\n")
    result = run("new", spec, "--style", "all", "-o", tmp_path, "--check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        f"would write {tmp_path / 'mnist_mlp_sequential.py'}",
        f"would write {tmp_path / 'mnist_mlp_sequential_list.py'}",
        f"would write {tmp_path / 'mnist_mlp_functional.py'}",
    ]
    assert lines[3].startswith(f"modelgen: error: {unreadable}: cannot read: ")
    assert unreadable.read_bytes() == b"\xff\xfe not UTF-8\n"


def test_check_files_compares_each_file_with_the_disk_in_order(tmp_path):
    """The library under --check (modelgen.checking): nothing is written, and each file is
    read when it is reached."""
    (tmp_path / "same.py").write_text("x = 1\n")
    (tmp_path / "stale.py").write_text("x = 0\n")
    (tmp_path / "bad.py").write_bytes(b"\xff")
    generated = {tmp_path / n: "x = 1\n" for n in ("same.py", "stale.py", "new.py", "bad.py")}
    checked = check_files(generated)
    same, stale, new = next(checked), next(checked), next(checked)
    assert same.up_to_date and same.diff() == ""
    assert not stale.up_to_date and stale.on_disk == "x = 0\n"
    assert stale.diff() == (
        f"--- {tmp_path / 'stale.py'} (on disk)\n+++ {tmp_path / 'stale.py'} (generated)\n"
        "@@ -1 +1 @@\n-x = 0\n+x = 1\n"
    )
    assert new.on_disk is None and not new.up_to_date
    with pytest.raises(UsageError, match="bad.py: cannot read"):
        next(checked)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.py", "same.py", "stale.py"]
