"""The private cache folder: compiled things worth keeping between runs.

lark's parse tables, Jinja's compiled templates and black's output are kept in
`$XDG_CACHE_HOME/modelgen`, or `~/.cache/modelgen`, so that a repeat `modelgen new`
does not rebuild them. Tables and templates are pickles and code: reading a planted
one is running another user's code. So the cache is reached only through file
descriptors, never by a path a library opens later:

- the base (`$XDG_CACHE_HOME`, or `$HOME/.cache`) is opened once; below it, each
  folder (`modelgen`, then e.g. `black`) is opened relative to its parent's
  descriptor, with `O_NOFOLLOW`, and used only if the open folder is this user's
  and nobody else can write to it. A symlink, a folder swapped in by someone else,
  or one others can write to: no cache;
- every entry is opened relative to its folder's descriptor, with `O_NOFOLLOW`, and
  read only if it is a regular file of this user's that nobody else can write to;
- entries are written to a fresh temporary name and renamed into place, both
  relative to the folder's descriptor, so a reader never sees half an entry.

The locations follow the XDG base-directory rules: a relative `XDG_CACHE_HOME` is
ignored, and `$HOME/.cache` is used only when `HOME` is an absolute path to an
existing folder (without `HOME`, the password database's home). The base itself is
made (mode 0700) if its parent exists; no other missing folder above `modelgen` is
ever made. Without a usable base, with `MODELGEN_NO_CACHE=1`, or when the cache
cannot be read or written (read-only, full), modelgen runs without it, silently:
the cache never changes what is generated.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator

NO_CACHE_VARIABLE = "MODELGEN_NO_CACHE"
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # far above any entry modelgen writes

_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_ENTRY_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # a FIFO: no hang
_NEW_ENTRY_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def cache_base() -> str | None:
    """The folder the cache lives in, by the XDG base-directory rules, or None."""
    configured = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(configured):  # "a relative path is invalid and should be ignored"
        return configured
    if "HOME" in os.environ:
        home = os.environ["HOME"]
    else:  # as Python's Path.home() does
        import pwd

        try:
            home = pwd.getpwuid(os.getuid()).pw_dir
        except KeyError:
            return None
    if not os.path.isabs(home) or not os.path.isdir(home):  # HOME="" is not "/"
        return None
    return os.path.join(home, ".cache")


def private_folder(*parts: str) -> CacheFolder | None:
    """`<base>/modelgen/<parts>`, opened and checked, made if missing; or None when there
    is no usable base, the cache is turned off, or a folder on the way is not private."""
    if os.environ.get(NO_CACHE_VARIABLE):
        return None
    base = cache_base()
    if base is None:
        return None
    try:
        descriptor = _open_base(base)
    except OSError:
        return None
    try:
        for name in ("modelgen", *parts):
            descriptor = _open_private(name, descriptor)  # closes the parent's
    except OSError:
        return None
    return CacheFolder(descriptor)


def _open_base(base: str) -> int:
    """The base folder, as the user named it (it may be a symlink of theirs), made if
    missing when its parent exists."""
    try:
        return os.open(base, _FOLDER_FLAGS)
    except FileNotFoundError:
        try:
            os.mkdir(base, 0o700)  # not parents: a missing parent means no cache
        except FileExistsError:  # made by another modelgen meanwhile
            pass
        return os.open(base, _FOLDER_FLAGS)


def _open_private(name: str, parent: int) -> int:
    """The folder `name` in `parent` (whose descriptor this closes), made if missing, if
    it is a folder of this user's that nobody else can write to; else `OSError`."""
    assert name and "/" not in name and name not in (".", ".."), name
    try:
        try:
            descriptor = os.open(name, _FOLDER_FLAGS | os.O_NOFOLLOW, dir_fd=parent)
        except FileNotFoundError:
            try:
                os.mkdir(name, 0o700, dir_fd=parent)
            except FileExistsError:  # made by another modelgen meanwhile
                pass
            descriptor = os.open(name, _FOLDER_FLAGS | os.O_NOFOLLOW, dir_fd=parent)
    finally:
        os.close(parent)
    try:
        _check_private(descriptor, stat.S_ISDIR)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


def _check_private(descriptor: int, kind: Callable[[int], bool]) -> os.stat_result:
    """The open file's status, if it is of `kind`, this user's and not writable by others."""
    info = os.fstat(descriptor)
    if not kind(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        raise PermissionError("not private: another user's, or writable by others")
    return info


class CacheFolder:
    """An open private cache folder. Entries are named, never given as paths: each is
    opened relative to the folder's descriptor, and checked as the folder was. Every
    method fails quietly (None, False): a cache that cannot be used is no cache."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor: int | None = descriptor

    def close(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def __enter__(self) -> CacheFolder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    @property
    def descriptor(self) -> int:
        if self._descriptor is None:
            raise ValueError("the cache folder is closed")
        return self._descriptor

    def read(self, name: str, touch: bool = False) -> bytes | None:
        """The bytes of entry `name`, or None if it is missing or not private. `touch`
        marks it as just used (its time), for pruning by age."""
        try:
            descriptor = os.open(name, _ENTRY_FLAGS, dir_fd=self.descriptor)
        except (OSError, ValueError):
            return None
        try:
            info = _check_private(descriptor, stat.S_ISREG)
            if info.st_size > MAX_ENTRY_BYTES:
                return None
            chunks = []
            while chunk := os.read(descriptor, 1 << 20):
                chunks.append(chunk)
            if touch:
                os.utime(descriptor)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(descriptor)

    def write(self, name: str, data: bytes) -> bool:
        """Put `data` in entry `name` atomically (a temporary entry, then a rename), or
        leave things as they were and say False."""
        temporary = f".{name}.{os.urandom(6).hex()}.tmp"
        try:
            descriptor = os.open(temporary, _NEW_ENTRY_FLAGS, 0o600, dir_fd=self.descriptor)
        except (OSError, ValueError):
            return False
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(descriptor, view) :]
            finally:
                os.close(descriptor)
            os.replace(temporary, name, src_dir_fd=self.descriptor, dst_dir_fd=self.descriptor)
            return True
        except OSError:
            try:
                os.unlink(temporary, dir_fd=self.descriptor)
            except OSError:
                pass
            return False

    def entries(self) -> Iterator[tuple[str, int]]:
        """Each entry's name and time (st_mtime_ns), temporary entries left out."""
        try:
            with os.scandir(self.descriptor) as found:
                for entry in found:
                    if entry.name.startswith("."):
                        continue
                    try:
                        yield entry.name, entry.stat(follow_symlinks=False).st_mtime_ns
                    except OSError:
                        continue
        except OSError:
            return

    def remove(self, name: str) -> None:
        try:
            os.unlink(name, dir_fd=self.descriptor)
        except OSError:
            pass
