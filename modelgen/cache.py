"""The private cache folder: compiled things worth keeping between runs.

lark's parse tables and Jinja's compiled templates are kept in `~/.cache/modelgen`
(or `$XDG_CACHE_HOME/modelgen`), so a cold `modelgen new` does not rebuild them.
Both are code or pickles, so they are read only from a folder this user owns and
nobody else can write to; anywhere else, or with `MODELGEN_NO_CACHE=1`, nothing is
cached.
"""

from __future__ import annotations

import os
from pathlib import Path


def private_folder(*parts: str) -> Path | None:
    """`~/.cache/modelgen/<parts>`, made if missing, or None when it is not private."""
    if os.environ.get("MODELGEN_NO_CACHE"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "modelgen"
    try:
        for path in (folder, folder.joinpath(*parts)):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = path.stat()
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return None
    except OSError:
        return None
    return folder.joinpath(*parts)
