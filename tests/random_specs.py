"""Hypothesis strategies for random valid specs: chains and DAGs built from the catalogue.

Each step draws a layer that fits the current tensor's rank; a step may also fork
into two branches that a merge layer joins again. Specs that the static checker
refuses (a pooling window larger than its input, say) are rejected by the caller,
so every example that reaches Keras is one modelgen accepts: `summary_matches_keras`
says which, and test_property counts them.

`python -m tests.random_specs --examples 2000` runs the long campaign.
"""

from __future__ import annotations

from types import ModuleType
from typing import NoReturn

from hypothesis import reject
from hypothesis import strategies as st

from modelgen import catalogue
from modelgen.errors import SpecError
from modelgen.generate import load

from .summaries import built_summary, static_summary

ACTIVATIONS = ["relu", "tanh", "sigmoid", "softmax", "linear", "gelu", "elu"]


def _pick(draw, options: list[tuple[str, int]]) -> tuple[str, int]:
    """A (statement, new rank) among those whose layer the catalogue knows."""
    known = [o for o in options if catalogue.lookup(o[0].split()[0]) is not None]
    return draw(st.sampled_from(known))


def _small(draw, low: int = 1, high: int = 12) -> int:
    return draw(st.integers(low, high))


def step(draw, rank: int) -> tuple[str, int]:
    """One layer statement for an input of `rank` (batch axis included), and its output rank."""
    units, act = _small(draw), draw(st.sampled_from(ACTIVATIONS))
    flag = draw(st.sampled_from(["true", "false"]))
    rate = draw(st.sampled_from([0.1, 0.25, 0.5]))
    everyday = [
        (f"dense {units} {act} use_bias={flag}", rank),
        (f"activation {act}", rank),
        (f"dropout {rate}", rank),
        ("layernormalization", rank),
        (f"batchnormalization center={flag}", rank),
        ("relu", rank),
        (f"leakyrelu negative_slope={rate}", rank),
        ("elu", rank),
        ("softmax", rank),
        (f"gaussiannoise {rate}", rank),
        (
            f"dense {units} kernel_initializer=variance_scaling({rate}, mode=fan_out) "
            f"kernel_regularizer=l2({rate}) bias_constraint=max_norm({units})",
            rank,
        ),
        (f"add_constant {rate}", rank),
        (f"multiply_constant {rate}", rank),
    ]
    if rank == 2:
        options = everyday + [(f"repeatvector {_small(draw, 1, 5)}", 3), ("prelu", 2)]
    elif rank == 3:
        kernel, strides = _small(draw, 1, 3), _small(draw, 1, 2)
        seq = draw(st.sampled_from(["true", "false"]))
        options = everyday + [
            (f"conv1d {units} {kernel} strides={strides} padding=same", 3),
            (f"maxpooling1d {strides} padding=same", 3),
            (f"lstm {units} return_sequences={seq}", 3 if seq == "true" else 2),
            (f"gru {units} return_sequences={seq} reset_after={flag}", 3 if seq == "true" else 2),
            (f"simplernn {units} return_sequences={seq}", 3 if seq == "true" else 2),
            (f"bidirectional lstm {units} return_sequences={seq}", 3 if seq == "true" else 2),
            (f"timedistributed dense {units}", 3),
            ("globalaveragepooling1d", 2),
            ("globalmaxpooling1d", 2),
            ("flatten", 2),
            (f"upsampling1d {_small(draw, 1, 3)}", 3),
            (f"zeropadding1d {_small(draw, 0, 2)}", 3),
            (f"spatialdropout1d {rate}", 3),
        ]
    else:
        kernel, strides = _small(draw, 1, 3), _small(draw, 1, 2)
        size = f"{kernel}x{kernel}"
        options = everyday + [
            (f"conv2d {units} {size} strides={strides} padding=same {act}", 4),
            (f"conv2d {units} {size} use_bias={flag}", 4),
            (f"separableconv2d {units} {size} padding=same", 4),
            (f"depthwiseconv2d {size} padding=same depth_multiplier={_small(draw, 1, 2)}", 4),
            (f"conv2dtranspose {units} {size} strides={strides}", 4),
            (f"maxpooling2d {strides}x{strides} padding=same", 4),
            (f"averagepooling2d {strides}x{strides} padding=same", 4),
            ("globalaveragepooling2d", 2),
            ("globalmaxpooling2d", 2),
            ("flatten", 2),
            (f"upsampling2d {_small(draw, 1, 2)}x{_small(draw, 1, 2)}", 4),
            (f"zeropadding2d {_small(draw, 0, 2)}", 4),
            (f"spatialdropout2d {rate}", 4),
        ]
    return _pick(draw, options)


