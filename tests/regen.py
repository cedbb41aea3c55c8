"""Rewrite the golden files under examples/, the catalogue table of docs/dsl.md and the
generated blocks of docs/tutorial.md: `python -m tests.regen`.

Review the diff: it shows exactly what changed in the generated code.
"""

from __future__ import annotations

from .bad_specs import write_snapshots
from .goldens import (
    DSL_DOC,
    ROOT,
    TUTORIAL,
    example_specs,
    expected_dsl_doc,
    expected_files,
    expected_tutorial,
)


def main() -> None:
    for spec in example_specs():
        for path, code in expected_files(spec).items():
            if code is None:
                path.unlink(missing_ok=True)
                continue
            if not path.exists() or path.read_text(encoding="utf-8") != code:
                path.write_text(code, encoding="utf-8")
                print(f"updated {path.relative_to(ROOT)}")
    doc = expected_dsl_doc()
    if DSL_DOC.read_text(encoding="utf-8") != doc:
        DSL_DOC.write_text(doc, encoding="utf-8")
        print("updated docs/dsl.md")
    tutorial = expected_tutorial()
    if TUTORIAL.read_text(encoding="utf-8") != tutorial:
        TUTORIAL.write_text(tutorial, encoding="utf-8")
        print("updated docs/tutorial.md")
    for path in write_snapshots():  # tests/bad/: what modelgen says about bad specs
        print(f"updated {path}")


if __name__ == "__main__":
    main()
