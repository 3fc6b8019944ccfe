from core.conversation.ahead import CLASSIFY_CHARS, Ahead
from nlp.types import Classification, Intent


class Counting:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def classify(self, text: str, lang: str | None = None) -> Classification:
        self.calls.append((text, lang))
        return Classification("water", 0.9, (), Intent.REPORT, lang or "fr")

    def similarity(self, a: str, b: str) -> float:
        return 0.0


async def test_a_prefetched_classification_is_taken_once_without_classifying_again() -> None:
    nlp, ahead = Counting(), Ahead()
    await ahead.prefetch(nlp, "fuite d'eau", "fr")
    first = await ahead.classify(nlp, "fuite d'eau", "fr")
    assert len(nlp.calls) == 1 and first.service == "water"
    await ahead.classify(nlp, "fuite d'eau", "fr")  # taken already: classified again
    assert len(nlp.calls) == 2


async def test_another_language_is_a_miss() -> None:
    nlp, ahead = Counting(), Ahead()
    await ahead.prefetch(nlp, "water leak", "fr")
    c = await ahead.classify(nlp, "water leak", "en")
    assert c.lang == "en" and nlp.calls == [("water leak", "fr"), ("water leak", "en")]


async def test_only_the_head_of_a_long_text_is_classified_and_the_cache_is_bounded() -> None:
    nlp, ahead = Counting(), Ahead(size=2)
    long = "x" * (CLASSIFY_CHARS + 500)
    await ahead.prefetch(nlp, long, "fr")
    assert len(nlp.calls[0][0]) == CLASSIFY_CHARS
    await ahead.classify(nlp, long, "fr")
    assert len(nlp.calls) == 1
    for text in ("a", "b", "c"):
        await ahead.prefetch(nlp, text, "fr")
    await ahead.classify(nlp, "a", "fr")  # the oldest was dropped
    assert nlp.calls[-1] == ("a", "fr") and len(nlp.calls) == 5
