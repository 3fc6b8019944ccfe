"""Running a trained language pipeline on docs: raw service distributions."""

from __future__ import annotations

from typing import Any

from .calibration import Distribution
from .features import LEX_KEY


def service_distribution(nlp: Any, doc: Any, head: Any = None, char: Any = None) -> Distribution:
    """(model probabilities, cue scores, head vote, character-model vote) of the service textcat
    for one doc; ``head`` is an optional ``(VectorTable, VectorHead)`` pair (see
    :mod:`nlp.vectors`), ``char`` an optional :class:`nlp.charngram.CharNgramModel`."""
    doc = nlp.get_pipe("service")(doc)
    vote = None
    if head is not None:
        table, model = head
        vote = model.predict(table.embed_many([doc.text]))[0]
    char_vote = char.predict([doc.text])[0] if char is not None else None
    return dict(doc.cats), dict(doc.user_data[LEX_KEY]), vote, char_vote
