"""The Jinja settings every modelgen template is rendered with, in one place.

Templates only place text that Python prepared, so undefined names are errors
(`StrictUndefined`), and block tags leave no stray blank lines. HTML templates
(`*.html.j2`) escape what they place; code and Markdown templates do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cache import private_folder

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
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default=False, default_for_string=False
        ),
    )
