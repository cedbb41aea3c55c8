"""Stage 4, format: rendered source -> black-formatted source, in-process.

Importing black is most of a cold `modelgen new` (0.28 s of 0.37 s), so what black
made is kept in the private cache folder, under a key made of the rendered source
and the installed black's file: a spec that renders as it did last time (a
pre-commit hook, a tutorial build, a baked project's test) is formatted without
importing black. Each entry carries a digest of its text and is used only if the
text still matches it; the folder keeps the `MAX_ENTRIES` most recently used, of at
most `MAX_CACHED_CHARS` each. `MODELGEN_NO_CACHE=1` turns it off with the others.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
from typing import TYPE_CHECKING

from .cache import CacheFolder, private_folder

if TYPE_CHECKING:
    import black

TARGET_VERSION = "PY311"  # part of the key: output for another target would differ
MAX_ENTRIES = 256
_PRUNED_TO = MAX_ENTRIES * 3 // 4
MAX_CACHED_CHARS = 256_000  # about 2,500 layers: at most 64 MB in all


@functools.cache
def _mode() -> (
    black.Mode
):  # black is imported on first use only: it is the slowest import on the path
    import black

    return black.Mode(target_versions={black.TargetVersion[TARGET_VERSION]})


def format_code(source: str) -> str:
    folder = private_folder("black") if len(source) <= MAX_CACHED_CHARS else None
    key = _key(source) if folder is not None else None
    if folder is None or key is None:
        if folder is not None:
            folder.close()
        return run_black(source)
    with folder:
        cached = _read(folder, key)
        if cached is not None:
            return cached
        formatted = run_black(source)
        _write(folder, key, formatted)
        return formatted


def run_black(source: str) -> str:
    """black's output for `source`, always from black itself."""
    import black

    # black builds a tree of about a million objects for a 10,000-layer model, and the
    # cyclic collector walks it again and again: its time per line grows 1.7x from
    # 1,000 to 10,000 lines. Paused, it stays flat (and halves), at the price of black's
    # garbage waiting until it returns (peak memory 500 MB instead of 300 MB there).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return black.format_str(source, mode=_mode())
    finally:
        if collecting:
            gc.enable()


@functools.cache
def _black_identity() -> str | None:
    """The installed black, without importing it: its module file, size and time.
    A reinstall or an upgrade replaces the file, and so changes every key."""
    import importlib.util

    spec = importlib.util.find_spec("black")
    if spec is None or spec.origin is None:
        return None
    try:
        info = os.stat(spec.origin)
    except OSError:
        return None
    return f"{spec.origin}\0{info.st_size}\0{info.st_mtime_ns}"


def _key(source: str) -> str | None:
    """The cache's name for black's output for `source`, or None without black."""
    identity = _black_identity()
    return None if identity is None else _digest(f"{identity}\0{TARGET_VERSION}\0{source}")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _read(folder: CacheFolder, key: str) -> str | None:
    """The text of an entry, or None if there is none or it is not whole."""
    data = folder.read(key, touch=True)  # recently used: pruned last
    if data is None:
        return None
    try:
        check, _, text = data.decode("utf-8").partition("\n")
    except UnicodeDecodeError:
        return None
    return text if check == _digest(text) else None


def _write(folder: CacheFolder, key: str, text: str) -> None:
    """Add an entry (atomically: modelgen/cache.py) and prune; a cache that cannot be
    written is no cache."""
    try:
        data = f"{_digest(text)}\n{text}".encode()
    except UnicodeEncodeError:  # text Python cannot encode (a lone surrogate)
        return
    if folder.write(key, data):
        _prune(folder)


def _prune(folder: CacheFolder) -> None:
    """Past `MAX_ENTRIES`, keep the most recently used."""
    entries = list(folder.entries())
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda entry: entry[1])
    for name, _ in entries[: len(entries) - _PRUNED_TO]:
        folder.remove(name)
