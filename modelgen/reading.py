"""Reading a spec: bytes from a file, stdin or `-e TEXT` -> text, by one set of rules.

Every entry point that reads a spec (`modelgen new FILE`, `-`, `-e TEXT`,
`init --spec FILE`, the presets, a baked project's data.py) comes through here:

* at most `MAX_SPEC_BYTES` are read, with a bounded read, so that `/dev/zero` or a
  FIFO that never ends is refused without loading more than the limit;
* a binary file (a zip such as a `.keras` model, HDF5, NUL bytes, UTF-16) and a file
  named like a Keras model (`.keras`, `.json`, `.py`) are refused in one line that
  says which command reads it;
* the bytes are decoded strictly as UTF-8; a byte that is not UTF-8 is a positioned
  error, at its line and column;
* the text is returned as it is (a leading BOM and the line ends kept, so `init`
  copies a spec byte for byte); `lines.spec_text` is how the grammar reads it: a leading
  BOM dropped, and every line end, '\\r\\n', '\\r' or '\\n', made '\\n'.
  `lines.source_lines` splits by the same rule, for every message that shows a line.

`generate.load_file` is the one way from a spec file to its model: read by these rules,
then loaded (parsed, validated, its shapes inferred), every message naming the file as given.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import BinaryIO

from .errors import Diagnostic, SpecError, UsageError
from .ir import Span
from .lines import spec_text

# A large spec is tens of kilobytes (the 10,000-layer chain of tests/test_scale.py is
# 130 kB); past this, a file is a mistake or an attack. Parsing a full megabyte of
# values takes about 10 s and 200 MB.
MAX_SPEC_BYTES = 1024 * 1024
# Files the importer reads (modelgen.importer.read_config chooses by these too).
MODEL_SUFFIXES = (".keras", ".json", ".py")


def is_model_file(path: str | Path) -> bool:
    """Whether `path` is named as a Keras model the importer reads, not as a spec."""
    return Path(path).suffix.lower() in MODEL_SUFFIXES


def read_spec_file(path: str | Path, display: str | None = None) -> str:
    """The text of the spec file `path`; messages name it `display` (default: `path`).

    `UsageError` for a file that cannot be a spec, `SpecError` for text that is not UTF-8.
    """
    display = str(path) if display is None else display
    if is_model_file(path):
        raise UsageError(f"{display}: {_model_advice(display)}")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SPEC_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"{display}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{display}: is a directory, not a spec file") from None
    except OSError as error:
        raise UsageError(f"{display}: cannot read: {error.strerror or error}") from None
    return decode_spec(data, display)


def read_spec_stream(stream: BinaryIO, display: str) -> str:
    """The spec on a binary stream such as stdin, read by the same rules as a file."""
    try:
        data = stream.read(MAX_SPEC_BYTES + 1)
    except OSError as error:
        raise UsageError(f"{display}: cannot read: {error.strerror or error}") from None
    return decode_spec(data, display)


def spec_from_argument(text: str, display: str) -> str:
    """The spec given on the command line (`-e TEXT`), by the same rules as a file.

    Python hands over an argument that is not UTF-8 with its bytes as lone
    surrogates; they are turned back into those bytes, and refused as a file's are.
    """
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no bytes make: refused below, at its place
        data = text.encode("utf-8", "surrogatepass")
    return decode_spec(data, display)


def decode_spec(data: bytes, display: str) -> str:
    """`data` as spec text: UTF-8, within `MAX_SPEC_BYTES`, and not a binary file."""
    binary = _binary_kind(data)
    if binary is not None:
        raise UsageError(f"{display}: {binary}")
    if len(data) > MAX_SPEC_BYTES:
        raise UsageError(
            f"{display}: larger than {MAX_SPEC_BYTES:,} bytes, the most a spec may hold "
            "(a 10,000-layer spec is about 130 kB)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(data, error, display) from None


def _binary_kind(data: bytes) -> str | None:
    """Why `data` is obviously not a spec, in a few words, or None."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return f"a zip archive, not a spec; if it is a .keras model, {_model_commands()}"
    if data.startswith(b"\x89HDF\r\n\x1a\n"):
        return (
            "an HDF5 file (a legacy .h5 model?), not a spec; modelgen imports .keras, "
            ".json and .py models: save it with model.save('model.keras')"
        )
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32 text: a spec is UTF-8; save it as UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 text: a spec is UTF-8; save it as UTF-8"
    # git's test, made stricter: NUL bytes in the first 8 KiB, there in numbers (UTF-16
    # without a BOM, /dev/zero) or among bytes that are not UTF-8. A stray NUL in a text
    # spec is an error at its place instead.
    sample = data[:8192]
    if b"\0" in sample and (sample.count(b"\0") * 10 > len(sample) * 3 or not _utf8_start(sample)):
        return "a binary file (it holds NUL bytes), not a spec"
    return None


def _utf8_start(sample: bytes) -> bool:
    """Whether `sample`, the start of a file, is UTF-8 as far as it goes."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _model_commands() -> str:
    return (
        "'modelgen import FILE' writes its spec and 'modelgen convert FILE --to STYLE' its "
        "code; 'modelgen summary' and 'modelgen check' read it as it is"
    )


def _model_advice(display: str) -> str:
    return f"a Keras model file, not a spec: {_model_commands().replace('FILE', display)}"


def _not_utf8(data: bytes, error: UnicodeDecodeError, display: str) -> SpecError:
    """A positioned error at the first byte that is not UTF-8."""
    before = spec_text(data[: error.start].decode("utf-8"))
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    bad = " ".join(f"0x{byte:02x}" for byte in data[error.start : error.end])
    shown = spec_text(data.decode("utf-8", "replace"))  # the caret stands under a '\ufffd'
    return SpecError(
        display,
        shown,
        [
            Diagnostic(
                f"not UTF-8 text: the byte{'s' if error.end - error.start > 1 else ''} "
                f"{bad} ({error.reason})",
                Span.point(line, column),
                "a spec is UTF-8 text: save it as UTF-8",
            )
        ],
    )
