"""Blind generalisation probe for the message classifier.

Measures, per language (fr, en), the accuracy and the macro-F1 over the 11
services of the trained classifier (``load_classifier()``) and of the keyword
baseline (``load_classifier(kind="keywords")``) on each blind probe, the intent
accuracy where the probe has intents, and lists the 10 most frequent confusions
(true -> predicted) of each.

Both probes were written blind: their authors never read the classifier's code,
training data, lexicon or tests. ``probe_blind.jsonl``: 264 messages, 12 per
service per language. ``probe_blind2.jsonl``: 308 messages, 14 per service per
language, with intents, in other towns' words (see ``probe_blind2.md``).

Run: ``.venv/bin/python -m benchmarks.probe_blind [PROBE.jsonl ...]``
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from nlp import load_classifier
from nlp.types import DEFAULT_SERVICES, LANGUAGES

DATA = Path(__file__).parent / "data"
PROBES = (DATA / "probe_blind.jsonl", DATA / "probe_blind2.jsonl")
SERVICES = DEFAULT_SERVICES
LANGS = LANGUAGES


def load_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("probe", nargs="*", type=Path, default=list(PROBES))
    args = parser.parse_args()
    classifiers = {"model": load_classifier(), "keywords": load_classifier(kind="keywords")}
    for path in args.probe:
        rows = load_rows(path)
        print(f"== {path.name} ({len(rows)} messages)")
        for name, clf in classifiers.items():
            for lang in LANGS:
                subset = [r for r in rows if r["lang"] == lang]
                gold = [r["service"] for r in subset]
                results = [clf.classify(r["text"], lang) for r in subset]
                pred = [str(x.service) for x in results]
                acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
                line = (
                    f"[{name}] {lang}: n={len(gold)} accuracy={acc:.3f} "
                    f"macro-F1={macro_f1(gold, pred):.3f}"
                )
                if all("intent" in r for r in subset):
                    hits = sum(
                        str(x.intent) == r["intent"] for x, r in zip(results, subset, strict=True)
                    )
                    line += f" intent-accuracy={hits / len(subset):.3f}"
                print(line)
                confusions = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
                for (g, p), n in confusions.most_common(10):
                    print(f"    {g} -> {p}: {n}")
            print()


if __name__ == "__main__":
    main()
