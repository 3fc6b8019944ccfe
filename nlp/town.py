"""Each town's own services, without retraining: a wrapper around any :class:`Classifier`.

A town declares services the model never learnt (snow clearing, cemeteries, markets...), each
with keywords and a few example sentences per language, and may map the built-in codes onto its
catalogue: rename (``green_spaces`` -> ``parks``), merge (``cleanliness`` and ``waste`` ->
``streets``) or split (a declared service carved out of a built-in one: ``within = "other"``).

How a declared service receives a message, on top of the base classifier's probabilities:

- **Keywords**: matched on folded, stemmed words (:func:`nlp.text.stem`), a phrase's words in a
  row, each message word starting with the keyword's stem and at most
  :data:`STEM_SLACK` letters longer ("déneiger" matches "déneigée", "grit" matches "gritted").
  The runtime pipeline loads no lemmatiser (it costs ~10x the time), so a stem stands for the
  lemma. A hit gives the evidence :data:`KEYWORD_EVIDENCE`.
- **Examples**: the nearest example by :func:`nlp.similarity.similarity` (stems and character
  trigrams); above :data:`NEAREST_FLOOR` its similarity is rescaled to evidence in 0..1.
- **Blend**: a service's evidence ``e`` is ``1 - (1 - keyword) * (1 - nearest)``. Without
  ``within`` it takes ``e`` of the probability from every other service (each scaled by
  ``1 - sum(e)``); with ``within = X`` it takes ``e`` of X's probability only.

A message with no evidence for any declared service keeps the base classification's services
and order, only renamed or merged by the mapping: nothing else moves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .analysis import N_ALTERNATIVES, should_ask
from .catalogue import OTHER, ranked
from .intent import settle
from .similarity import cosine, features
from .text import stem, words
from .types import DEFAULT_SERVICES, Classification

KEYWORD_EVIDENCE = 0.9
#: Similarity to the nearest example under which it is no evidence; chosen so that ordinary
#: messages of the corpus almost never reach it for an unrelated service (see WIRING.md).
NEAREST_FLOOR = 0.45
#: How many more letters a message word may have than a keyword's stem ("grit" -> "gritt").
STEM_SLACK = 3


@dataclass(frozen=True)
class TownService:
    """A service the town declares: ``keywords`` and ``examples`` per language (``fr``, ``en``);
    ``within``: the built-in service it is carved out of (a split), if any."""

    code: str
    keywords: Mapping[str, Sequence[str]] = field(default_factory=dict)
    examples: Mapping[str, Sequence[str]] = field(default_factory=dict)
    within: str | None = None


@dataclass(frozen=True)
class TownServices:
    """A town's catalogue: declared services, the mapping of built-in codes (rename, merge) and
    optionally the final list of codes (built-ins outside it go to ``other``)."""

    services: tuple[TownService, ...] = ()
    mapping: Mapping[str, str] = field(default_factory=dict)
    catalogue: tuple[str, ...] | None = None

    @classmethod
    def from_config(
        cls, services: Iterable[Mapping[str, Any]] = (), mapping: Mapping[str, str] | None = None,
        catalogue: Sequence[str] | None = None,
    ) -> TownServices:  # fmt: skip
        """From config tables: ``[[services]]`` rows with ``code``, ``keywords`` and
        ``examples`` (``{lang: [...]}``), optional ``within``; rows of a built-in code without
        keywords or examples are not declared services (the model knows them)."""
        declared = []
        for row in services:
            code = str(row["code"])
            keywords = {
                str(k): tuple(map(str, v)) for k, v in dict(row.get("keywords") or {}).items()
            }
            examples = {
                str(k): tuple(map(str, v)) for k, v in dict(row.get("examples") or {}).items()
            }
            if code in DEFAULT_SERVICES and not keywords and not examples:
                continue
            within = row.get("within")
            declared.append(TownService(code, keywords, examples, str(within) if within else None))
        unknown = {w for s in declared if (w := s.within) and w not in DEFAULT_SERVICES}
        if unknown:
            raise ValueError(f"'within' must name a built-in service, not {sorted(unknown)}")
        return cls(tuple(declared), dict(mapping or {}), tuple(catalogue) if catalogue else None)


class _Base(Protocol):
    def classify(self, text: str, lang: str | None = None) -> Classification: ...

    def similarity(self, a: str, b: str) -> float: ...


class _Matcher:
    """One declared service's keyword stems and example bags."""

    def __init__(self, service: TownService) -> None:
        self.service = service
        self.phrases = {lang: [self._stems(k, lang) for k in kws if k.strip()]
                        for lang, kws in service.keywords.items()}  # fmt: skip
        self.bags = {lang: [features(e) for e in exs if e.strip()]
                     for lang, exs in service.examples.items()}  # fmt: skip

    @staticmethod
    def _stems(text: str, lang: str) -> list[str]:
        return [stem(w, lang) for w in words(text)]

    def evidence(self, text: str, lang: str) -> float:
        keyword = KEYWORD_EVIDENCE if self._keyword(text, lang) else 0.0
        bags = self.bags.get(lang) or [b for bs in self.bags.values() for b in bs]
        bag = features(text)
        near = max((cosine(bag, b) for b in bags), default=0.0)
        nearest = max(0.0, (near - NEAREST_FLOOR) / (1.0 - NEAREST_FLOOR))
        return 1.0 - (1.0 - keyword) * (1.0 - nearest)

    def _keyword(self, text: str, lang: str) -> bool:
        langs = [lang, *(k for k in self.phrases if k != lang)]
        for phrase_lang in langs:
            tokens = self._stems(text, phrase_lang)
            for phrase in self.phrases.get(phrase_lang, []):
                if phrase and any(
                    all(_fits(tokens[i + j], p) for j, p in enumerate(phrase))
                    for i in range(len(tokens) - len(phrase) + 1)
                ):
                    return True
        return False


