"""K-fold cross-validation on ``train`` + ``dev``: the yardstick for every modelling choice.

The held-out ``test`` split is never read here. Each fold is a hash of the folded text (another
part of the digest than :func:`nlp.corpus.split_of`), so folds are stable and identical texts
stay together. Per fold, both languages are trained the way ``nlp train`` trains its final
model (same features, epochs, noisy copies, vector head, character model), and calibrated the
same way, nested:
the calibration of outer fold ``f`` is fitted on out-of-fold scores of the other folds only,
each scored by a model trained without ``f`` and without that fold (the model that leaves out
``{f, g}`` serves both outer folds ``f`` and ``g``, so k(k+1)/2 models per language are
trained, not k(k+1)). The fold's messages are then classified by the full
:class:`nlp.pipeline.SpacyClassifier` (intent rules included).

Run: ``senscommun nlp evaluate --cv 5``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from .calibration import Calibration, Distribution, fit_calibration
from .charngram import CharNgramModel
from .corpus import Sample, fold_of, load_adapted, load_corpus
from .langid import LanguageIdentifier
from .train import Head, TrainConfig, fit_language, held_out_distributions
from .types import DEFAULT_SERVICES, LANGUAGES, Classification
from .vectors import VectorTable

__all__ = ["cross_validate", "fold_of"]


def _nested_calibrations(
    pool: Sequence[Sample], lang: str, k: int, cfg: TrainConfig, table: VectorTable | None,
    always: Sequence[Sample] = (),
) -> list[Calibration]:  # fmt: skip
    """The calibration of each outer fold, fitted on inner out-of-fold scores."""
    folds = [fold_of(s.text, k) for s in pool]
    pairs: dict[frozenset[int], dict[int, Distribution]] = {}
    for f, g in itertools.combinations(range(k), 2):
        pairs[frozenset({f, g})] = held_out_distributions(pool, lang, cfg, table,
                                                          frozenset({f, g}), k, always)  # fmt: skip
        cfg.log(f"{lang}: inner model without folds {f + 1} and {g + 1} done")
    out = []
    for f in range(k):
        idx = [i for i, fi in enumerate(folds) if fi != f and i in pairs[frozenset({f, fi})]]
        dists = [pairs[frozenset({f, folds[i]})][i] for i in idx]
        out.append(fit_calibration(dists, [pool[i].service for i in idx], DEFAULT_SERVICES))
    return out


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
    # Adapted lines are learnt in every fold, never scored (as in nlp.train).
    adapted = load_adapted() if samples is None else []
    tables = {lang: VectorTable.from_package(lang) if vectors else None for lang in LANGUAGES}
    calibrations = {
        lang: _nested_calibrations(
            [s for s in pool if s.lang == lang],
            lang,
            k,
            cfg,
            tables[lang],
            [s for s in adapted if s.lang == lang],
        )
        for lang in cfg.langs
    }
    out: dict[str, tuple[list[Sample], list[Classification]]] = {
        lang: ([], []) for lang in cfg.langs
    }
    for f in range(k):
        fit = [s for s in pool if fold_of(s.text, k) != f]
        held = [s for s in pool if fold_of(s.text, k) == f]
        pipelines: dict[str, Any] = {}
        heads: dict[str, Head] = {}
        chars: dict[str, CharNgramModel] = {}
        for lang in LANGUAGES:
            lines = [s for s in fit + adapted if s.lang == lang]
            learnt = fit_language(lines, lang, cfg, tables[lang])
            pipelines[lang] = learnt.nlp
            if learnt.head is not None:
                heads[lang] = learnt.head
            if learnt.char is not None:
                chars[lang] = learnt.char
        clf = SpacyClassifier(
            pipelines,
            {
                lang: calibrations[lang][f] if lang in calibrations else Calibration()
                for lang in LANGUAGES
            },
            langid=LanguageIdentifier.train((s.text, s.lang) for s in fit),
            heads=heads,
            chars=chars,
        )
        for lang in cfg.langs:
            test = [s for s in held if s.lang == lang]
            preds = clf.classify_many([s.text for s in test], [lang] * len(test))
            out[lang][0].extend(test)
            out[lang][1].extend(preds)
        cfg.log(f"fold {f + 1}/{k} done")
    return out
