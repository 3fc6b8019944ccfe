"""Language identification, French or English, robust on short texts.

Two kinds of evidence are added up in log space:

* a character n-gram naive Bayes (1 to 4 characters, inside word boundaries) trained on the
  corpus at ``nlp train`` time and saved as ``langid.json`` beside the model;
* cues that need no training: stopwords, French accents and elisions ("l'", "qu'").

Telegram's ``language_code`` is only a prior: it tips the balance when the text says nothing
("ok", "👍", "12") or little, and is outweighed by a real sentence.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from .text import STOPWORDS, fold
from .types import LANGUAGES

_FR_MARKS = re.compile(r"[éèêàùçâîôûëïœ]|\b[ldjmnstc]'|\bqu'", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")
#: Words of small talk and SMS style that stopword lists miss, worth as much as a stopword.
_CUES: dict[str, frozenset[str]] = {
    "fr": frozenset(
        [
            "merci",
            "bonjour",
            "bonsoir",
            "svp",
            "stp",
            "slt",
            "bjr",
            "cc",
            "mrc",
            "oui",
            "non",
            "rue",
            "encore",
            "toujours",
            "depuis",
            "retard",
            "cassee",
            "casse",
            "panne",
            "trottoir",
            "poubelle",
        ]
    ),
    "en": frozenset(
        [
            "thanks",
            "thank",
            "please",
            "pls",
            "hello",
            "hi",
            "yes",
            "street",
            "still",
            "again",
            "since",
            "late",
            "broken",
            "pavement",
            "bin",
            "road",
            "the",
        ]
    ),
}
#: Log-odds given to the Telegram prior; one or two stopwords outweigh it.
PRIOR_WEIGHT = 1.0
MAX_GRAMS = 4
#: A message of at least this many words whose per-word score gap is below the margin is mixed.
MIXED_MIN_WORDS = 4
MIXED_MARGIN_PER_WORD = 1.5


def _grams(folded: str) -> list[str]:
    """Each word's 1- to 4-grams, the word padded by spaces (a lone space is no gram)."""
    out: list[str] = []
    for word in _WORD.findall(folded):
        padded = f" {word} "
        out.extend(word)
        for n in range(2, MAX_GRAMS + 1):
            out.extend([padded[i : i + n] for i in range(len(padded) - n + 1)])
    return out


class LanguageIdentifier:
    """Tells French from English. Without a trained profile it uses the cues alone."""

    def __init__(self, profile: dict[str, dict[str, float]] | None = None) -> None:
        self._logp = profile or {}
        self._unseen = {lang: min(p.values()) - 1.0 for lang, p in self._logp.items() if p}
        # A batch asks twice per message (its language, then whether it is mixed): the
        # hint-free scores are kept for the last messages read (the hint is added after).
        self._text_scores = lru_cache(maxsize=8192)(self._scores_of)

    @classmethod
    def train(cls, samples: Iterable[tuple[str, str]], keep: int = 12000) -> LanguageIdentifier:
        """A naive Bayes profile from ``(text, lang)`` pairs, the ``keep`` commonest grams."""
        counts: dict[str, Counter[str]] = {lang: Counter() for lang in LANGUAGES}
        for text, lang in samples:
            if lang in counts:
                counts[lang].update(_grams(fold(text)))
        total = Counter[str]()
        for c in counts.values():
            total.update(c)
        vocab = [g for g, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]]
        profile: dict[str, dict[str, float]] = {}
        for lang, c in counts.items():
            denom = sum(c[g] for g in vocab) + 0.5 * len(vocab)
            profile[lang] = {g: round(math.log((c[g] + 0.5) / denom), 4) for g in vocab}
        return cls(profile)

    @classmethod
    def load(cls, path: Path) -> LanguageIdentifier:
        """Read a profile written by :meth:`save`; a missing file gives the cue-only identifier."""
        if not path.exists():
            return cls()
        data: dict[str, dict[str, float]] = json.loads(path.read_text(encoding="utf-8"))
        return cls(data)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self._logp, sort_keys=True), encoding="utf-8")

    def scores(self, text: str, hint: str | None = None) -> dict[str, float]:
        """Log-odds-like score per language (higher is likelier)."""
        scores = dict(self._text_scores(text))
        if hint in scores:
            scores[hint] += PRIOR_WEIGHT
        return scores

    def _scores_of(self, text: str) -> dict[str, float]:
        folded = fold(text)
        scores = dict.fromkeys(LANGUAGES, 0.0)
        if self._logp:
            grams = list(_grams(folded))
            for lang in LANGUAGES:
                logp = self._logp.get(lang, {})
                unseen = self._unseen.get(lang, -12.0)
                # Scaled down: n-grams overlap, so raw naive Bayes is overconfident.
                scores[lang] += 0.25 * sum(map(logp.get, grams, repeat(unseen, len(grams))))
        for word in _WORD.findall(folded):
            for lang in LANGUAGES:
                if (word in STOPWORDS[lang] and len(word) > 1) or word in _CUES[lang]:
                    scores[lang] += 1.5
        scores["fr"] += 1.0 * min(3, len(_FR_MARKS.findall(text)))
        return scores

    def is_mixed(self, text: str) -> bool:
        """Whether ``text`` mixes both languages: several words, and little between the two.

        The score gap is taken per word: a real sentence in one language gains several points
        a word, "Bonjour, the street light rue Pasteur est cassé since Monday" well under one.
        """
        n = len(_WORD.findall(fold(text)))
        if n < MIXED_MIN_WORDS:
            return False
        scores = self.scores(text)
        return abs(scores["fr"] - scores["en"]) / n < MIXED_MARGIN_PER_WORD

    def identify(self, text: str, hint: str | None = None) -> str:
        """``"fr"`` or ``"en"``: the text's language, the hint when the text gives nothing away."""
        hint = _normalise_hint(hint)
        scores = self.scores(text, hint)
        best = max(LANGUAGES, key=lambda lang: scores[lang])
        if hint and abs(scores["fr"] - scores["en"]) < 1e-9:
            return hint
        if not _WORD.search(fold(text)):
            return hint or "fr"
        return best


def _normalise_hint(hint: str | None) -> str | None:
    """Telegram sends IETF tags ("fr-FR", "en-GB"); anything else is no hint at all."""
    if not hint:
        return None
    code = hint.split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else None
