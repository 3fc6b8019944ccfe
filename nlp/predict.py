"""Running a trained language pipeline on docs: raw service and intent distributions."""

from __future__ import annotations

from typing import Any

from .calibration import Distribution
from .features import LEX_KEY


def service_distribution(nlp: Any, doc: Any) -> Distribution:
    """(model probabilities, cue scores) of the service textcat for one doc."""
    doc = nlp.get_pipe("service")(doc)
    return dict(doc.cats), dict(doc.user_data[LEX_KEY])
