"""Reading a spec (modelgen/reading.py): one reader for a file, stdin, -e TEXT, `init
--spec` and the presets; strict UTF-8, one rule for line ends, a bounded read, and
one-line refusals of binary and Keras model files. `summary` and `check` read a
Keras model (.keras, .json, .py) through the importer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from modelgen.errors import SpecError, UsageError
from modelgen.generate import generate, load
from modelgen.lines import source_lines
from modelgen.parser import MAX_STATEMENTS
from modelgen.reading import (
    MAX_SPEC_BYTES,
    read_spec_file,
    read_spec_stream,
    spec_from_argument,
)

from .goldens import EXAMPLES
from .test_cli import MLP, MODELGEN, run
from .test_init import env, init  # noqa: F401 - env is a fixture

LATIN1 = b"input 3\ndense 2 # caf\xe9\n"  # a Latin-1 comment: not UTF-8


def run_bytes(
    *args: str | bytes, stdin: bytes | None = None, cwd=None
) -> subprocess.CompletedProcess:
    """The modelgen command with byte arguments and stdin, as a shell passes them."""
    assert MODELGEN
    return subprocess.run([MODELGEN, *args], input=stdin, capture_output=True, cwd=cwd, timeout=300)


def spec_error(result: subprocess.CompletedProcess, where: str) -> list[str]:
    """The stderr lines of a positioned error at `where` (FILE:LINE:COL), exit 2, nothing out."""
    stderr = result.stderr.decode() if isinstance(result.stderr, bytes) else result.stderr
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert not result.stdout
    lines = stderr.splitlines()
    assert lines[0].startswith(f"{where}: error: "), stderr
    return lines


def one_line_error(result: subprocess.CompletedProcess, message: str) -> str:
    stderr = result.stderr.decode() if isinstance(result.stderr, bytes) else result.stderr
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr and not result.stdout
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("modelgen: error: ") and message in stderr, stderr
    return stderr


# ------------------------------------------------------------------ UTF-8, strictly


def test_stdin_that_is_not_utf8_is_refused_as_a_file_is(tmp_path: Path) -> None:
    (tmp_path / "latin1.mg").write_bytes(LATIN1)
    from_file = spec_error(run_bytes("new", "latin1.mg", cwd=tmp_path), "latin1.mg:2:14")
    from_stdin = spec_error(run_bytes("new", "-", stdin=LATIN1, cwd=tmp_path), "<stdin>:2:14")
    assert from_file[0].removeprefix("latin1.mg") == from_stdin[0].removeprefix("<stdin>")
    assert from_file[0].endswith("not UTF-8 text: the byte 0xe9 (invalid continuation byte)")
    assert from_file[1:] == from_stdin[1:]
    assert from_file[2] == "      |              ^"


def test_compare_of_stdin_that_is_not_utf8_writes_nothing(tmp_path: Path) -> None:
    result = run_bytes("compare", "-", "-o", "page.md", stdin=LATIN1, cwd=tmp_path)
    spec_error(result, "<stdin>:2:14")
    assert list(tmp_path.iterdir()) == []


def test_an_expression_that_is_not_utf8_is_refused_at_its_byte(tmp_path: Path) -> None:
    # Python hands the argument over with the byte as a lone surrogate
    lines = spec_error(run_bytes("new", "-e", b"input 3 | dense \xff", cwd=tmp_path), "<expr>:1:17")
    assert "the byte 0xff" in lines[0]


def test_the_reader_turns_an_arguments_bytes_back_and_refuses_them() -> None:
    with pytest.raises(SpecError) as error:
        spec_from_argument("input 3 # caf" + "\udce9", "<expr>")
    assert "0xe9" in error.value.diagnostics[0].message
    assert spec_from_argument("input 3 # café", "<expr>") == "input 3 # café"


# -------------------------------------------------------- BOM and line ends, once


@pytest.mark.parametrize("how", ["file", "stdin", "expr"])
def test_a_leading_bom_is_dropped_by_every_entry_point(tmp_path: Path, how: str) -> None:
    text = "\ufeffinput 3\ndense 2 ;\n"
    (tmp_path / "bom.mg").write_text(text, encoding="utf-8")
    args = {"file": ["bom.mg"], "stdin": ["-"], "expr": ["-e", text]}[how]
    where = {"file": "bom.mg", "stdin": "<stdin>", "expr": "<expr>"}[how]
    result = run("new", *args, stdin=text if how == "stdin" else None, cwd=tmp_path)
    lines = spec_error(result, f"{where}:2:9")
    assert lines[1] == "    2 | dense 2 ;"


def test_a_bom_file_generates_what_the_same_file_without_it_does(tmp_path: Path) -> None:
    plain = MLP.read_text(encoding="utf-8")
    (tmp_path / "mnist_mlp.mg").write_text("\ufeff" + plain, encoding="utf-8")
    assert run("new", tmp_path / "mnist_mlp.mg").stdout == run("new", MLP).stdout


@pytest.mark.parametrize("end", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_new_reads_every_line_end_as_the_parser_does(tmp_path: Path, end: str) -> None:
    text = MLP.read_text(encoding="utf-8").replace("\n", end)
    (tmp_path / "mnist_mlp.mg").write_bytes(text.encode())
    from_file = run("new", tmp_path / "mnist_mlp.mg")
    assert from_file.returncode == 0, from_file.stderr
    assert from_file.stdout == run("new", MLP).stdout
    from_stdin = run_bytes("new", "-", stdin=text.encode())
    assert from_stdin.stdout.decode() == run("new", "-e", MLP.read_text()).stdout


def test_init_takes_a_spec_with_lone_cr_line_ends_and_copies_it_as_it_is(
    tmp_path: Path,
    env,  # noqa: F811 - the fixture
) -> None:
    spec = tmp_path / "net.mg"
    spec.write_bytes(b"\xef\xbb\xbfinput 16\rdense 8 relu  # a comment\rdense 3\r")
    result = init(tmp_path / "net", "--spec", spec, "--no-input", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "net" / "model.mg").read_bytes() == spec.read_bytes()
    code = (tmp_path / "net" / "model.py").read_text()
    assert code == generate(load("input 16\ndense 8 relu\ndense 3\n", "model.mg"), "functional")


def test_source_lines_is_the_one_rule() -> None:
    assert source_lines("\ufeffa\r\nb\rc\nd") == ["a", "b", "c", "d"]
    assert source_lines("a\u2028b\x0cc") == ["a\u2028b\x0cc"]  # not line ends: refused


# --------------------------------------------------------------------------- limits


def test_a_file_of_the_most_bytes_is_read_and_one_more_is_refused(tmp_path: Path) -> None:
    head = "input 3\n"
    body = "#" * (MAX_SPEC_BYTES - len(head) - 1) + "\n"
    path = tmp_path / "big.mg"
    path.write_text(head + body)
    assert len(path.read_bytes()) == MAX_SPEC_BYTES
    assert read_spec_file(path) == head + body
    path.write_text(head + "#" + body)
    with pytest.raises(UsageError, match=r"big.mg: larger than 1,048,576 bytes"):
        read_spec_file(path)


def test_dev_zero_is_refused_in_one_line() -> None:
    one_line_error(run("new", "/dev/zero"), "/dev/zero: a binary file (it holds NUL bytes)")


def test_a_fifo_that_never_ends_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "endless.mg"
    os.mkfifo(fifo)
    written = 0

    def endless_writer() -> None:
        nonlocal written
        chunk = b"dense 2\n" * 8192
        try:
            with open(fifo, "wb") as pipe:
                while written < 50 * MAX_SPEC_BYTES:  # give up long after any limit
                    pipe.write(chunk)
                    written += len(chunk)
        except BrokenPipeError:  # the reader stopped: what it should do
            pass

    writer = threading.Thread(target=endless_writer)
    writer.start()
    try:
        with pytest.raises(UsageError, match="larger than 1,048,576 bytes"):
            read_spec_file(fifo)
    finally:
        writer.join(timeout=60)
    assert written <= MAX_SPEC_BYTES + 2 * len(b"dense 2\n" * 8192) + (1 << 20)  # + pipe buffers


def test_stdin_is_read_no_further_than_the_limit() -> None:
    import io

    stream = io.BytesIO(b"#" * (3 * MAX_SPEC_BYTES))
    with pytest.raises(UsageError, match="larger than"):
        read_spec_stream(stream, "<stdin>")
    assert stream.tell() == MAX_SPEC_BYTES + 1


def test_too_many_statements_through_the_command(tmp_path: Path) -> None:
    row = "dense 2|" * 999 + "dense 2\n"
    (tmp_path / "huge.mg").write_text("input 3\n" + row * (MAX_STATEMENTS // 1000))
    lines = spec_error(
        run("new", "huge.mg", cwd=tmp_path), f"huge.mg:{MAX_STATEMENTS // 1000 + 1}:{len(row) - 7}"
    )
    assert f"more than {MAX_STATEMENTS:,} statements" in lines[0]


# ------------------------------------------------- binary files and Keras models


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 40, "a zip archive, not a spec; if it is a .keras model"),
        (b"\x89HDF\r\n\x1a\n" + b"\x00" * 40, "an HDF5 file"),
        ("input 3\n".encode("utf-16"), "UTF-16 text: a spec is UTF-8"),
        (bytes(range(256)) * 4, "a binary file (it holds NUL bytes)"),
    ],
    ids=["zip", "hdf5", "utf16", "bytes"],
)
def test_a_binary_file_is_refused_in_one_line(tmp_path: Path, data: bytes, message: str) -> None:
    (tmp_path / "x.mg").write_bytes(data)
    one_line_error(run("new", "x.mg", cwd=tmp_path), f"x.mg: {message}")


def test_a_stray_nul_in_a_text_spec_is_an_error_at_its_place(tmp_path: Path) -> None:
    (tmp_path / "nul.mg").write_bytes(b"input 3\ndense 2 \x00\n")
    spec_error(run("new", "nul.mg", cwd=tmp_path), "nul.mg:2:9")


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory, verify) -> Path:
    """examples/two_towers/two_towers.mg built by Keras and saved as .keras and as to_json()."""
    folder = tmp_path_factory.mktemp("models")
    code = generate(
        load((EXAMPLES / "two_towers" / "two_towers.mg").read_text(), "two_towers.mg"), "functional"
    )
    model = verify.build(code)
    model.save(folder / "two_towers.keras")
    (folder / "two_towers.json").write_text(model.to_json())
    return folder


@pytest.mark.parametrize("command", ["new", "plot", "compare"])
@pytest.mark.parametrize("name", ["two_towers.keras", "two_towers.json", "build.py"])
def test_other_commands_say_in_one_line_how_to_read_a_model_file(
    saved_model: Path, command: str, name: str
) -> None:
    (saved_model / "build.py").write_text("raise SystemExit('never run')\n")
    stderr = one_line_error(run(command, name, cwd=saved_model), f"{name}: a Keras model file")
    assert f"'modelgen import {name}'" in stderr and "'modelgen summary'" in stderr


@pytest.mark.parametrize("name", ["two_towers.keras", "two_towers.json"])
def test_summary_of_a_keras_model_file_is_the_summary_of_its_spec(
    saved_model: Path, name: str
) -> None:
    result = run("summary", saved_model / name)
    assert result.returncode == 0, result.stderr
    assert result.stdout == run("summary", EXAMPLES / "two_towers" / "two_towers.mg").stdout
    assert result.stdout.startswith('Model: "two_towers"')


def test_summary_of_a_python_model_runs_it_as_import_does() -> None:
    result = run("summary", EXAMPLES / "mnist_mlp" / "mnist_mlp_sequential.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout == run("summary", MLP).stdout


def test_check_of_a_keras_model_file_builds_every_style(saved_model: Path) -> None:
    result = run("check", saved_model / "two_towers.keras")
    assert result.returncode == 0, result.stderr
    assert "two_towers" in result.stdout


def test_init_refuses_a_model_file_as_its_spec_in_one_line(
    saved_model: Path,
    tmp_path: Path,
    env,  # noqa: F811 - the fixture
) -> None:
    result = init(
        "proj", "--spec", saved_model / "two_towers.keras", "--no-input", cwd=tmp_path, env=env
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "two_towers.keras: a Keras model file, not a spec" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_reader_is_what_every_entry_point_uses() -> None:
    # A guard against a second reader: no spec is read with read_text or sys.stdin.read.
    root = Path(__file__).resolve().parent.parent / "modelgen"
    for name in ("cli.py", "project.py"):
        text = (root / name).read_text(encoding="utf-8")
        assert "sys.stdin.read(" not in text, name
        assert "load(Path(" not in text and "load(path.read_text" not in text, name
    assert sys.modules["modelgen.reading"].MODEL_SUFFIXES == (".keras", ".json", ".py")


def test_a_missing_file_and_a_directory_are_one_line_errors(tmp_path: Path) -> None:
    one_line_error(run("new", "missing.mg", cwd=tmp_path), "missing.mg: no such file")
    (tmp_path / "folder.mg").mkdir()
    one_line_error(run("new", "folder.mg", cwd=tmp_path), "folder.mg: is a directory")
    with zipfile.ZipFile(tmp_path / "model.zip", "w") as archive:
        archive.writestr("config.json", "{}")
    one_line_error(run("new", "model.zip", cwd=tmp_path), "model.zip: a zip archive")
