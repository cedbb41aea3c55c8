"""`new --check` and `--diff`: generated files against the ones on disk, as black --check.

    for checked in check_files({Path("model.py"): code}):
        if not checked.up_to_date:
            print(checked.diff())

Nothing is written. Each file is read when it is reached, so that what a command says
of the first files comes before an error reading a later one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError, visible


@dataclass(frozen=True)
class CheckedFile:
    """One generated file and what is on disk at its path."""

    path: Path
    generated: str
    on_disk: str | None  # None: there is no file at `path`

    @property
    def up_to_date(self) -> bool:
        return self.on_disk == self.generated

    def diff(self) -> str:
        """How the file on disk would change, as a unified diff ('' when it would not);
        the names are shown escaped, as every file name a command prints."""
        import difflib  # only a stale file needs it

        shown = visible(str(self.path))
        return "".join(
            difflib.unified_diff(
                (self.on_disk or "").splitlines(keepends=True),
                self.generated.splitlines(keepends=True),
                f"{shown} (on disk)",
                f"{shown} (generated)",
            )
        )


def check_files(files: Mapping[Path, str]) -> Iterator[CheckedFile]:
    """Each generated file (path -> code) beside what is on disk, in order; `UsageError`
    for a file that exists and cannot be read as UTF-8 text."""
    for path, code in files.items():
        try:
            on_disk: str | None = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            on_disk = None
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"{path}: cannot read: {error}") from None
        yield CheckedFile(path, code, on_disk)
