"""The README and docs stay true to the code."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from modelgen import catalogue
from modelgen.generate import load
from modelgen.styles import STYLES

from .goldens import (
    CATALOGUE_END,
    CATALOGUE_START,
    EXAMPLES,
    ROOT,
    catalogue_table,
    example_specs,
    expected_dsl_doc,
)

README = (ROOT / "README.md").read_text(encoding="utf-8")
DSL = (ROOT / "docs" / "dsl.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    blocks = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    assert README.index("```bash") < README.index("## ")
    install_and_run, test = blocks[0], blocks[1]
    assert (
        install_and_run.startswith("pip install")
        and "modelgen new examples/mnist_mlp/mnist_mlp.mg" in install_and_run
    )
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci == test


def test_readme_first_command_prints_the_functional_golden():
    # run from the repository root, as on a fresh clone after `pip install -e .`
    install_and_run = re.findall(r"```bash\n(.*?)\n```", README, re.S)[0]
    command = shlex.split(install_and_run.split(" && ", 1)[1])
    assert command[:2] == ["modelgen", "new"]
    modelgen = str(Path(sys.executable).with_name("modelgen"))
    result = subprocess.run([modelgen, *command[1:]], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    golden = EXAMPLES / "mnist_mlp" / STYLES["functional"].file_name("mnist_mlp")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_readme_shows_the_golden_files():
    for style in STYLES.values():
        code = (EXAMPLES / "mnist_mlp" / style.file_name("mnist_mlp")).read_text()
        assert f"```python\n{code}```" in README, style.name


def test_readme_examples_table_lists_every_example():
    for spec in example_specs():
        assert f"`examples/{spec.parent.name}/{spec.name}`" in README


def test_dsl_catalogue_table_is_the_one_the_catalogue_writes():
    # written by python -m tests.regen, between its two markers
    assert DSL.count(CATALOGUE_START) == DSL.count(CATALOGUE_END) == 1
    table = DSL.split(CATALOGUE_START, 1)[1].split(CATALOGUE_END, 1)[0]
    assert table == catalogue_table(), "docs/dsl.md's layer table is stale: python -m tests.regen"
    assert DSL == expected_dsl_doc()


def test_dsl_reference_lists_every_layer_with_its_positional_parameters():
    for entry in catalogue.ENTRIES:
        row = next(
            line for line in DSL.splitlines() if line.startswith(f"| `{entry.keyword.lower()}` |")
        )
        for param in entry.positional_params:
            assert param.name in row, (entry.keyword, param.name)


def test_readme_check_output_is_what_check_prints(verify):
    graph = load((EXAMPLES / "mnist_mlp" / "mnist_mlp.mg").read_text(), "mnist_mlp.mg")
    table = (
        verify.check_graph(graph).table().splitlines()[1:]
    )  # the first line names the Keras version
    shown = (
        README.split("$ modelgen check examples/mnist_mlp/mnist_mlp.mg\n", 1)[1]
        .split("```", 1)[0]
        .splitlines()[1:]
    )
    assert shown == table


def test_readme_shows_what_convert_prints():
    golden = (EXAMPLES / "mnist_mlp" / "mnist_mlp_subclass.py").read_text()
    converted = golden.replace("from mnist_mlp.mg.", "from mnist_mlp_sequential.py.")
    assert f"```python\n{converted}```" in README


# ------------------------------------------------ issue 11, item 27: claims that were wrong


def test_the_docs_name_every_command_that_imports_tensorflow():
    from modelgen import cli

    assert "only command that imports TensorFlow" not in README
    assert "only command that imports TensorFlow" not in (cli.__doc__ or "")
    claim = README.split("Three things import TensorFlow", 1)[1].split("\n- ", 1)[0]
    for command in ("`check`", "`.py` file", "`convert --weights`"):
        assert command in claim, command
    # summary of a .py file runs it too (the summary --help says so)
    py_commands = claim.split("of a `.py` file", 1)[0].rsplit(";", 1)[-1]
    for command in ("`import`", "`convert`", "`summary`"):
        assert command in py_commands, command


def test_the_arity_paragraph_names_every_layer_that_does_not_read_one_source():
    arity = DSL.split("- **Arity**", 1)[1].split("\n- ", 1)[0].split("\n\n", 1)[0]
    for entry in catalogue.ENTRIES:
        if entry.is_input or (entry.min_inputs, entry.max_inputs) == (1, 1):
            continue
        if entry.max_inputs is None:  # two or more: a merge layer, called on a list
            assert entry.call_style == "list", entry.keyword
            continue
        assert f"`{entry.keyword.lower()}`" in arity, entry.keyword  # subtract, dot, attention
        if entry.min_inputs == entry.max_inputs:
            assert f"exactly {entry.min_inputs}" in arity.replace("two", "2"), entry.keyword


def test_the_common_arguments_sentence_names_every_layer_without_one():
    from modelgen.catalogue.wrappers import PASSED_ON
    from modelgen.errors import SpecError

    sentence = DSL.split("Every layer also takes `name=`", 1)[1].split("\n- ", 1)[0]
    for entry in catalogue.ENTRIES:
        own = {p.name for p in entry.params}
        if entry.is_operation:
            assert "operations" in sentence
            with pytest.raises(SpecError, match="a Keras operation, not a layer"):
                load(f"input 4 | {entry.example.split(' <-')[0]} trainable=false")
            continue
        assert "name" in own, entry.keyword
        if entry.is_wrapper:
            assert f"`{entry.keyword.lower()}`" in sentence and set(PASSED_ON) <= {
                "dtype",
                "trainable",
            }
        elif not {"dtype", "trainable"} <= own:
            word = entry.keyword.lower()
            assert (
                f"`{word}`" in sentence or f"`{word[:-2]}" in sentence or word[-2:] in sentence
            ), word


def test_layers_name_shows_how_a_bare_activation_is_given():
    from modelgen.catalogue.describe import describe as _describe

    for entry in catalogue.ENTRIES:
        param = entry.param("activation")
        if param is None or entry.is_wrapper:
            continue
        row = next(
            line for line in _describe(entry.keyword).splitlines() if line.startswith("activation ")
        )
        assert "bare or key=value" in row or param.required or "positional" in row, row


def test_readme_input_statement_lists_every_argument_of_input():
    bullet = README.split("- **Inputs**:", 1)[1].split("\n- ", 1)[0]
    for param in catalogue.INPUT.params:
        if not param.required and param.name != "name":  # name= is every layer's
            assert f"{param.name}=" in bullet, param.name


def test_readme_examples_table_gives_each_example_s_parameter_count():
    from modelgen.shapes import infer_shapes
    from modelgen.summary import summarize

    for spec in example_specs():
        row = next(
            line
            for line in README.splitlines()
            if line.startswith(f"| `examples/{spec.parent.name}/{spec.name}`")
        )
        total = summarize(infer_shapes(load(spec.read_text(), spec.name))).as_dict()
        assert row.rstrip(" |").endswith(f"{total['total_params']:,}"), (spec.name, row)


def test_the_wide_and_deep_example_flattens_before_its_dense_layers():
    # The tutorial calls skip_mlp "wide and deep": Dense on the 28x28 input itself gave
    # an output of (None, 28, 1), one per row, not one per image.
    from modelgen.shapes import infer_shapes

    graph = infer_shapes(load((EXAMPLES / "skip_mlp" / "skip_mlp.mg").read_text(), "skip_mlp.mg"))
    tutorial = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    assert "wide and deep" in tutorial
    for node, facts in zip(graph.nodes, graph.facts, strict=True):
        if node.entry.keyword in ("Dense", "Concatenate"):
            assert len(facts.output_shape) == 2, (node.label, facts.output_shape)
    assert graph.facts[-1].output_shape == (None, 1)


def test_the_init_example_says_its_synthetic_labels_are_noise():
    after = README.split("saved runs/model.keras; loaded back", 1)[1][:900]
    assert "synthetic" in after and "random" in after and "chance" in after
    project = (ROOT / "docs" / "project.md").read_text(encoding="utf-8")
    assert "Synthetic targets are random" in project


def test_layers_name_lists_the_call_arguments_a_spec_cannot_set():
    from modelgen.catalogue.describe import describe as _describe

    for entry in catalogue.ENTRIES:
        described = _describe(entry.keyword)
        for name, _ in entry.call_arguments:
            assert name in described.split("call arguments", 1)[-1].split("\n", 1)[0], name


def test_readme_counts_the_bad_spec_corpus_as_it_is():
    from .bad_specs import multi_specs, single_specs

    words = {4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
    said = re.search(r"`tests/bad/` holds (\d+) specs", README)
    assert said and int(said.group(1)) == len(single_specs())
    assert f"{words[len(multi_specs())]} more check that every error" in README


def test_the_readmes_library_example_runs_and_prints_the_subclass_golden(monkeypatch, capsys):
    block = README.split("From Python, the same pipeline is a library:\n\n```python\n")[1]
    monkeypatch.chdir(ROOT)
    exec(block.split("```")[0], {})
    golden = EXAMPLES / "mnist_mlp" / STYLES["subclass"].file_name("mnist_mlp")
    assert capsys.readouterr().out == golden.read_text(encoding="utf-8") + "\n"