def keras_backed(examples: int):
    """Hypothesis settings for a property that builds each example in Keras."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=examples,
        deadline=None,  # a Keras build takes what it takes
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )


class Reached:
    """How many examples of a `keras_backed` property reached Keras, and how many the
    static checker refused first. filter_too_much is suppressed there, so without a
    floor a strategy that drifted into refused specs would pass while testing nothing."""

    def __init__(self) -> None:
        self.reached = 0
        self.refused = 0

    def refuse(self) -> NoReturn:
        self.refused += 1
        reject()

    def assert_at_least(self, share: float, examples: int) -> None:
        """At least `share` of the `examples` asked for, and of all tried, reached Keras."""
        counts = {"reached": self.reached, "refused": self.refused}
        assert self.reached >= share * examples, counts
        assert self.reached >= share * (self.reached + self.refused), counts


MERGES = ["add", "multiply", "maximum", "minimum", "average", "subtract", "concatenate"]


@st.composite
def specs(draw, max_steps: int = 7) -> str:
    rank = draw(st.sampled_from([2, 3, 4]))
    if rank == 2:
        dims = f"{_small(draw, 1, 16)}"
    elif rank == 3:
        steps = draw(st.sampled_from(["?", "4", "7", "10"]))
        dims = f"{steps}x{_small(draw, 1, 8)}"
    else:
        side = _small(draw, 4, 12)
        dims = f"{side}x{side}x{_small(draw, 1, 4)}"
    lines = [f"n0: input {dims}"]
    current, counter = "n0", 0
    for _ in range(draw(st.integers(1, max_steps))):
        counter += 1
        label = f"n{counter}"
        if draw(st.integers(0, 3)) == 0:  # fork into two same-shaped branches and merge them
            width = _small(draw, 1, 8)
            merge = draw(st.sampled_from([m for m in MERGES if catalogue.lookup(m)]))
            lines.append(f"{label}a: dense {width} <- {current}")
            lines.append(
                f"{label}b: dense {width} {draw(st.sampled_from(ACTIVATIONS))} <- {current}"
            )
            lines.append(f"{label}: {merge} <- {label}a, {label}b")
        else:
            text, rank = step(draw, rank)
            lines.append(f"{label}: {text} <- {current}")
        current = label
    return "\n".join(lines)


def _input_dims(draw, rank: int) -> str:
    if rank == 2:
        return f"{_small(draw, 1, 16)}"
    if rank == 3:
        return f"{draw(st.sampled_from(['?', '4', '7', '10']))}x{_small(draw, 1, 8)}"
    side = _small(draw, 4, 12)
    return f"{side}x{side}x{_small(draw, 1, 4)}"


@st.composite
def block_specs(draw, max_steps: int = 4) -> str:
    """A spec with blocks: `unit`, whose body keeps its input's rank and uses its
    parameters `$units` and `$act` (and may merge two branches or read its input again),
    used with other values, repeated, and used by a second block, `pair`."""
    rank = draw(st.sampled_from([2, 3, 4]))
    body = ["  x: input", "  dense $units activation=$act"]
    for _ in range(draw(st.integers(0, max_steps))):
        text, new_rank = step(draw, rank)
        if new_rank == rank and not text.startswith(("repeatvector", "prelu")):
            body.append(f"  {text}")
    if draw(st.booleans()):  # two branches of the same shape, merged
        merge = draw(st.sampled_from(["add", "multiply", "maximum", "concatenate"]))
        body += [
            "  left: dense $units",
            "  right: dense $units activation=$act <- left",
            f"  {merge} <- left, right",
        ]
    units = [_small(draw, 1, 8) for _ in range(3)]
    lines = ["block unit units act=relu", *body, "end"]
    uses = [
        f"unit {units[0]}",
        f"unit * [{units[1]}] [{units[2]} act={draw(st.sampled_from(ACTIVATIONS))}]",
    ]
    if draw(st.booleans()):
        lines += ["block pair units", "  input", "  unit $units", "  unit $units act=tanh", "end"]
        uses.append(f"p: pair {units[0]}")
    if draw(st.booleans()):
        uses.append(f"dense {_small(draw)}")  # a layer after the blocks: names counted on
    lines += [f"input {_input_dims(draw, rank)}", *draw(st.permutations(uses))]
    return "\n".join(lines)


def summary_matches_keras(spec: str, verify: ModuleType) -> bool:
    """Assert that modelgen's static summary of `spec` is the one Keras reports: True once
    Keras has built it, False (nothing compared) when the static checker refuses `spec`;
    test_catalogue_keras proves the refusals."""
    try:
        load(spec, "case.mg")
    except SpecError:
        return False
    assert static_summary(spec) == built_summary(spec, verify), spec
    return True


def main() -> None:
    """The long campaign: `python -m tests.random_specs --examples N`."""
    import argparse

    from hypothesis import HealthCheck, given, reject, settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=2000)
    arguments = parser.parse_args()
    from modelgen import verify

    reached = 0

    @settings(
        max_examples=arguments.examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(spec=specs())
    def run(spec: str) -> None:
        nonlocal reached
        if not summary_matches_keras(spec, verify):
            reject()
        reached += 1

    run()
    print(f"{reached} random specs built by Keras: static summary == Keras summary")


if __name__ == "__main__":
    main()
