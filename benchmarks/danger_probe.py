"""Blind danger probe: recall and false alarms of the urgency flag, per language, in one run:
the keyword rules alone, an older danger model blended with the rules (``--compare``), and the
model in use blended with the rules.

The probe (``benchmarks/data/danger_probe_fr.jsonl``, ``danger_probe_en.jsonl``: ``text``,
``lang``, ``urgent``, ``danger``...) was written blind from the danger taxonomy by a writer who
never saw the model, its rules or its training set. It is held out: never trained, tuned or
thresholded on. Recall is over its urgent lines; false alarms over its other lines.

Also printed: the share of the service corpus's held-out ``test`` split that each flags. That
split has no urgency label (a few of its messages are real dangers), so it is a rate of alarms
on ordinary traffic, not a false-alarm rate.

A blend is "a rule fires or the danger model's score reaches its language's threshold", as
:meth:`nlp.analysis.Analyser.finish` decides it; the new blend lets the score flag only reports
(not questions or ideas, :func:`nlp.analysis.model_may_flag`), and so does the old one unless
``--compare-ungated`` (round 1's model had no such gate).
The model in use is also run through the whole
classifier (``SpacyClassifier.classify_many``) as a check that the two agree.

Run: ``.venv/bin/python -m benchmarks.danger_probe [FILE.jsonl ...] [--model DIR]
[--compare OLD_danger.npz]``
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from nlp import DEFAULT_MODEL_DIR
from nlp.analysis import model_may_flag
from nlp.corpus import load_corpus
from nlp.danger import DANGER_FILE, DangerModel
from nlp.pipeline import SpacyClassifier
from nlp.types import LANGUAGES
from nlp.urgency import assess

DATA = Path(__file__).parent / "data"
PROBES = (DATA / "danger_probe_fr.jsonl", DATA / "danger_probe_en.jsonl")


def blend(
    model: DangerModel | None, texts: Sequence[str], lang: str, allowed: Sequence[bool] | None
) -> list[bool]:
    """Rules or the model's score at its threshold (rules alone without a model); with
    ``allowed``, the model flags only where it is true (the intent gate)."""
    learnt = model.reasons(list(texts), [lang] * len(texts)) if model else [()] * len(texts)
    gates = allowed if allowed is not None else [True] * len(texts)
    return [bool(assess(t, lang)) or (bool(r) and g)
            for t, r, g in zip(texts, learnt, gates, strict=True)]  # fmt: skip


def gates(clf: SpacyClassifier, texts: Sequence[str], lang: str) -> list[bool]:
    """Where the new blend lets the model flag: not a question or an idea."""
    return [model_may_flag(i) for i in clf.raw_intents(list(texts), lang)]


def rates(flags: Sequence[bool], urgent: Sequence[bool]) -> tuple[float, float, int]:
    """Recall, false-alarm rate and number of false alarms."""
    n_u, n_n = sum(urgent), len(urgent) - sum(urgent)
    hits = sum(f and u for f, u in zip(flags, urgent, strict=True))
    alarms = sum(f and not u for f, u in zip(flags, urgent, strict=True))
    return (hits / n_u if n_u else 0.0), (alarms / n_n if n_n else 0.0), alarms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("probe", nargs="*", type=Path, default=list(PROBES))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--compare", type=Path, help="an older danger.npz to show beside")
    parser.add_argument(
        "--compare-ungated", action="store_true", help="the older model had no intent gate"
    )
    args = parser.parse_args()
    clf = SpacyClassifier.load(args.model)
    new = DangerModel.load(args.model / DANGER_FILE)
    old = DangerModel.load(args.compare) if args.compare else None
    rows = [json.loads(line) for path in args.probe
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    test = [s for s in load_corpus() if s.split == "test"]
    print(f"danger probe: {len(rows)} messages from {', '.join(p.name for p in args.probe)}")
    print(f"new: {args.model / DANGER_FILE} (thresholds {new.thresholds})")
    if old:
        print(f"old: {args.compare} (thresholds {old.thresholds})")
    # (name, model, whether the intent gate applies): models since round 2 were calibrated with
    # it, so an old one is read through it too (round 1's had none: --compare-ungated).
    old_gated = not args.compare_ungated
    columns = ([("keyword rules", None, False)] + ([("old blend", old, old_gated)] if old else [])
               + [("new blend", new, True)])  # fmt: skip
    print("lang | " + " | ".join(name for name, _, _ in columns))
    for lang in LANGUAGES:
        subset = [r for r in rows if r["lang"] == lang]
        if not subset:
            continue
        texts = [str(r["text"]) for r in subset]
        urgent = [bool(r["urgent"]) for r in subset]
        allowed = gates(clf, texts, lang)
        flags = {name: blend(model, texts, lang, allowed if gated else None)
                 for name, model, gated in columns}  # fmt: skip
        whole = [c.urgent for c in clf.classify_many(texts, [lang] * len(texts))]
        assert whole == flags["new blend"], "the classifier and the blend disagree"
        figures = {name: rates(f, urgent) for name, f in flags.items()}
        print(f"{lang} recall ({sum(urgent)} urgent) | "
              + " | ".join(f"{figures[n][0]:.3f}" for n, _, _ in columns))  # fmt: skip
        alarms = [f"{figures[n][1]:.3f} ({figures[n][2]})" for n, _, _ in columns]
        print(f"{lang} false alarms ({len(urgent) - sum(urgent)} not urgent) | "
              + " | ".join(alarms))  # fmt: skip
        held = [s.text for s in test if s.lang == lang]
        held_gates = gates(clf, held, lang)
        shares = [sum(blend(m, held, lang, held_gates if g else None)) / max(1, len(held))
                  for _, m, g in columns]  # fmt: skip
        print(f"{lang} flagged, held-out corpus ({len(held)}, unlabelled) | "
              + " | ".join(f"{x:.3f}" for x in shares))  # fmt: skip
        pairs = zip(subset, flags["new blend"], urgent, strict=True)
        missed = Counter(str(r.get("danger")) for r, f, u in pairs if u and not f)
        print(f"    missed by the new blend, by category: {dict(sorted(missed.items()))}")
    print("(targets: recall >= 0.95, false alarms <= 0.05, per language)")


if __name__ == "__main__":
    main()
