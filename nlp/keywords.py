"""The keyword classifier: lexicon rules only, no training, no spaCy.

The first classifier of the app and the baseline every trained model is compared with. Each
service's score is the sum of its cue weights in the message (see :mod:`nlp.lexicon`); ``other``
starts with a base score, so a message without any cue goes to the general desk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from .analysis import Analyser, softmax
from .intent import rule_intent
from .langid import LanguageIdentifier
from .types import DEFAULT_SERVICES, Classification

#: The score ``other`` starts with: one plain cue ties with it, a strong cue beats it.
OTHER_BASE = 1.0
#: Sharpness of the softmax over cue scores (cue scores are not probabilities).
BETA = 1.5


class KeywordClassifier:
    """Classifies with the lexicon alone. Thread-safe: nothing changes after construction."""

    kind = "keywords"

    def __init__(
        self,
        services: Sequence[str] = DEFAULT_SERVICES,
        streets_csv: Path | None = None,
        langid: LanguageIdentifier | None = None,
    ) -> None:
        self.analyser = Analyser(services, langid, streets_csv)

    def service_probs(self, text: str, lang: str) -> dict[str, float]:
        """Probabilities over the default catalogue, before restriction."""
        scores = self.analyser.lexicon.scores(text, lang)
        scores["other"] += OTHER_BASE
        return softmax({k: BETA * v for k, v in scores.items()})

    def classify(self, text: str, lang: str | None = None) -> Classification:
        detected = self.analyser.language(text, lang)
        probs = self.service_probs(text, detected)
        # Any cue, ``other``'s included ("rats near the school"), makes it a report.
        has_cue = probs["other"] < 0.3 or max(probs.values()) > probs["other"]
        intent = rule_intent(text, has_cue)
        return self.analyser.finish(text, detected, probs, intent)

    def classify_many(
        self, texts: Sequence[str], langs: Iterable[str | None] | None = None
    ) -> list[Classification]:
        hints = list(langs) if langs is not None else [None] * len(texts)
        return [self.classify(t, h) for t, h in zip(texts, hints, strict=True)]

    def similarity(self, a: str, b: str) -> float:
        return self.analyser.similarity(a, b)
