"""The training corpus and its deterministic held-out split.

Every line of ``nlp/data/corpus/*.jsonl`` has ``text``, ``service``, ``intent``, ``lang`` and
``source``. The split is a function of the text alone (SHA-1 of its folded form), so it needs
no saved file, survives new lines being added, and puts identical texts (even written by two
people) on the same side: 20 % ``test`` (held out, never seen by training), 15 % of the rest
``dev``, the remainder ``train`` (since round 6 both are trained on and calibrated on alike,
out of fold: see :mod:`nlp.train`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .text import fold
from .types import DEFAULT_SERVICES, LANGUAGES, Intent

CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"
#: Lines derived from corpus lines of the other language (adaptations, not translations word
#: for word): training only, never scored, never split (see ``nlp/data/SOURCES.md``).
ADAPTED_DIR = Path(__file__).resolve().parent / "data" / "adapted"
#: Real residents' reports (see ``nlp/data/SOURCES.md``), held out by town: training learns
#: the towns below, every other town's lines are only scored (``benchmarks/real_data.py``).
REAL_DIR = Path(__file__).resolve().parent / "data" / "real"
REAL_TRAIN_SOURCES = frozenset({"gainesville_mygnv311", "boston_visionzero_concerns"})
TEST_PERCENT = 20
DEV_PERCENT = 15


@dataclass(frozen=True)
class Sample:
    text: str
    service: str
    intent: str
    lang: str
    source: str = "team"

    @property
    def split(self) -> str:
        return split_of(self.text)


def split_of(text: str) -> str:
    """``"test"``, ``"dev"`` or ``"train"``, from a hash of the folded text."""
    digest = int(hashlib.sha1(" ".join(fold(text).split()).encode()).hexdigest(), 16)
    if digest % 100 < TEST_PERCENT:
        return "test"
    return "dev" if (digest // 100) % 100 < DEV_PERCENT else "train"


def fold_of(text: str, k: int) -> int:
    """The cross-validation fold (0..k-1) of a text, from a part of its hash that the split
    does not use (see :mod:`nlp.crossval`)."""
    digest = int(hashlib.sha1(" ".join(fold(text).split()).encode()).hexdigest(), 16)
    return (digest // 10**6) % k


def read_jsonl(path: Path, default_intent: str = Intent.REPORT) -> Iterator[Sample]:
    """Valid samples of a JSONL file; lines with an unknown label or language are skipped."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, service, lang = str(row["text"]), str(row["service"]), str(row["lang"])
            except (ValueError, KeyError, TypeError):
                continue
            intent = str(row.get("intent") or default_intent)
            if service in DEFAULT_SERVICES and lang in LANGUAGES and intent in set(Intent):
                yield Sample(text.strip(), service, intent, lang, str(row.get("source", "team")))


def load_corpus(directory: Path = CORPUS_DIR) -> list[Sample]:
    """All samples, deduplicated on folded text (first one wins), in a stable order."""
    seen: set[str] = set()
    out: list[Sample] = []
    for path in sorted(directory.glob("*.jsonl")):
        for s in read_jsonl(path):
            key = " ".join(fold(s.text).split())
            if key and key not in seen:
                seen.add(key)
                out.append(s)
    return out


def select(samples: Iterable[Sample], lang: str, splits: set[str]) -> list[Sample]:
    return [s for s in samples if s.lang == lang and s.split in splits]


def load_adapted(directory: Path = ADAPTED_DIR) -> list[Sample]:
    """Training-only lines, in a stable order. Those whose text hashes to ``test`` are left out
    too, so that no text on the held-out side of the split is ever learnt."""
    out: list[Sample] = []
    for path in sorted(directory.glob("*.jsonl")):
        out += [s for s in read_jsonl(path) if s.split != "test"]
    return out


def load_real(directory: Path = REAL_DIR) -> list[Sample]:
    """Real reports of the training towns (:data:`REAL_TRAIN_SOURCES`), learnt only: never
    scored or calibrated on. Lines whose category maps to no service are skipped."""
    out: list[Sample] = []
    for path in sorted(directory.glob("*.jsonl")):
        out += [s for s in read_jsonl(path) if s.source in REAL_TRAIN_SOURCES]
    return out
