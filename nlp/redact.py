# ruff: noqa: E501  (regular-expression and word tables read better unwrapped)
"""Personal-data redaction: what agents and statistics see instead of the resident's text.

Privacy errs on the side of masking: a long run of digits that looks like a phone or card number
is masked even when it fails a checksum (a mistyped IBAN is still somebody's IBAN). Street
numbers, dates, times and bus lines stay, since agents need them. Number plates stay too: the
parking service needs them to act. Names of people are not detected (see the known gaps).
"""

from __future__ import annotations

import asyncio
import re

MASKS: dict[str, dict[str, str]] = {
    "fr": {
        "email": "[e-mail]",
        "iban": "[IBAN]",
        "card": "[carte bancaire]",
        "national_id": "[n° sécu]",
        "phone": "[téléphone]",
    },
    "en": {
        "email": "[email]",
        "iban": "[IBAN]",
        "card": "[card number]",
        "national_id": "[national id]",
        "phone": "[phone]",
    },
}

# Order matters: the most specific shapes first, each one masked before the next looks.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # A match starts only where a run of such characters starts (the look-behind), and each
    # part is bounded: on a long word each position fails at once, in linear time (the
    # unbounded patterns tried every start of a 100,000-character word to its end).
    ("email", re.compile(r"(?<![\w.+'-])[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}", re.UNICODE)),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]{1,64}\s?(?:\(at\)|\[at\]|\sat\s)\s?[\w-]{1,63}\s?(?:\.|\(dot\)|\sdot\s)\s?[a-z]{2,24}\b")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.I)),
    ("national_id", re.compile(r"\b[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}(?:[ .]?\d{2})?\b")),
    ("national_id", re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")),  # UK NI
    ("card", re.compile(r"\b(?:\d[ -]?){12,18}\d\b")),
    ("phone", re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[:(]))(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d){6,12}\b")),
    ("phone", re.compile(r"\b0\d(?:[\s.-]?\d{2}){4}\b")),  # French: 06 12 34 56 78
    ("phone", re.compile(r"\b0\d{2,4}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b")),  # UK: 07700 900123
    ("phone", re.compile(r"(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b")),  # US: (555) 123-4567
)  # fmt: skip


#: Longest text masked; beyond it the masked copy is cut (it is what others read: a cut
#: never shows anything unmasked). The resident's own text is kept whole elsewhere.
MAX_CHARS = 20_000
#: Longer texts are masked on a worker thread, off the event loop (and, on SQLite, off the
#: write gate's holder's loop).
OFF_LOOP_CHARS = 2_000


def redact(text: str, lang: str = "fr") -> str:
    """``text`` with e-mails, IBANs, card, national-id and phone numbers masked."""
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + "…"
    masks = MASKS.get(lang, MASKS["en"])
    for kind, pattern in _PATTERNS:
        text = pattern.sub(masks[kind], text)
    return text


async def redact_off_loop(text: str, lang: str = "fr") -> str:
    """:func:`redact`, on a thread when ``text`` is long enough to be worth it."""
    if len(text) <= OFF_LOOP_CHARS:
        return redact(text, lang)
    return await asyncio.to_thread(redact, text, lang)


def found(text: str) -> list[str]:
    """The kinds of personal data in ``text`` (for tests and statistics)."""
    kinds: list[str] = []
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            kinds.append(kind)
            text = pattern.sub(" ", text)
    return kinds
