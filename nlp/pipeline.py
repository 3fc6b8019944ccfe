"""The trained classifier: spaCy textcats per language, calibrated, plus the rule-based parts."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysis import MAX_CHARS, Analyser
from .calibration import Calibration
from .charngram import CHAR_FILE, CharNgramModel
from .danger import DANGER_FILE, DangerModel
from .features import LEX_KEY, build_architecture, shared_lexicon
from .intent import rule_scores
from .langid import LanguageIdentifier
from .types import DEFAULT_SERVICES, LANGUAGES, Classification, Intent
from .vectors import HEAD_FILE, VECTORS_FILE, VectorHead, VectorTable

#: How much the intent rules ("idée :", a question mark) add to the intent model's log-odds.
INTENT_RULE_WEIGHT = 1.0


@dataclass
class Message:
    """What the textcat models read of a message (see :mod:`nlp.features`): a Doc stand-in."""

    text: str
    user_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scored:
    """One language model's reading of a message: calibrated service probabilities, intent."""

    probs: dict[str, float]
    intent: Intent


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
        heads: dict[str, tuple[VectorTable, VectorHead]] | None = None,
        chars: dict[str, CharNgramModel] | None = None,
        danger: DangerModel | None = None,
    ) -> None:
        self.pipelines = pipelines
        self.calibrations = calibrations
        self.heads = heads or {}
        self.chars = chars or {}
        self.analyser = Analyser(services, langid, streets_csv, danger)

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
        heads = {
            lang: (VectorTable.load(model_dir / f"{lang}.{VECTORS_FILE}", lang),
                   VectorHead.load(model_dir / f"{lang}.{HEAD_FILE}"))
            for lang in LANGUAGES if (model_dir / f"{lang}.{HEAD_FILE}").is_file()
        }  # fmt: skip
        chars = {lang: CharNgramModel.load(path) for lang in LANGUAGES
                 if (path := model_dir / f"{lang}.{CHAR_FILE}").is_file()}  # fmt: skip
        danger_path = model_dir / DANGER_FILE
        danger = DangerModel.load(danger_path) if danger_path.is_file() else None
        return cls(pipelines, calibrations, services, streets_csv, langid, heads, chars, danger)

    def classify(self, text: str, lang: str | None = None) -> Classification:
        return self.classify_many([text], [lang])[0]

    def classify_many(
        self, texts: Sequence[str], langs: Iterable[str | None] | None = None, batch_size: int = 256
    ) -> list[Classification]:
        """Classify a batch, one language's textcats at a time, in input order."""
        hints = list(langs) if langs is not None else [None] * len(texts)
        detected = [self.analyser.language(t, h) for t, h in zip(texts, hints, strict=True)]
        scored: list[Scored | None] = [None] * len(texts)
        for lang in LANGUAGES:
            idx = [i for i, d in enumerate(detected) if d == lang]
            for start in range(0, len(idx), batch_size):
                chunk = idx[start : start + batch_size]
                for i, sc in zip(chunk, self._score_lang([texts[i] for i in chunk], lang),
                                 strict=True):  # fmt: skip
                    scored[i] = sc
        # A message that mixes both languages is read by both models, their votes averaged.
        mixed = [i for i, t in enumerate(texts) if self.analyser.langid.is_mixed(t[:MAX_CHARS])]
        for lang in LANGUAGES:
            other = [i for i in mixed if detected[i] != lang]
            for i, sc in zip(other, self._score_lang([texts[i] for i in other], lang), strict=True):
                first = scored[i]
                assert first is not None
                scored[i] = Scored({s: (p + sc.probs[s]) / 2 for s, p in first.probs.items()},
                                   first.intent)  # fmt: skip
        learnt = self.analyser.danger_reasons(texts, detected)
        done = zip(texts, detected, scored, learnt, strict=True)
        return [self.analyser.finish(t, d, sc.probs, sc.intent, lr) for t, d, sc, lr in done if sc]

    def raw_intents(self, texts: Sequence[str], lang: str) -> list[Intent]:
        """The intent model's reading of each text in ``lang``, before :func:`nlp.intent.settle`
        (what the danger gate, :func:`nlp.analysis.model_may_flag`, reads)."""
        return [sc.intent for sc in self._score_lang(texts, lang)]

    def _score_lang(self, texts: Sequence[str], lang: str) -> list[Scored]:
        """The textcats' models read only a message's text and its cached features, so they
        are run on :class:`Message` items, without spaCy's tokenizer (half the batch time)."""
        items = [Message(t[:MAX_CHARS]) for t in texts]
        for item in items:
            item.user_data[LEX_KEY] = shared_lexicon().scores(item.text, lang)
        # Each textcat separately: both have an "other" label, so one Doc.cats would mix them.
        service = self._scores(lang, "service", items)
        votes: list[dict[str, float] | None] = [None] * len(items)
        if lang in self.heads and items:
            table, head = self.heads[lang]
            votes = list(head.predict(table.embed_many([it.text for it in items])))
        char_votes: list[dict[str, float] | None] = [None] * len(items)
        if lang in self.chars and items:
            char_votes = list(self.chars[lang].predict([it.text for it in items]))
        intent = self._scores(lang, "intent", items)
        return [self._finish(lang, it, sv, hv, cv, iv)
                for it, sv, hv, cv, iv in zip(items, service, votes, char_votes, intent,
                                              strict=True)]  # fmt: skip

    def _scores(self, lang: str, pipe_name: str, items: list[Message]) -> list[dict[str, float]]:
        pipe = self.pipelines[lang].get_pipe(pipe_name)
        if not items:
            return []
        scores = pipe.model.ops.to_numpy(pipe.model.predict(items))
        labels = list(pipe.labels)
        return [dict(zip(labels, map(float, row), strict=True)) for row in scores]

    def _finish(
        self, lang: str, item: Message, service: dict[str, float],
        head: dict[str, float] | None, char: dict[str, float] | None, intent: dict[str, float],
    ) -> Scored:  # fmt: skip
        cues: dict[str, float] = item.user_data[LEX_KEY]
        model_probs = {s: service.get(s, 0.0) for s in DEFAULT_SERVICES}
        probs = self.calibrations[lang].apply(model_probs, cues, head, char)
        return Scored(probs, self._intent(item.text, intent))

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
