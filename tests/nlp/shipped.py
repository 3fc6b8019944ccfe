"""Tests of the shipped model are skipped when it is not built (its fixture: conftest)."""

from __future__ import annotations

import pytest

from nlp import model_exists

shipped = pytest.mark.skipif(not model_exists(), reason="no trained model in nlp/model")
