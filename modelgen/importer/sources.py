"""Reading a model file: a path -> the model's config, as `model.to_json()` gives it.

A `.keras` archive's `config.json`, a `.json` file, or the config a `.py` file builds
(run in its own process by `modelgen.pyrunner`). Every read is bounded, so that a
hostile file is refused before it fills memory or the stack. Pure Python for `.keras`
and `.json`: no TensorFlow import.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
import zlib
from pathlib import Path

from ..pyrunner import DEFAULT_TIMEOUT, RunProblem, run_model_file
from .problems import ImportProblem

# What an import reads, at most. A real model's config is far smaller (NASNetMobile's
# is 0.8 MB); past these, a file is refused before it fills memory (16 MiB of JSON
# makes at most about 500 MB of Python objects: 5 million empty dicts).
# The key of a .py file's config under which modelgen/pyrunner_child.py puts what it
# traced of each custom layer (the child imports nothing of modelgen: it has its own copy).
TRACED_KEY = "modelgen_traced_layers"
MAX_CONFIG_BYTES = 16 * 2**20  # a .json file, a .keras file's config.json, a .py's config
MAX_NESTING = 100  # lists and objects inside each other (a model's config nests about 10)
MAX_INT_DIGITS = 100  # a number in a config (Keras' integers have at most 19 digits)


def read_config(
    path: str, timeout: float = DEFAULT_TIMEOUT, save_model_as: Path | None = None
) -> dict:
    """The model config (as `model.to_json()` gives it) of a .keras, .json or .py file.

    A .py file is run (see `modelgen.pyrunner`); with `save_model_as`, the model that
    run built is also saved there as a .keras file, for its weights.
    """
    source = Path(path)
    if not source.exists():
        raise ImportProblem(f"{path}: no such file")
    if source.is_dir():
        raise ImportProblem(f"{path}: is a directory, not a model file")
    if source.suffix == ".keras":
        return _untraced(_parse_json(_archive_config(source), f"{path}: config.json"))
    if source.suffix == ".py":
        return _config_from_python(source, timeout, save_model_as)
    if source.suffix == ".h5":
        raise ImportProblem(
            f"{path}: a legacy HDF5 model, which modelgen does not read: "
            "load it in Keras and save it as a .keras file"
        )
    return _untraced(_parse_json(_read_bounded(source), path))


def leaves_path(saved_model: Path) -> Path:
    """Where a .py run's model with custom layers keeps its weights beside `saved_model`."""
    return saved_model.with_name(saved_model.stem + ".leaves.npz")


def _untraced(config: dict) -> dict:
    """A saved config: what only running a .py file traces (custom layers' bodies) is
    never taken from a file, which could claim any."""
    if isinstance(config, dict):
        config.pop(TRACED_KEY, None)
    return config


def _read_bounded(source: Path, where: str | None = None) -> bytes:
    where = where or str(source)
    try:
        with source.open("rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ImportProblem(f"{where}: cannot read: {error.strerror}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ImportProblem(f"{where}: {_too_big()}")
    return data


def _too_big() -> str:
    return f"larger than {MAX_CONFIG_BYTES // 2**20} MiB, the most modelgen reads as a model config"


def _archive_config(source: Path) -> bytes:
    """config.json of a .keras archive: its declared size checked first, then the bytes
    counted while they are inflated, so that a zip bomb stops at the limit."""
    where = f"{source}: config.json"
    try:
        with zipfile.ZipFile(source) as archive:
            try:
                info = archive.getinfo("config.json")
            except KeyError:
                raise ImportProblem(
                    f"{source}: not a Keras .keras file (it has no config.json)"
                ) from None
            if info.flag_bits & 0x1:
                raise ImportProblem(f"{where}: encrypted, which modelgen cannot read")
            if info.file_size > MAX_CONFIG_BYTES:
                raise ImportProblem(f"{where}: {_too_big()}")
            chunks, size = [], 0
            with archive.open(info) as member:
                while chunk := member.read(2**20):
                    size += len(chunk)
                    if size > MAX_CONFIG_BYTES:
                        raise ImportProblem(f"{where}: {_too_big()}")
                    chunks.append(chunk)
            return b"".join(chunks)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as error:
        raise ImportProblem(f"{source}: not a valid .keras file ({error})") from None
    except NotImplementedError as error:  # a compression method zipfile does not have
        raise ImportProblem(f"{source}: cannot read the archive ({error})") from None
    except OSError as error:
        raise ImportProblem(f"{source}: cannot read: {error.strerror or error}") from None


def _parse_json(data: bytes, where: str) -> dict:
    """JSON text into a config, refusing what would exhaust memory or the stack."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportProblem(
            f"{where}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise ImportProblem(
            f"{where}: lists and objects nest more than {MAX_NESTING} deep; a model config "
            "nests about 10 deep"
        )
    try:
        return json.loads(text, parse_int=_parse_int)  # any JSON: check_structure says which
    except _LongNumber as error:
        raise ImportProblem(
            f"{where}: a number with {error.args[0]} digits; "
            f"modelgen reads at most {MAX_INT_DIGITS} (Keras' integers have at most 19)"
        ) from None
    except json.JSONDecodeError as error:
        raise ImportProblem(
            f"{where}: not valid JSON ({error.msg}, line {error.lineno} column {error.colno})"
        ) from None


def _nesting(text: str) -> int:
    """How deep brackets nest in JSON text (strings skipped), counted up to one past
    `MAX_NESTING`: checked before parsing, which would recurse once per level. Each pass
    removes the innermost pairs, in C: a pass per level, not a Python step per bracket."""
    brackets = _NOT_BRACKETS.sub("", text)
    depth = 0
    while brackets and depth <= MAX_NESTING:
        inner = _INNERMOST.sub("", brackets)
        if len(inner) == len(brackets):
            break  # unbalanced: json.loads says where
        brackets, depth = inner, depth + 1
    return depth


_NOT_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[^\[\]{}"]+')
_INNERMOST = re.compile(r"\[\]|\{\}")


class _LongNumber(Exception):
    """A JSON integer too long to read: Python refuses past 4300 digits, we well before."""


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _LongNumber(digits)
    return int(text)


def _config_from_python(source: Path, timeout: float, save_model_as: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="modelgen-run-") as work:
        try:
            config = run_model_file(source, Path(work), timeout, save_model_as is not None)
        except RunProblem as problem:
            raise ImportProblem(str(problem)) from None
        if save_model_as is not None:
            os.replace(Path(work) / "model.keras", save_model_as)
            leaves = Path(work) / "model.leaves.npz"
            if leaves.exists():  # custom layers: their weights, as their blocks hold them
                os.replace(leaves, leaves_path(save_model_as))
        where = f"{source}: the config it built"
        return _parse_json(_read_bounded(config, where), where)
