"""Retraining behind a gate: a model trained again (with residents' consented corrections)
replaces the one in use only if it is not worse on any yardstick, and every model carries the
figures it was kept on, for ``senscommun nlp status``.

The yardsticks are those the team reports (``docs/benchmarks.md``): the held-out split of the
written corpus (service macro-F1 and intent accuracy, per language), the real reports of the
towns held out (macro-F1), and the blind danger probe (recall, and false alarms, per
language). A yardstick may move by :data:`TOLERANCE` without blocking: retraining on a few
dozen corrections moves the last digit either way.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .types import LANGUAGES, Classification

Figures = dict[str, float]
#: How much a yardstick may lose without blocking the new model.
TOLERANCE = 0.005
#: The blind danger probe (``benchmarks/data``): scored, never trained or tuned on.
DANGER_PROBES = Path(__file__).resolve().parents[1] / "benchmarks" / "data"


def lower_is_better(name: str) -> bool:
    return name.endswith("false alarms")


def worse(new: Figures, old: Figures, tolerance: float = TOLERANCE) -> list[str]:
    """The yardsticks on which ``new`` falls behind ``old`` by more than ``tolerance``; one
    that ``new`` lacks counts as worse (a model is never kept on fewer proofs)."""
    bad = []
    for name, before in old.items():
        after = new.get(name)
        if after is None:
            bad.append(name)
        elif lower_is_better(name):
            if after > before + tolerance:
                bad.append(name)
        elif after < before - tolerance:
            bad.append(name)
    return sorted(bad)


class Scorer:
    """Classifies many texts in one language (``classify_many`` of the trained classifier)."""

    def __init__(self, classify_many: Callable[..., Sequence[Classification]]) -> None:
        self.classify_many = classify_many

    def __call__(self, texts: Sequence[str], lang: str) -> Sequence[Classification]:
        return self.classify_many(list(texts), [lang] * len(texts))


def figures(model_dir: Path) -> Figures:
    """Every yardstick of the model in ``model_dir`` (a few seconds: it classifies them all)."""
    from .corpus import REAL_DIR, REAL_TRAIN_SOURCES, load_corpus
    from .evaluate import score
    from .pipeline import SpacyClassifier

    run = Scorer(SpacyClassifier.load(model_dir).classify_many)
    out: Figures = {}
    test = [s for s in load_corpus() if s.split == "test"]
    for lang in LANGUAGES:
        mine = [s for s in test if s.lang == lang]
        if mine:
            report = score("model", lang, mine, run([s.text for s in mine], lang))
            out[f"held-out {lang} macro-F1"] = round(report.macro_f1, 4)
            out[f"held-out {lang} intent accuracy"] = round(report.intent_accuracy, 4)
    for path in sorted(REAL_DIR.glob("*.jsonl")):
        rows = [r for r in _rows(path) if r.get("service")]
        held = [r for r in rows if r.get("source") not in REAL_TRAIN_SOURCES]
        for town in sorted({str(r.get("town")) for r in held}):
            mine_rows = [r for r in held if str(r.get("town")) == town]
            gold = [str(r["service"]) for r in mine_rows]
            pred = [c.service for c in _by_lang(run, mine_rows)]
            out[f"real {town} macro-F1"] = round(macro_f1(gold, pred), 4)
    for lang in LANGUAGES:
        path = DANGER_PROBES / f"danger_probe_{lang}.jsonl"
        if path.is_file():
            rows = _rows(path)
            flags = [c.urgent for c in run([str(r["text"]) for r in rows], lang)]
            gold_urgent = [bool(r["urgent"]) for r in rows]
            pairs = list(zip(flags, gold_urgent, strict=True))
            n_u = sum(gold_urgent) or 1
            n_n = (len(gold_urgent) - sum(gold_urgent)) or 1
            out[f"danger {lang} recall"] = round(sum(f and u for f, u in pairs) / n_u, 4)
            out[f"danger {lang} false alarms"] = round(sum(f and not u for f, u in pairs) / n_n, 4)
    return out


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    labels = sorted(set(gold))
    total = 0.0
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / max(1, len(labels))


def _rows(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _by_lang(run: Scorer, rows: list[dict[str, Any]]) -> list[Classification]:
    out: list[Classification | None] = [None] * len(rows)
    for lang in {str(r["lang"]) for r in rows}:
        idx = [i for i, r in enumerate(rows) if str(r["lang"]) == lang]
        for i, c in zip(idx, run([str(rows[i]["text"]) for i in idx], lang), strict=True):
            out[i] = c
    return [c for c in out if c is not None]


def record(model_dir: Path, figs: Figures, now: datetime | None = None) -> None:
    """Write the figures a model was kept on, and when, into its ``meta.json``."""
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["figures"] = figs
    meta["kept_at"] = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Verdict:
    kept: bool
    worse: list[str]
    before: Figures
    after: Figures


def swap_in(model_dir: Path, candidate: Path) -> Path:
    """Put ``candidate`` in place of ``model_dir``; the model it replaces is kept beside, as
    ``<dir>.previous``, to go back to by hand. Returns that path."""
    previous = model_dir.with_name(model_dir.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    model_dir.rename(previous)
    candidate.rename(model_dir)
    return previous


def retrain(
    model_dir: Path,
    feedback: Path | None,
    train: Callable[[Path, Path | None], Any],
    measure: Callable[[Path], Figures] = figures,
) -> Verdict:
    """Train a candidate beside ``model_dir`` (``train(out, feedback)``), measure both, and
    swap the candidate in only if it is worse on nothing; else it stays aside as
    ``<dir>.candidate``, and the model in use is untouched."""
    candidate = model_dir.with_name(model_dir.name + ".candidate")
    shutil.rmtree(candidate, ignore_errors=True)
    train(candidate, feedback)
    before, after = measure(model_dir), measure(candidate)
    bad = worse(after, before)
    if not bad:
        swap_in(model_dir, candidate)
        record(model_dir, after)
    return Verdict(not bad, bad, before, after)


def status(model_dir: Path) -> str:
    """What ``senscommun nlp status`` prints: the model in use, its date and its figures."""
    meta_path = model_dir / "meta.json"
    if not meta_path.is_file():
        return f"no trained model in {model_dir}: the keyword rules classify"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    trained = datetime.fromtimestamp(meta_path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    lines = [
        f"model: {model_dir}",
        f"kept: {meta.get('kept_at') or f'{trained} (written; never measured by the gate)'}",
        f"feedback learnt: {meta.get('feedback') or 'none'}",
        f"danger model: {'yes' if (model_dir / 'danger.npz').is_file() else 'no (rules only)'}",
    ]
    figs: Figures = meta.get("figures") or {}
    if figs:
        lines.append("figures it was kept on:")
        lines += [f"  {name}: {value:.3f}" for name, value in sorted(figs.items())]
    else:
        lines.append("figures: none recorded (`senscommun nlp retrain` records them)")
    return "\n".join(lines)
