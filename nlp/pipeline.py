"""The trained classifier: spaCy textcats per language, calibrated, plus the rule-based parts."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .analysis import MAX_CHARS, Analyser
from .calibration import Calibration
from .features import LEX_KEY, build_architecture, shared_lexicon
from .intent import rule_scores
from .langid import LanguageIdentifier
from .types import DEFAULT_SERVICES, LANGUAGES, Classification, Intent

#: How much the intent rules ("idée :", a question mark) add to the intent model's log-odds.
INTENT_RULE_WEIGHT = 1.0


class SpacyClassifier:
    """Language identification, then that language's pipeline; see :mod:`nlp.train`."""

    kind = "spacy"

    def __init__(
        self,
        pipelines: dict[str, Any],
        calibrations: dict[str, Calibration],
        services: Sequence[str] = DEFAULT_SERVICES,
        streets_csv: Path | None = None,
        langid: LanguageIdentifier | None = None,
    ) -> None:
        self.pipelines = pipelines
        self.calibrations = calibrations
        self.analyser = Analyser(services, langid, streets_csv)

    @classmethod
    def load(
        cls, model_dir: Path, services: Sequence[str] = DEFAULT_SERVICES,
        streets_csv: Path | None = None,
    ) -> SpacyClassifier:  # fmt: skip
        import spacy

        meta_path = model_dir / "meta.json"
        if not meta_path.is_file():
            raise FileNotFoundError(f"no trained model in {model_dir} (run: senscommun nlp train)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        build_architecture()
        pipelines = {lang: spacy.load(model_dir / lang) for lang in LANGUAGES}
        calibrations = {
            lang: Calibration.from_dict(meta["langs"].get(lang, {})) for lang in LANGUAGES
        }
        langid = LanguageIdentifier.load(model_dir / "langid.json")
        return cls(pipelines, calibrations, services, streets_csv, langid)

    def classify(self, text: str, lang: str | None = None) -> Classification:
        return self.classify_many([text], [lang])[0]

    def classify_many(
        self, texts: Sequence[str], langs: Iterable[str | None] | None = None, batch_size: int = 256
    ) -> list[Classification]:
        """Classify a batch: one ``nlp.pipe`` per language, in input order."""
        hints = list(langs) if langs is not None else [None] * len(texts)
        detected = [self.analyser.language(t, h) for t, h in zip(texts, hints, strict=True)]
        results: list[Classification | None] = [None] * len(texts)
        for lang in LANGUAGES:
            idx = [i for i, d in enumerate(detected) if d == lang]
            if not idx:
                continue
            nlp = self.pipelines[lang]
            docs = []
            for i in idx:
                doc = nlp.make_doc(texts[i][:MAX_CHARS])
                doc.user_data[LEX_KEY] = shared_lexicon().scores(doc.text, lang)
                docs.append(doc)
            for i, doc in zip(idx, nlp.pipe(docs, batch_size=batch_size), strict=True):
                results[i] = self._finish(texts[i], lang, doc)
        return [r for r in results if r is not None]

    def _finish(self, text: str, lang: str, doc: Any) -> Classification:
        cues: dict[str, float] = doc.user_data[LEX_KEY]
        cats = doc.cats
        model_probs = {s: float(cats.get(s, 0.0)) for s in DEFAULT_SERVICES}
        probs = self.calibrations[lang].apply(model_probs, cues)
        return self.analyser.finish(text, lang, probs, self._intent(doc.text, cats))

    @staticmethod
    def _intent(text: str, cats: dict[str, float]) -> Intent:
        rules = rule_scores(text)
        if not text.strip() or (rules[Intent.OTHER] >= 1.0 and len(text) < 40):
            return Intent.OTHER
        logits = {
            i: math.log(max(float(cats.get(i.value, 0.0)), 1e-9)) + INTENT_RULE_WEIGHT * rules[i]
            for i in Intent
        }
        return max(Intent, key=lambda i: logits[i])

    def similarity(self, a: str, b: str) -> float:
        return self.analyser.similarity(a, b)
