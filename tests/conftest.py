from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def verify():
    """modelgen.verify, which imports TensorFlow: once per test session, and only for tests that build models."""
    from modelgen import verify as module

    return module
