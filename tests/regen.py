"""Rewrite the golden files under examples/ from their specs: `python -m tests.regen`.

Review the diff: it shows exactly what changed in the generated code.
"""

from __future__ import annotations

from .goldens import example_specs, expected_files


def main() -> None:
    for spec in example_specs():
        for path, code in expected_files(spec).items():
            if code is None:
                path.unlink(missing_ok=True)
                continue
            if not path.exists() or path.read_text(encoding="utf-8") != code:
                path.write_text(code, encoding="utf-8")
                print(f"updated {path.relative_to(spec.parent.parent)}")


if __name__ == "__main__":
    main()
