"""K-fold cross-validation on ``train`` + ``dev``: the yardstick for every modelling choice.

The held-out ``test`` split is never read here. Each fold is a hash of the folded text (another
part of the digest than :func:`nlp.corpus.split_of`), so folds are stable and identical texts
stay together. Per fold, both languages are trained the way ``nlp train`` trains its final
model (same features, epochs, vector head), with the calibration's lexicon weight fixed at its
floor (:data:`nlp.calibration.MIN_LEXICON_WEIGHT`, what both languages ship with; the
temperature does not move the best service), and the fold's messages are classified by the
full :class:`nlp.pipeline.SpacyClassifier` (intent rules included).

Run: ``senscommun nlp evaluate --cv 5``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from .calibration import MIN_LEXICON_WEIGHT, Calibration
from .corpus import Sample, load_corpus
from .langid import LanguageIdentifier
from .text import fold
from .train import TrainConfig, fit_vector_head, train_language
from .types import LANGUAGES, Classification
from .vectors import VectorTable


def fold_of(text: str, k: int) -> int:
    """The fold (0..k-1) of a text, from a part of its hash that the split does not use."""
    digest = int(hashlib.sha1(" ".join(fold(text).split()).encode()).hexdigest(), 16)
    return (digest // 10**6) % k


def cross_validate(
    k: int,
    cfg: TrainConfig,
    samples: Sequence[Sample] | None = None,
    vectors: bool = True,
) -> dict[str, tuple[list[Sample], list[Classification]]]:
    """Out-of-fold classifications of every ``train`` + ``dev`` message, per language
    (``vectors=False`` leaves the French vector head out, for quick checks)."""
    from .pipeline import SpacyClassifier

    pool = [s for s in (samples if samples is not None else load_corpus()) if s.split != "test"]
    tables = {lang: VectorTable.from_package(lang) if vectors else None for lang in cfg.langs}
    out: dict[str, tuple[list[Sample], list[Classification]]] = {
        lang: ([], []) for lang in cfg.langs
    }
    for f in range(k):
        fit = [s for s in pool if fold_of(s.text, k) != f]
        held = [s for s in pool if fold_of(s.text, k) == f]
        pipelines: dict[str, Any] = {}
        heads = {}
        for lang in LANGUAGES:
            part = [s for s in fit if s.lang == lang]
            pipelines[lang] = train_language(part, lang, cfg)
            table = tables.get(lang)
            if table is not None:
                heads[lang] = (table, fit_vector_head(table, part))
        calibration = Calibration(MIN_LEXICON_WEIGHT, 1.0)
        clf = SpacyClassifier(
            pipelines,
            {lang: calibration for lang in LANGUAGES},
            langid=LanguageIdentifier.train((s.text, s.lang) for s in fit),
            heads=heads,
        )
        for lang in cfg.langs:
            test = [s for s in held if s.lang == lang]
            preds = clf.classify_many([s.text for s in test], [lang] * len(test))
            out[lang][0].extend(test)
            out[lang][1].extend(preds)
        cfg.log(f"fold {f + 1}/{k} done")
    return out
