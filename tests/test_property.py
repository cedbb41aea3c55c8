"""Property: for random valid chains and DAGs, the static summary is the one Keras prints."""

from __future__ import annotations

from hypothesis import given

from .random_specs import Reached, block_specs, keras_backed, specs, summary_matches_keras

EXAMPLES = 200
# At least this share of the examples must reach Keras (see Reached). Measured at
# 55a90d8: 1,993 of 2,000 random specs pass the checker (99.6%).
REACHED_AT_LEAST = 0.9


def test_static_summary_equals_keras_for_random_specs(verify):
    count = Reached()

    @keras_backed(EXAMPLES)
    @given(spec=specs())
    def static_summary_is_keras(spec: str) -> None:
        if not summary_matches_keras(spec, verify):
            count.refuse()
        count.reached += 1

    static_summary_is_keras()
    count.assert_at_least(REACHED_AT_LEAST, EXAMPLES)


BLOCK_EXAMPLES = 30


def test_static_summary_equals_keras_for_random_block_specs(verify):
    """Blocks: shapes, counts and Keras' names of every use, inner layers counted."""
    count = Reached()

    @keras_backed(BLOCK_EXAMPLES)
    @given(spec=block_specs())
    def static_summary_is_keras(spec: str) -> None:
        if not summary_matches_keras(spec, verify):
            count.refuse()
        count.reached += 1

    static_summary_is_keras()
    count.assert_at_least(REACHED_AT_LEAST, BLOCK_EXAMPLES)
