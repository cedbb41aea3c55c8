"""Stage 5, write: put generated files on disk all at once, or not at all.

Each file is written to a temporary file beside its target, and only when every one
is written are they renamed over their targets, so a reader never sees half a file.
If a rename fails or is interrupted (Ctrl-C), the files already renamed are put back
as they were: an error or Ctrl-C leaves every target as it found it, and no
temporary file behind. Existing files are only replaced with `force`, and read-only
ones never. Text is written as UTF-8 with its `\n` line endings kept; bytes (a
rendered image) as they are.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

from .errors import UsageError


def write_files(
    files: dict[Path, str | bytes], force: bool = False, folder: Path | None = None
) -> None:
    """Write every file or none of them. `folder`, if it does not exist but its parent
    does, is made for the files, and removed again if they cannot be written."""
    make = folder is not None and not folder.exists() and folder.parent.is_dir()
    for path in files:
        if path.exists() and path.is_dir():
            raise UsageError(f"{path}: is a directory")
        if path.exists() and not force:
            raise UsageError(f"{path}: already exists (use --force to overwrite it)")
        if path.exists() and not os.access(path, os.W_OK):
            raise UsageError(f"{path}: is read-only (make it writable to replace it)")
        if not path.parent.is_dir() and not (make and path.parent == folder):
            raise UsageError(f"{path}: the folder {path.parent} does not exist")
    staged: list[tuple[Path, str]] = []  # each target and the temporary file holding it
    replaced: list[tuple[Path, str | None]] = []  # each target renamed, and its old file
    leftovers: list[str] = []  # every temporary name made, removed at the end if still there
    target = None
    written = False
    try:
        if make:
            target = folder
            folder.mkdir()  # type: ignore[union-attr]
        for target, content in files.items():
            staged.append((target, _stage(target, content, leftovers)))
        for target, temporary in staged:
            # Recorded before the rename, so that an interrupt right after it is undone too.
            replaced.append((target, _backup(target, leftovers)))
            os.replace(temporary, target)
        written = True
    except OSError as error:
        _put_back(replaced)
        raise UsageError(f"{target}: cannot write: {error.strerror or error}") from None
    except BaseException:  # Ctrl-C among them
        _put_back(replaced)
        raise
    finally:
        for name in leftovers:
            if os.path.lexists(name):
                os.unlink(name)
        if make and not written and folder.is_dir():  # type: ignore[union-attr]
            folder.rmdir()  # type: ignore[union-attr]


def _put_back(replaced: list[tuple[Path, str | None]]) -> None:
    """Undo the renames: remove the files that were new, give the old ones their names back."""
    for target, backup in reversed(replaced):
        if backup is None:
            target.unlink(missing_ok=True)
        else:
            os.replace(backup, target)


def _backup(path: Path, leftovers: list[str]) -> str | None:
    """A second name for the file at `path` (a hard link, else a copy), or None if there is none."""
    if not path.exists():
        return None
    while True:
        name = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.bak")
        try:
            os.link(path, name)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links
            name = _stage(path, b"", leftovers)
            shutil.copy2(path, name)
            return name
        leftovers.append(name)
        return name


def _stage(path: Path, content: str | bytes, leftovers: list[str]) -> str:
    """A temporary file beside `path` holding `content`; its name is added to `leftovers`."""
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    leftovers.append(temporary)
    # Text as UTF-8 bytes: the same as a text file with newline="\n" on every system.
    data = content.encode("utf-8") if isinstance(content, str) else content
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, 0o666 & ~_umask())
    return temporary


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
