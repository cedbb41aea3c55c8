"""The Jinja settings every modelgen template is rendered with, in one place.

Templates only place text that Python prepared, so undefined names are errors
(`StrictUndefined`), and block tags leave no stray blank lines. HTML templates
(`*.html.j2`) escape what they place; code and Markdown templates do not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from .cache import CacheFolder, private_folder

if TYPE_CHECKING:
    import jinja2


def environment(folder: str = "") -> jinja2.Environment:
    """An environment loading `templates/<folder>` from the installed package."""
    from importlib import resources

    import jinja2  # only rendering needs it; summary and check do not

    root = resources.files("modelgen.templates")
    # Compiling the templates is a good part of a cold `modelgen new`: keep the
    # compiled code (per Jinja version) where only this user can write.
    compiled = private_folder(f"jinja{jinja2.__version__}")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / folder if folder else root)),
        bytecode_cache=_private_bytecode_cache()(compiled) if compiled else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default=False, default_for_string=False
        ),
    )


@functools.cache
def _private_bytecode_cache() -> Callable[[CacheFolder], jinja2.BytecodeCache]:
    """A Jinja bytecode cache in an open private folder (a class made on first use, so
    that importing this module does not import jinja2)."""
    import jinja2

    class PrivateBytecodeCache(jinja2.BytecodeCache):
        """Compiled templates are marshalled code that Jinja runs: each is read from, and
        written to, the open folder's descriptor, never by a path (modelgen/cache.py).
        An entry that cannot be read is compiled again; one that cannot be written
        (a read-only or full disk) is not kept."""

        def __init__(self, folder: CacheFolder) -> None:
            self.folder = folder  # open as long as the environment is

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            data = self.folder.read(_entry_name(bucket))
            if data is None:
                return
            try:  # Jinja checks its magic (its version, Python's) and the source's checksum
                bucket.bytecode_from_string(data)
            except Exception:  # a damaged entry of this user's: compiled again
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            self.folder.write(_entry_name(bucket), bucket.bytecode_to_string())

        def clear(self) -> None:
            for name, _ in list(self.folder.entries()):
                self.folder.remove(name)

    return PrivateBytecodeCache


def _entry_name(bucket: jinja2.bccache.Bucket) -> str:
    return f"__jinja2_{bucket.key}.cache"  # as Jinja's FileSystemBytecodeCache names it
