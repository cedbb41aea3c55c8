"""Stage 5, write: put generated files on disk all at once, or not at all.

Each file is written to a temporary file beside its target, and only when every one
is written are they put in place, so a reader never sees half a file:

* a new file (no `force`) is put in place with a hard link, which fails if the target
  exists: of two writers racing for one name exactly one wins, and the other gets the
  "already exists" error. On a file system without hard links an empty file is first
  made with `O_EXCL` to claim the name, then the temporary file is renamed over it;
* with `force`, the temporary file is renamed over the target, after a second name
  (a backup) is given to the old file.

Only regular files are ever replaced: a folder, a symbolic link, a FIFO, a device or a
socket at a target is refused, with or without `force`, as is a read-only file.

If anything fails or is interrupted (Ctrl-C, or SIGTERM and SIGHUP, which the command
turns into an exception), the targets already put in place are put back: a file this
process made is removed (it is recognised by its inode, so a file another process made
at the same name is left alone) and a replaced one gets its old file back. Signals are
held while a file is made and recorded, and while the writes are undone, so that a
second signal cannot leave a file behind. The targets end as they were found, with no
temporary or backup file left. Text is written as UTF-8 with its `\n` line endings
kept; bytes (a rendered image) as they are; a `FromFile` (weights Keras saved in a
temporary folder) is copied from that file, without holding it in memory.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError

# What an interrupted write must survive: Ctrl-C, and the signals a terminal or a
# process manager sends to end a program.
_SIGNALS = {
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
}


@dataclass(frozen=True)
class FromFile:
    """The content of a file already on disk, written in its bytes."""

    path: Path


Content = str | bytes | FromFile


@dataclass
class _Placed:
    """A target being put in place, and how to undo it."""

    target: Path
    ours: set[tuple[int, int]] = field(default_factory=set)  # (st_dev, st_ino) of files we made
    backup: str | None = None  # the old file's second name, when one was replaced


def write_files(
    files: Mapping[Path, Content], force: bool = False, folder: Path | None = None
) -> None:
    """Write every file or none of them. `folder`, if it does not exist but its parent
    does, is made for the files, and removed again if they cannot be written."""
    new_folder = (
        folder if folder is not None and not folder.exists() and folder.parent.is_dir() else None
    )
    for path in files:
        check_target(path, force)
        if not path.parent.is_dir() and path.parent != new_folder:
            raise UsageError(f"{path}: the folder {path.parent} does not exist")
    staged: list[tuple[Path, str, tuple[int, int]]] = []  # target, temporary file, its inode
    placed: list[_Placed] = []
    leftovers: list[str] = []  # every temporary name made, removed at the end if still there
    target = None
    made = written = False
    try:
        if new_folder is not None:
            target = new_folder
            with signals_held():
                new_folder.mkdir()
                made = True
        for target, content in files.items():
            staged.append((target, *_stage(target, content, leftovers)))
        for target, temporary, inode in staged:
            # Recorded before the file is put in place, so an interrupt right after is undone.
            entry = _Placed(target, {inode})
            placed.append(entry)
            if force:
                entry.backup = _backup(target, leftovers)
                os.replace(temporary, target)
            else:
                _create(temporary, target, entry)
        with signals_held():  # a signal now arrives once the write is whole and tidy
            written = True
            _remove(leftovers)
    except BaseException as error:  # Ctrl-C, SIGTERM, an "already exists" lost to another writer
        if written:
            raise
        _undo(placed, leftovers, folder if made else None)
        if isinstance(error, OSError):
            raise UsageError(f"{target}: cannot write: {error.strerror or error}") from None
        raise


def check_target(path: Path, force: bool = False) -> None:
    """Raise `UsageError` if `write_files` would refuse to write `path`, for a command that
    must know before it writes anything else."""
    refusal = _refusal(path, force)
    if refusal is not None:
        raise UsageError(refusal)


def _refusal(path: Path, force: bool) -> str | None:
    """Why `path` cannot be written (with or without `force`), or None."""
    try:
        status = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISLNK(status.st_mode):
        if path.is_dir():
            return f"{path}: is a directory"
        return (
            f"{path}: is a symbolic link (to {os.readlink(path)}); modelgen replaces only "
            "regular files, never a link: give -o the file itself"
        )
    if stat.S_ISDIR(status.st_mode):
        return f"{path}: is a directory"
    if not stat.S_ISREG(status.st_mode):
        kind = _kind(status.st_mode)
        return f"{path}: is {kind}, not a regular file; modelgen replaces only regular files"
    if not force:
        return f"{path}: already exists (use --force to overwrite it)"
    if not os.access(path, os.W_OK):
        return f"{path}: is read-only (make it writable to replace it)"
    return None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _create(temporary: str, target: Path, entry: _Placed) -> None:
    """Give the staged file the target's name, failing if the name is taken."""
    taken = UsageError(f"{target}: already exists (use --force to overwrite it)")
    try:
        os.link(temporary, target)
        return
    except FileExistsError:
        raise taken from None
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
    # No hard links here: claim the name with an empty file, then rename over the claim.
    try:
        with signals_held():
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            claim = os.fstat(descriptor)
            entry.ours.add((claim.st_dev, claim.st_ino))
    except FileExistsError:
        raise taken from None
    os.close(descriptor)
    os.replace(temporary, target)


# What link() says where a file system has no hard links (FAT, some network and FUSE ones).
_NO_HARD_LINKS = {
    getattr(errno, name)
    for name in ("EPERM", "EOPNOTSUPP", "ENOTSUP", "ENOSYS", "EMLINK")
    if hasattr(errno, name)
}


def _undo(placed: list[_Placed], leftovers: list[str], folder: Path | None) -> None:
    """Put every target back as it was found and remove what this write made, signals held."""
    with signals_held():
        for entry in reversed(placed):
            try:
                status = os.lstat(entry.target)
            except OSError:
                continue
            if (status.st_dev, status.st_ino) not in entry.ours:
                continue  # never put in place, or another process's file
            with contextlib.suppress(OSError):  # one that cannot be undone: undo the others
                if entry.backup is None:
                    os.unlink(entry.target)
                else:
                    os.replace(entry.backup, entry.target)
        _remove(leftovers)
        if folder is not None:
            with contextlib.suppress(OSError):  # not empty: another process wrote there
                folder.rmdir()


def _remove(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _backup(path: Path, leftovers: list[str]) -> str | None:
    """A second name for the file at `path` (a hard link, else a copy), or None if there is none."""
    check_target(path, force=True)  # again: it may have changed since it was checked
    if not path.exists():
        return None
    while True:
        name = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.bak")
        try:
            with signals_held():
                os.link(path, name)
                leftovers.append(name)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links
            name = _stage(path, b"", leftovers)[0]
            shutil.copy2(path, name)
        return name


def _stage(path: Path, content: Content, leftovers: list[str]) -> tuple[str, tuple[int, int]]:
    """A temporary file beside `path` holding `content`, and its (st_dev, st_ino); its name
    is added to `leftovers`."""
    with signals_held():
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        leftovers.append(temporary)
    with os.fdopen(descriptor, "wb") as handle:
        if isinstance(content, FromFile):
            with open(content.path, "rb") as source:
                shutil.copyfileobj(source, handle)
        else:
            # Text as UTF-8 bytes: the same as a text file with newline="\n" on every system.
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
        status = os.fstat(handle.fileno())
    os.chmod(temporary, 0o666 & ~_umask())
    return temporary, (status.st_dev, status.st_ino)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP (they arrive when the block ends): a file made and
    its record, or an undo, then happen whole."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
