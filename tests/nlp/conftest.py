from __future__ import annotations

import pytest

from nlp import DEFAULT_MODEL_DIR
from nlp.pipeline import SpacyClassifier


@pytest.fixture(scope="module")
def model() -> SpacyClassifier:
    """The shipped model, loaded once per test module."""
    return SpacyClassifier.load(DEFAULT_MODEL_DIR)
