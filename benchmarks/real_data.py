"""Real residents' reports held out by town: service accuracy and macro-F1 of the trained
model and of the keyword baseline, per town, in one run.

Reads JSONL lines with ``text``, ``lang``, ``service`` (null when the town's category maps to
none of ours: those lines are skipped) and ``town``. Training learns only the towns of
:data:`nlp.corpus.REAL_TRAIN_SOURCES`; the others are held out. Macro-F1 is the mean F1 over
the services present in a town's gold labels (a Vision Zero town only has roads, transport
and parking).

Run: ``.venv/bin/python -m benchmarks.real_data [FILE.jsonl ...] [--model DIR]``
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from nlp import DEFAULT_MODEL_DIR
from nlp.corpus import REAL_DIR, REAL_TRAIN_SOURCES
from nlp.keywords import KeywordClassifier
from nlp.langid import LanguageIdentifier
from nlp.pipeline import SpacyClassifier


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for s in sorted(set(gold)):
        tp = sum(g == s and p == s for g, p in zip(gold, pred, strict=True))
        fp = sum(g != s and p == s for g, p in zip(gold, pred, strict=True))
        fn = sum(g == s and p != s for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=sorted(REAL_DIR.glob("*.jsonl")))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    args = parser.parse_args()
    clf = SpacyClassifier.load(args.model)
    kw = KeywordClassifier(langid=LanguageIdentifier.load(args.model / "langid.json"))
    towns: dict[str, list[dict[str, str]]] = defaultdict(list)
    for path in args.files:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("service"):
                towns[f"{row.get('town')} [{row.get('source')}]"].append(row)
    for town, rows in sorted(towns.items()):
        role = "TRAINED ON" if rows[0].get("source") in REAL_TRAIN_SOURCES else "held out"
        gold = [r["service"] for r in rows]
        texts, langs = [r["text"] for r in rows], [r["lang"] for r in rows]
        line = f"{town} ({role}), n={len(rows)}:"
        for name, c in (("model", clf), ("keywords", kw)):
            pred = [x.service for x in c.classify_many(texts, langs)]
            acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
            line += f" {name} accuracy {acc:.3f} macro-F1 {macro_f1(gold, pred):.3f};"
        print(line)


if __name__ == "__main__":
    main()
