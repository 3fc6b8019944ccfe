"""Questions residents often ask, answered at once (a small per-service FAQ in the config)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from nlp.types import Classifier

MIN_SIMILARITY = 0.35


@dataclass(frozen=True)
class FaqEntry:
    service: str
    questions: dict[str, str]  # per language
    answers: dict[str, str]

    def answer(self, lang: str) -> str:
        return self.answers.get(lang) or next(iter(self.answers.values()))


async def best_match(
    nlp: Classifier, entries: Iterable[FaqEntry], text: str, lang: str
) -> tuple[int, FaqEntry] | None:
    """The entry whose question is most alike ``text`` (in any language), if alike enough."""
    listed = list(entries)
    if not listed:
        return None

    def score() -> list[float]:
        return [max(nlp.similarity(text, q) for q in e.questions.values()) for e in listed]

    scores = await asyncio.to_thread(score)
    best = max(range(len(listed)), key=lambda i: scores[i])
    return (best, listed[best]) if scores[best] >= MIN_SIMILARITY else None
