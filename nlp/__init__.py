"""Sens Commun's text pipeline: language, intent, service, places, urgency, redaction.

Import-light on purpose: importing :mod:`nlp` loads no spaCy and builds nothing. Call
:func:`load_classifier` once at start-up (in ``bot/``) and share the result; its methods are
pure CPU work, to be run off the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .types import (
    DEFAULT_SERVICES,
    LANGUAGES,
    Classification,
    Classifier,
    Intent,
    PlaceSpan,
)

__all__ = [
    "DEFAULT_MODEL_DIR",
    "DEFAULT_SERVICES",
    "LANGUAGES",
    "Classification",
    "Classifier",
    "Intent",
    "PlaceSpan",
    "load_classifier",
    "model_exists",
]

#: Where ``senscommun nlp train`` writes the model and where the loader looks by default.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "model"
KINDS = ("auto", "keywords", "spacy")


def model_exists(model_dir: Path | None = None) -> bool:
    """Whether a trained model is at ``model_dir`` (default :data:`DEFAULT_MODEL_DIR`)."""
    return ((model_dir or DEFAULT_MODEL_DIR) / "meta.json").is_file()


def load_classifier(
    services: Sequence[str] = DEFAULT_SERVICES,
    model_dir: Path | None = None,
    streets_csv: Path | None = None,
    kind: str = "auto",
) -> Classifier:
    """Build the classifier for a town's catalogue of ``services``.

    ``kind`` is ``"keywords"`` (lexicon rules, no training), ``"spacy"`` (the trained
    pipeline; fails if there is none) or ``"auto"`` (the trained pipeline when present, else
    the keyword rules). ``streets_csv`` (columns ``name,lat,lon``) lets places be matched to
    the town's streets.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown classifier kind {kind!r}, expected one of {KINDS}")
    directory = model_dir or DEFAULT_MODEL_DIR
    if kind == "spacy" or (kind == "auto" and model_exists(directory)):
        from .pipeline import SpacyClassifier  # spaCy is imported only here

        return SpacyClassifier.load(directory, services, streets_csv)
    from .keywords import KeywordClassifier
    from .langid import LanguageIdentifier

    langid = LanguageIdentifier.load(directory / "langid.json")
    return KeywordClassifier(services, streets_csv, langid)
