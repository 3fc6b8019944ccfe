"""Running a trained language pipeline on docs: raw service and intent distributions."""

from __future__ import annotations

from typing import Any

from .calibration import Distribution
from .features import LEX_KEY


def service_distribution(nlp: Any, doc: Any, head: Any = None) -> Distribution:
    """(model probabilities, cue scores) of the service textcat for one doc; ``head`` is an
    optional ``(VectorTable, VectorHead)`` pair whose vote is blended in (see :mod:`nlp.vectors`).
    """
    from .vectors import blend

    doc = nlp.get_pipe("service")(doc)
    probs = dict(doc.cats)
    if head is not None:
        table, model = head
        probs = blend(probs, model.predict(table.embed_many([doc.text]))[0])
    return probs, dict(doc.user_data[LEX_KEY])