def _fits(token: str, key: str) -> bool:
    if len(key) < 4:
        return token == key
    return token.startswith(key) and len(token) - len(key) <= STEM_SLACK


class TownClassifier:
    """A :class:`Classifier` that adds a town's declared services and mapping to a base one
    (built on the default catalogue: ``load_classifier()``). Thread-safe: nothing changes."""

    def __init__(self, base: _Base, town: TownServices) -> None:
        self.base = base
        self.town = town
        self.matchers = [_Matcher(s) for s in town.services]
        declared = [s.code for s in town.services]
        self.catalogue = set(town.catalogue or []) | set(declared) | {OTHER}
        if town.catalogue is None:
            self.catalogue |= {town.mapping.get(c, c) for c in DEFAULT_SERVICES}

    def classify(self, text: str, lang: str | None = None) -> Classification:
        return self.adapt(text, self.base.classify(text, lang))

    def classify_many(
        self, texts: Sequence[str], langs: Iterable[str | None] | None = None
    ) -> list[Classification]:
        hints = list(langs) if langs is not None else [None] * len(texts)
        many = getattr(self.base, "classify_many", None)
        if many is not None:
            base = list(many(texts, hints))
        else:
            base = [self.base.classify(t, h) for t, h in zip(texts, hints, strict=True)]
        return [self.adapt(t, c) for t, c in zip(texts, base, strict=True)]

    def similarity(self, a: str, b: str) -> float:
        return self.base.similarity(a, b)

    def adapt(self, text: str, c: Classification) -> Classification:
        """The base classification ``c`` of ``text`` on the town's catalogue."""
        probs: dict[str, float] = {}
        for code, p in ((c.service, c.confidence), *c.alternatives):
            probs[code] = probs.get(code, 0.0) + p
        evidence = {m.service.code: e for m in self.matchers
                    if (e := m.evidence(text, c.lang)) > 0.0}  # fmt: skip
        if not evidence and not self.town.mapping and self.town.catalogue is None:
            return c
        free = {code: e for code, e in evidence.items() if self._within(code) is None}
        total = sum(free.values())
        scale = 1.0 - min(total, 1.0)
        out = {code: p * scale for code, p in probs.items()}
        for code, e in free.items():
            out[code] = out.get(code, 0.0) + (e / total if total > 1.0 else e)
        for code, e in evidence.items():
            parent = self._within(code)
            if parent is not None:
                taken = out.get(parent, 0.0) * e
                out[parent] = out.get(parent, 0.0) - taken
                out[code] = out.get(code, 0.0) + taken
        mapped: dict[str, float] = {}
        for code, p in out.items():
            target = self.town.mapping.get(code, code)
            target = target if target in self.catalogue else OTHER
            mapped[target] = mapped.get(target, 0.0) + p
        best = ranked(mapped)
        service, confidence = best[0]
        intent = settle(text, c.intent, mapped, c.urgent)
        return dataclasses.replace(
            c, service=service, confidence=round(confidence, 4),
            alternatives=tuple((s, round(p, 4)) for s, p in best[1 : 1 + N_ALTERNATIVES]),
            intent=intent, ask_service=should_ask(service, confidence, intent),
        )  # fmt: skip

    def _within(self, code: str) -> str | None:
        for s in self.town.services:
            if s.code == code:
                return s.within
        return None
