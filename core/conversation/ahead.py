"""Classifications computed ahead of their unit of work.

On SQLite a unit of work holds the process's write gate from its first statement to its commit.
spaCy takes a few milliseconds per message: run inside the unit, every other writer waits for
it. The inbox worker therefore classifies an update's text before taking the gate, and the
unit finds the result here. A miss (the resident's language differs from Telegram's, the text
is not a description) only means the unit classifies it itself.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from nlp.types import Classification, Classifier

#: What the classifier reads of a very long message.
CLASSIFY_CHARS = 2_000


class Ahead:
    def __init__(self, size: int = 1_024) -> None:
        self.size = size
        self._done: OrderedDict[tuple[str, str | None], Classification] = OrderedDict()

    async def prefetch(self, nlp: Classifier, text: str, lang: str | None) -> None:
        key = (text[:CLASSIFY_CHARS], lang)
        if key in self._done:
            return
        result = await asyncio.to_thread(nlp.classify, key[0], lang)
        self._done[key] = result
        while len(self._done) > self.size:
            self._done.popitem(last=False)

    async def classify(self, nlp: Classifier, text: str, lang: str | None) -> Classification:
        """The prefetched result when there is one (taken once), else classify now, off the
        event loop (spaCy is CPU-bound)."""
        key = (text[:CLASSIFY_CHARS], lang)
        found = self._done.pop(key, None)
        if found is not None:
            return found
        return await asyncio.to_thread(nlp.classify, key[0], lang)
