"""Stage 5, write: put generated files on disk all at once, or not at all.

Each file is written to a temporary file beside its target and renamed over it,
so a reader never sees half a file, and an error or Ctrl-C leaves nothing behind.
Existing files are only replaced with `force`. Text is written as UTF-8 with its `\n`
line endings kept; bytes (a rendered image) as they are.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import UsageError


def write_files(files: dict[Path, str | bytes], force: bool = False) -> None:
    """Write every file or none of them."""
    for path in files:
        if path.exists() and path.is_dir():
            raise UsageError(f"{path}: is a directory")
        if path.exists() and not force:
            raise UsageError(f"{path}: already exists (use --force to overwrite it)")
        if not path.parent.is_dir():
            raise UsageError(f"{path}: the folder {path.parent} does not exist")
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            staged.append((_stage(path, content), path))
        for temporary, path in staged:
            os.replace(temporary, path)
    except OSError as error:
        raise UsageError(f"{error.filename or path}: cannot write: {error.strerror}") from None
    finally:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)


def _stage(path: Path, content: str | bytes) -> str:
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        # Text as UTF-8 bytes: the same as a text file with newline="\n" on every system.
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
