"""Similarity of two messages, for "is it this one?" duplicate offers.

Cosine of two bags of features: stemmed content words (stopwords out) and, at half weight,
character trigrams of those words, so "lampadaire" and "lampadaires", or a typo like "lampdaire",
still meet. Pure Python on short texts: microseconds, no model needed.
"""

from __future__ import annotations

import math
from collections import Counter

from .text import STOPWORDS, stem, words


def features(text: str) -> Counter[str]:
    """The weighted bag of ``text``: stems and half-weight trigrams of its content words."""
    bag: Counter[str] = Counter()
    for word in words(text):
        if word in STOPWORDS["fr"] or word in STOPWORDS["en"] or len(word) < 2:
            continue
        key = stem(word, "fr" if word.endswith("e") else "en")
        bag["w:" + stem(key, "en")] += 2
        padded = f"<{word}>"
        for i in range(len(padded) - 2):
            bag["c:" + padded[i : i + 3]] += 1
    return bag


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return max(0.0, min(1.0, dot / (na * nb)))


def similarity(a: str, b: str) -> float:
    """How alike two messages are, 0..1 (1 for the same words, whatever the accents or case)."""
    return cosine(features(a), features(b))
