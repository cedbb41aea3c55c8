"""Write model.mg (the spec as given) and model.py, which is exactly what
`modelgen new model.mg --style STYLE --imports IMPORTS` prints."""

import sys

from modelgen.project import write_model

sys.exit(
    write_model(
        {{ cookiecutter.__spec_path | tojson }},
        {{ cookiecutter.style | tojson }},
        {{ cookiecutter.imports | tojson }},
    )
)
