"""Real residents' reports held out by town: service accuracy and macro-F1 of the trained
model and of the keyword baseline, per town, in one run.

Reads JSONL lines with ``text``, ``lang``, ``service`` (null when the town's category maps to
none of ours: those lines are skipped) and ``town``. Training learns only the towns of
:data:`nlp.corpus.REAL_TRAIN_SOURCES`; the others are held out. Macro-F1 is the mean F1 over
the services present in a town's gold labels (a Vision Zero town only has roads, transport
and parking). For the model it also counts how often ``ask_service`` is set on its wrong
and on its right answers.

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


def asked_text(gold: list[str], pred: list[str], asked: list[bool]) -> str:
    """How often the bot would ask the resident (``ask_service``, see ``nlp/WIRING.md`` §2)
    when the model's service is wrong, and when it is right: a wrong guess that is asked
    about costs a question, not a misrouted report."""
    wrong = [a for g, p, a in zip(gold, pred, asked, strict=True) if g != p]
    right = [a for g, p, a in zip(gold, pred, asked, strict=True) if g == p]
    return f" asked when wrong {sum(wrong)}/{len(wrong)}, when right {sum(right)}/{len(right)};"


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
            results = c.classify_many(texts, langs)
            pred = [x.service for x in results]
            acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
            line += f" {name} accuracy {acc:.3f} macro-F1 {macro_f1(gold, pred):.3f};"
            if c is clf:
                line += asked_text(gold, pred, [x.ask_service for x in results])
        print(line)


if __name__ == "__main__":
    main()
