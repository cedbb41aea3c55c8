"""Refuse a model that modelgen cannot generate in the chosen style, before anything is
written; the errors are modelgen's own: file:line:col, the line, a caret and a hint."""

import sys

from modelgen.project import check_answers

sys.exit(
    check_answers(
        {{ cookiecutter.model | tojson }},
        {{ cookiecutter.__spec_path | tojson }},
        {{ cookiecutter.style | tojson }},
    )
)
