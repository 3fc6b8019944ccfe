"""Masking on hostile input: linear time on a long word, a length guard, off the event loop."""

from __future__ import annotations

import threading
import time

import pytest

from nlp import redact as masking
from nlp.redact import MAX_CHARS, redact, redact_off_loop

#: Generous: linear patterns take milliseconds on these; the quadratic ones took minutes.
BOUND_S = 2.0


@pytest.mark.parametrize(
    "word",
    [
        "a" * 100_000,
        "a." * 50_000,
        "a-" * 50_000 + "@",
        "x@" + "b" * 100_000,
        "x@" + "b." * 50_000,
        "1" * 100_000,
        "a at " * 20_000,
    ],
)
def test_a_long_hostile_word_is_masked_in_linear_time(word: str) -> None:
    start = time.perf_counter()
    for _kind, pattern in masking._PATTERNS:
        pattern.sub("[x]", word)  # every pattern on the whole word: no length guard here
    assert time.perf_counter() - start < BOUND_S
    start = time.perf_counter()
    redact(word)
    assert time.perf_counter() - start < BOUND_S


def test_emails_and_phones_are_still_masked() -> None:
    text = "Écrivez à jean.dupont+x@mairie-lyon.fr ou jean at gmail dot com, tél 06 12 34 56 78"
    masked = redact(text)
    assert masked.count("[e-mail]") == 2 and "[téléphone]" in masked
    assert "dupont" not in masked and "06 12" not in masked


def test_a_text_past_the_guard_is_cut_never_shown_unmasked() -> None:
    masked = redact("x " * MAX_CHARS + "06 12 34 56 78")
    assert len(masked) <= MAX_CHARS + 1 and "06 12" not in masked


async def test_a_long_text_is_masked_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    original = masking.redact

    def spy(text: str, lang: str = "fr") -> str:
        seen.append(threading.current_thread() is threading.main_thread())
        return original(text, lang)

    monkeypatch.setattr(masking, "redact", spy)  # our own function watched, nothing faked
    short = await redact_off_loop("tél 06 12 34 56 78")
    long = await redact_off_loop("tél 06 12 34 56 78 " + "a" * 5_000)
    assert "[téléphone]" in short and "[téléphone]" in long
    assert seen == [True, False]  # the long one on a worker thread
