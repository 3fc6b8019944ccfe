"""Evaluation on the held-out split: per-service P/R/F1, macro-F1, confusion, calibration."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .calibration import ece
from .corpus import Sample
from .types import DEFAULT_SERVICES, Classification, Intent


@dataclass
class Report:
    name: str
    lang: str
    n: int
    per_service: dict[str, tuple[float, float, float, int]]  # precision, recall, F1, support
    macro_f1: float
    accuracy: float
    intent_accuracy: float
    ece: float
    confusion: Counter[tuple[str, str]]  # (gold, predicted) -> count
    per_intent: dict[str, tuple[float, float, float, int]]  # precision, recall, F1, support


def score(
    name: str, lang: str, samples: Sequence[Sample], preds: Sequence[Classification]
) -> Report:
    gold = [s.service for s in samples]
    got = [p.service for p in preds]
    confusion = Counter(zip(gold, got, strict=True))
    per = per_label(confusion, DEFAULT_SERVICES)
    intents_of = Counter((s.intent, p.intent.value) for s, p in zip(samples, preds, strict=True))
    present = [s for s in DEFAULT_SERVICES if per[s][3] > 0]
    macro = sum(per[s][2] for s in present) / max(1, len(present))
    correct = [g == p for g, p in zip(gold, got, strict=True)]
    intents = [Intent(s.intent) == p.intent for s, p in zip(samples, preds, strict=True)]
    return Report(
        name, lang, len(samples), per, macro, sum(correct) / max(1, len(correct)),
        sum(intents) / max(1, len(intents)), ece([p.confidence for p in preds], correct),
        confusion, per_label(intents_of, [i.value for i in Intent]),
    )  # fmt: skip


def per_label(
    confusion: Counter[tuple[str, str]], labels: Sequence[str]
) -> dict[str, tuple[float, float, float, int]]:
    """Precision, recall, F1 and support of each label from a (gold, predicted) count."""
    per: dict[str, tuple[float, float, float, int]] = {}
    for s in labels:
        tp = confusion[(s, s)]
        fp = sum(c for (g, p), c in confusion.items() if p == s and g != s)
        fn = sum(c for (g, p), c in confusion.items() if g == s and p != s)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[s] = (prec, rec, f1, tp + fn)
    return per


def render(reports: Sequence[Report], kind: str = "held-out") -> str:
    """Side-by-side tables (model beside baseline), then each report's confusion matrix."""
    lines: list[str] = []
    head = f"{'service':<13}" + "".join(f" | {r.name:^20}" for r in reports)
    lines += [f"language {reports[0].lang}, {reports[0].n} {kind} messages", head,
              f"{'':<13}" + " | precision recall  F1 " * len(reports)]  # fmt: skip
    for s in DEFAULT_SERVICES:
        row = f"{s:<13}"
        for r in reports:
            p, rc, f, n = r.per_service[s]
            row += f" |   {p:.2f}   {rc:.2f}  {f:.2f}" if n else " |        (none)     "
        lines.append(row)
    for label, attr in (("macro-F1", "macro_f1"), ("accuracy", "accuracy"),
                        ("intent acc.", "intent_accuracy"), ("ECE", "ece")):  # fmt: skip
        lines.append(f"{label:<13}" + "".join(f" | {getattr(r, attr):^20.3f}" for r in reports))
    lines += ["", "intent (precision recall F1, support)"]
    for i in Intent:
        row = f"{i.value:<13}"
        for r in reports:
            p, rc, f, n = r.per_intent[i.value]
            row += f" |   {p:.2f}   {rc:.2f}  {f:.2f}" if n else " |        (none)     "
        lines.append(row + f"  ({reports[0].per_intent[i.value][3]})")
    for r in reports:
        lines += ["", f"confusion ({r.name}, {r.lang}): rows gold, columns predicted"]
        short = [s[:5] for s in DEFAULT_SERVICES]
        lines.append(f"{'':<13}" + "".join(f"{s:>6}" for s in short))
        for g in DEFAULT_SERVICES:
            cells = "".join(f"{r.confusion[(g, p)] or '.':>6}" for p in DEFAULT_SERVICES)
            lines.append(f"{g:<13}{cells}")
    return "\n".join(lines)
