"""Blind danger probe: recall and false alarms of the urgency flag, keyword rules alone beside
the blended model (rules or learnt score), per language, in one run.

The probe (``benchmarks/data/danger_probe_fr.jsonl``, ``danger_probe_en.jsonl``: ``text``,
``lang``, ``urgent``, ``danger``...) was written blind from the danger taxonomy by a writer who
never saw the model, its rules or its training set. It is held out: never trained, tuned or
thresholded on. Recall is over its urgent lines; false alarms over its other lines.

Run: ``.venv/bin/python -m benchmarks.danger_probe [FILE.jsonl ...] [--model DIR]``
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from nlp import DEFAULT_MODEL_DIR
from nlp.pipeline import SpacyClassifier
from nlp.types import LANGUAGES
from nlp.urgency import assess

DATA = Path(__file__).parent / "data"
PROBES = (DATA / "danger_probe_fr.jsonl", DATA / "danger_probe_en.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("probe", nargs="*", type=Path, default=list(PROBES))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    args = parser.parse_args()
    clf = SpacyClassifier.load(args.model)
    rows = [json.loads(line) for path in args.probe
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    print(f"danger probe: {len(rows)} messages from {', '.join(p.name for p in args.probe)}")
    print(f"danger model: {'yes' if clf.analyser.danger is not None else 'NO (rules only)'}")
    for lang in LANGUAGES:
        subset = [r for r in rows if r["lang"] == lang]
        if not subset:
            continue
        urgent = [bool(r["urgent"]) for r in subset]
        rules = [bool(assess(r["text"], lang)) for r in subset]
        blended = [
            c.urgent for c in clf.classify_many([r["text"] for r in subset], [lang] * len(subset))
        ]
        n_u, n_n = sum(urgent), len(urgent) - sum(urgent)
        for name, flags in (("keyword rules", rules), ("blended model", blended)):
            hits = sum(f and u for f, u in zip(flags, urgent, strict=True))
            alarms = sum(f and not u for f, u in zip(flags, urgent, strict=True))
            recall = hits / n_u if n_u else 0.0
            false_alarm = alarms / n_n if n_n else 0.0
            print(f"[{name}] {lang}: urgent n={n_u} recall={recall:.3f} | not urgent n={n_n} "
                  f"false alarms={false_alarm:.3f} ({alarms})")  # fmt: skip
        pairs = zip(subset, blended, urgent, strict=True)
        missed = Counter(str(r.get("danger")) for r, f, u in pairs if u and not f)
        print(f"    missed by the blended model, by category: {dict(sorted(missed.items()))}")
    print("(targets: recall >= 0.95, false alarms <= 0.05, per language)")


if __name__ == "__main__":
    main()
