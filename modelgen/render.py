"""Stage 3, render: `graph.ModelGraph` + a style -> Python source (not yet formatted).

Python prepares everything a template shows: the style builds its view (names,
literal reprs, constructor calls, the model expression and the imports the body
uses; see `views` and `styles`), and its Jinja template in `templates/` only
places that text in the module frame `_module.py.j2`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .graph import ModelGraph
from .styles import Style
from .templating import environment
from .views import FLAVOURS, RenderOptions

if TYPE_CHECKING:
    import jinja2

IMPORT_FLAVOURS = tuple(FLAVOURS)  # the flavour names `--imports` offers


@functools.cache
def _environment() -> jinja2.Environment:
    return environment()


def render(
    graph: ModelGraph, style: Style, imports: str = "keras", loads_weights: bool = False
) -> str:
    """The unformatted module for `graph` in `style`, through `templates/<style.template>`.

    `loads_weights`: `build_model(weights=None)` loads a `.weights.h5` file when given one.
    """
    view = style.view(graph, RenderOptions(imports, loads_weights))
    return _environment().get_template(style.template).render(view=view)


@functools.cache
def main_block() -> str:
    """How every generated module ends (`templates/_main.py.j2`), as black leaves it."""
    return _environment().get_template("_main.py.j2").render()
