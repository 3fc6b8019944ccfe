"""NLP benchmark: macro-F1 (model and keyword baseline), latency, batch throughput, memory.

Run: ``.venv/bin/python benchmarks/nlp_bench.py [--model DIR]`` (needs a trained model).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

from nlp import DEFAULT_MODEL_DIR
from nlp.corpus import load_corpus
from nlp.evaluate import score
from nlp.keywords import KeywordClassifier
from nlp.langid import LanguageIdentifier
from nlp.pipeline import SpacyClassifier


def rss_mb() -> float:
    with open("/proc/self/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    args = parser.parse_args()
    base = rss_mb()
    clf = SpacyClassifier.load(args.model)
    loaded = rss_mb()
    kw = KeywordClassifier(langid=LanguageIdentifier.load(args.model / "langid.json"))
    corpus = load_corpus()
    print(f"machine: {os.cpu_count()} cores; model: {args.model}")
    for lang in ("fr", "en"):
        test = [s for s in corpus if s.lang == lang and s.split == "test"]
        texts = [s.text for s in test]
        m = score("model", lang, test, clf.classify_many(texts, [lang] * len(texts)))
        b = score("keywords", lang, test, kw.classify_many(texts, [lang] * len(texts)))
        print(
            f"{lang}: held-out n={m.n} macro-F1 model {m.macro_f1:.3f} (accuracy "
            f"{m.accuracy:.3f}, intent {m.intent_accuracy:.3f}, ECE {m.ece:.3f}) | "
            f"keywords {b.macro_f1:.3f}"
        )
    texts = [s.text for s in corpus if s.split == "test"]
    for t in texts[:50]:
        clf.classify(t)  # warm-up
    lat, cpu = [], []
    for t in texts:
        t0, c0 = time.perf_counter(), time.thread_time()
        clf.classify(t)
        lat.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    q, qc = statistics.quantiles(lat, n=100), statistics.quantiles(cpu, n=100)
    print(
        f"latency per message (one at a time, no language hint): p50 {q[49]:.2f} ms, "
        f"p95 {q[94]:.2f} ms, max {max(lat):.2f} ms; CPU time p50 {qc[49]:.2f} ms, "
        f"p95 {qc[94]:.2f} ms (what the message costs when the machine is shared)"
    )
    # Every corpus text once: repeating texts would measure the caches (fold, intent rules).
    batch = [s.text for s in corpus]
    t0, c0 = time.perf_counter(), time.process_time()
    clf.classify_many(batch)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"batch: {len(batch)} messages in {dt:.2f} s = {len(batch) / dt:.0f} messages/s "
        f"(one process); CPU time {dc:.2f} s = {len(batch) / dc:.0f} messages per CPU second"
    )
    print(
        f"RSS: {base:.0f} MB before loading, {loaded:.0f} MB loaded, {rss_mb():.0f} MB after "
        f"the runs"
    )


if __name__ == "__main__":
    main()
