"""The danger score on writers it never read: each blind writer held out whole.

Every line of the danger set and of the ordinary corpus reports is scored by a danger model
trained without its fold, a fold holding one blind writer whole (``nlp.danger_train.fold_ids``):
the same out-of-fold scores that set the shipped thresholds. Then, per language and per recall
target, the threshold that catches that share of the blind writers' dangers (rules or score,
the score counting for reports only, as the product decides) and the false alarms it costs on
their everyday reports and on their hard negatives; and each writer's recall at the first target.
No probe is read.

Run: ``.venv/bin/python -m benchmarks.danger_writers [--c 10] [--targets 0.95,0.96,0.97]``
(about five minutes on two cores: one fit per blind writer).
"""

from __future__ import annotations

import argparse
import functools

import numpy as np

from nlp import DEFAULT_MODEL_DIR
from nlp.danger import DANGER_C, NONE, DangerModel
from nlp.danger_train import (
    BLIND_WRITERS,
    gate,
    load_danger_set,
    ordinary_reports,
    out_of_fold_scores,
    pick_threshold,
    share,
)
from nlp.types import LANGUAGES
from nlp.urgency import assess


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--c", type=float, default=DANGER_C, help="inverse L2 strength")
    parser.add_argument("--targets", default="0.95,0.96,0.97")
    args = parser.parse_args()
    targets = [float(t) for t in args.targets.split(",")]
    samples = load_danger_set() + ordinary_reports()
    fit = functools.partial(DangerModel.fit, c=args.c)
    scores = np.where(gate(samples, DEFAULT_MODEL_DIR), out_of_fold_scores(samples, fit=fit), -1.0)
    rules = np.array([bool(assess(s.text)) for s in samples])
    urgent = np.array([s.label != NONE for s in samples])
    everyday = np.array([s.ordinary for s in samples])
    writer = np.array([s.source for s in samples])
    langs = np.array([s.lang for s in samples])
    blind = np.isin(writer, BLIND_WRITERS)
    print(f"danger score, C = {args.c}, blind writers held out whole: {', '.join(BLIND_WRITERS)}")
    for lang in LANGUAGES:
        b = blind & (langs == lang)
        hard, daily = b & ~urgent & ~everyday, b & everyday
        print(f"{lang}: {int((b & urgent).sum())} dangers, {int(daily.sum())} everyday reports, "
              f"{int(hard.sum())} hard negatives")  # fmt: skip
        for i, target in enumerate(targets):
            t = pick_threshold(scores[b], urgent[b], rules[b], target)
            flags = rules | (scores >= t)
            print(f"  recall {target:.2f}: threshold {t:.3f}, false alarms on everyday "
                  f"reports {share(flags, daily):.3f}, on hard negatives "
                  f"{share(flags, hard):.3f}")  # fmt: skip
            if i == 0:
                for w in BLIND_WRITERS:
                    mine = b & (writer == w)
                    if mine.any():
                        print(f"    {w}: recall {share(flags, mine & urgent):.3f}, false alarms "
                              f"on everyday {share(flags, mine & everyday):.3f}, on hard "
                              f"{share(flags, mine & ~urgent & ~everyday):.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
