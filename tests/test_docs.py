"""The README and docs stay true to the code."""

from __future__ import annotations

import re

from modelgen import catalogue
from modelgen.generate import load

from .goldens import EXAMPLES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
DSL = (ROOT / "docs" / "dsl.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    blocks = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    assert README.index("```bash") < README.index("## ")
    install_and_run, test = blocks[0], blocks[1]
    assert (
        install_and_run.startswith("pip install")
        and "modelgen new examples/mnist_mlp.mg" in install_and_run
    )
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci == test


def test_readme_shows_the_golden_files():
    for style in ("sequential", "sequential_list", "functional", "subclass"):
        code = (EXAMPLES / f"mnist_mlp_{style}.py").read_text()
        assert f"```python\n{code}```" in README, style


def test_readme_examples_table_lists_every_example():
    for spec in EXAMPLES.glob("*.mg"):
        assert f"`examples/{spec.name}`" in README


def test_dsl_reference_lists_every_layer_with_its_positional_parameters():
    for entry in catalogue.ENTRIES:
        row = next(
            line for line in DSL.splitlines() if line.startswith(f"| `{entry.keyword.lower()}` |")
        )
        for param in entry.positional_params:
            assert param.name in row, (entry.keyword, param.name)


def test_readme_check_output_is_what_check_prints(verify):
    graph = load((EXAMPLES / "mnist_mlp.mg").read_text(), "mnist_mlp.mg")
    table = (
        verify.check_graph(graph).table().splitlines()[1:]
    )  # the first line names the Keras version
    shown = (
        README.split("$ modelgen check examples/mnist_mlp.mg\n", 1)[1]
        .split("```", 1)[0]
        .splitlines()[1:]
    )
    assert shown == table


def test_readme_shows_what_convert_prints():
    golden = (EXAMPLES / "mnist_mlp_subclass.py").read_text()
    converted = golden.replace("from mnist_mlp.mg.", "from mnist_mlp_sequential.py.")
    assert f"```python\n{converted}```" in README
