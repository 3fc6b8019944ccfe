"""Blind generalisation probe for the message classifier.

Measures, per language (fr, en), the accuracy and the macro-F1 over the 11
services of the trained classifier (``load_classifier()``) and of the keyword
baseline (``load_classifier(kind="keywords")``) on
``benchmarks/data/probe_blind.jsonl``, and lists the 10 most frequent
confusions (true -> predicted) of each.

The probe (264 messages, 12 per service per language) was hand-written blind:
its author never read the classifier's code, training data, lexicon or tests.

Run: ``.venv/bin/python -m benchmarks.probe_blind``
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from nlp import load_classifier
from nlp.types import DEFAULT_SERVICES, LANGUAGES

DATA = Path(__file__).parent / "data" / "probe_blind.jsonl"
SERVICES = DEFAULT_SERVICES
LANGS = LANGUAGES


def load_rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def macro_f1(gold: list[str], pred: list[str]) -> float:
    """Mean over the 11 services of the per-service F1 (0 when undefined)."""
    f1s: list[float] = []
    for s in SERVICES:
        tp = sum(g == s and p == s for g, p in zip(gold, pred, strict=True))
        fp = sum(g != s and p == s for g, p in zip(gold, pred, strict=True))
        fn = sum(g == s and p != s for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


def main() -> None:
    rows = load_rows()
    classifiers = {"model": load_classifier(), "keywords": load_classifier(kind="keywords")}
    for name, clf in classifiers.items():
        for lang in LANGS:
            subset = [r for r in rows if r["lang"] == lang]
            gold = [r["service"] for r in subset]
            pred = [str(clf.classify(r["text"], lang).service) for r in subset]
            acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
            print(
                f"[{name}] {lang}: n={len(gold)} accuracy={acc:.3f} "
                f"macro-F1={macro_f1(gold, pred):.3f}"
            )
            confusions = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
            for (g, p), n in confusions.most_common(10):
                print(f"    {g} -> {p}: {n}")
        print()


if __name__ == "__main__":
    main()
