"""Rewrite the golden files under examples/ and the catalogue table of docs/dsl.md: `python -m tests.regen`.

Review the diff: it shows exactly what changed in the generated code.
"""

from __future__ import annotations

from .goldens import DSL_DOC, example_specs, expected_dsl_doc, expected_files


def main() -> None:
    for spec in example_specs():
        for path, code in expected_files(spec).items():
            if code is None:
                path.unlink(missing_ok=True)
                continue
            if not path.exists() or path.read_text(encoding="utf-8") != code:
                path.write_text(code, encoding="utf-8")
                print(f"updated {path.relative_to(spec.parent.parent)}")
    doc = expected_dsl_doc()
    if DSL_DOC.read_text(encoding="utf-8") != doc:
        DSL_DOC.write_text(doc, encoding="utf-8")
        print("updated docs/dsl.md")


if __name__ == "__main__":
    main()
