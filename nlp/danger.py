"""A learnt urgency score beside the rules of :mod:`nlp.urgency`: is someone in danger, and what
kind of danger (the categories of the "Danger" section of ``nlp/data/GUIDE.md``)?

The rules explain themselves but only know the phrasings they list; residents describe a knife,
a child through the ice or a scaffold leaning over the pavement in words no list foresees. This
model reads the whole message: hashed character 3-5-grams (across word boundaries, as
:mod:`nlp.charngram`) plus word unigrams and bigrams, TF-IDF weighted, beside concept cues
(:mod:`nlp.danger_cues`); two logistic regressions read them, one for "urgent or not", one for
the danger category (fitted on the urgent lines), both by full-batch Adam from zeros (numpy
only, no random draw: deterministic). Both languages share one model (their n-grams
hardly overlap, and a danger word borrowed from the other language still counts).

The urgency score is P(urgent); a message is urgent when a rule fires **or**, for a report
(not a question or an idea: :func:`nlp.analysis.model_may_flag`), the score reaches the
threshold of its language, calibrated out of fold on the training data for recall
(:mod:`nlp.danger_train`). The model's hit carries the reason ``danger:<category>`` (the most
likely category), so an agent reads why it was flagged.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .charngram import _row_sums, _softmax, _weighted, ngram_matrix
from .danger_cues import CUES, cues
from .text import fold

DANGER_FILE = "danger.npz"
NONE = "none"
CATEGORIES: tuple[str, ...] = (
    "violence", "person", "fire", "gas_chemicals", "electricity", "water", "structure", "road",
    "animal",
)  # fmt: skip
LABELS: tuple[str, ...] = (NONE, *CATEGORIES)
REASON_PREFIX = "danger:"
CHAR_BITS = 18
WORD_BITS = 17
#: Inverse L2 strength (as scikit-learn's ``C``) and Adam steps. Round 3 chose 10 over 30, 3
#: and other cue weights on the blind writers held out whole (``benchmarks.danger_writers``):
#: level with 30 at 0.95 of their dangers caught, fewer false alarms on their everyday reports
#: at 0.96 (the shipped target: 0.062 / 0.062 fr / en against 0.072 / 0.064) and at 0.97.
DANGER_C = 10.0
DANGER_STEPS = 300
MAX_CHARS = 2000

_WORD = re.compile(r"[a-z0-9]+")
_FAMILIES = list(CUES)
#: Cue families and every pair of them found together ("child" and "water"), one column each.
_CUE_PAIRS = list(itertools.combinations(range(len(_FAMILIES)), 2))
#: ... plus one column for "no danger cue at all" (families other than now / calm).
N_CUE_FEATURES = len(_FAMILIES) + len(_CUE_PAIRS) + 1
_CALM_FAMILIES = frozenset({"now", "calm"})
WIDTH = (1 << CHAR_BITS) + (1 << WORD_BITS) + N_CUE_FEATURES
#: A cue's count is multiplied by this before weighting: one cue weighs as much as several
#: n-grams in a row of hundreds (chosen in out-of-fold runs on the danger set).
CUE_SCALE = 4.0


def _marks(text: str) -> list[str]:
    """Pseudo-words for what folding drops: a question mark (questions and ideas are rarely
    emergencies), an exclamation mark, and a message in capitals (shouting)."""
    letters = [c for c in text if c.isalpha()]
    upper = len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.7 * len(letters)
    return [m for m, on in (("~q", "?" in text), ("~x", "!" in text), ("~caps", upper)) if on]


def _word_keys(text: str) -> list[int]:
    """Hashed buckets of the folded words and word bigrams (CRC-32: stable across runs), and of
    the marks of :func:`_marks`."""
    tokens = _WORD.findall(fold(text[:MAX_CHARS]))
    grams = tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)] + _marks(text[:MAX_CHARS])
    mask = (1 << WORD_BITS) - 1
    keys = [(1 << CHAR_BITS) + (zlib.crc32(g.encode()) & mask) for g in grams]
    found = [_FAMILIES.index(c) for c in cues(text[:MAX_CHARS])]
    start = (1 << CHAR_BITS) + (1 << WORD_BITS)
    pairs = [len(_FAMILIES) + _CUE_PAIRS.index((a, b)) for a, b in itertools.combinations(found, 2)]
    if all(_FAMILIES[i] in _CALM_FAMILIES for i in found):
        pairs.append(N_CUE_FEATURES - 1)
    return keys + [start + i for i in found + pairs]


def feature_matrix(texts: Sequence[str]) -> tuple[Any, Any, Any]:
    """CSR rows (``indptr``, sorted bucket ``indices``, ``1 + log`` counts): character
    n-grams in ``[0, 2^18)``, words and bigrams in ``[2^18, 2^18 + 2^17)``, then the concept
    cues of :mod:`nlp.danger_cues` and their pairs."""
    c_ptr, c_idx, c_val = ngram_matrix(texts, CHAR_BITS)
    n = len(texts)
    c_row = np.repeat(np.arange(n, dtype=np.int64), np.diff(c_ptr))
    w_keys = [_word_keys(t) for t in texts]
    w_row = np.repeat(np.arange(n, dtype=np.int64), [len(k) for k in w_keys])
    w_idx = np.fromiter((k for ks in w_keys for k in ks), dtype=np.int64, count=len(w_row))
    width = WIDTH
    uniq, counts = np.unique(w_row * width + w_idx, return_counts=True)
    rows = np.concatenate([c_row, uniq // width])
    idx = np.concatenate([c_idx.astype(np.int64), uniq % width])
    w_vals = (1.0 + np.log(counts)) * np.where(
        uniq % width >= WIDTH - N_CUE_FEATURES, CUE_SCALE, 1.0
    )
    vals = np.concatenate([c_val, w_vals.astype(np.float32)])
    order = np.lexsort((idx, rows))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, idx[order], vals[order]


def _fit_softmax(
    matrix: tuple[Any, Any, Any], gold: Sequence[int], n_labels: int, c: float, steps: int
) -> tuple[Any, Any]:
    """Weights (``WIDTH x n_labels``) and bias of a multinomial logistic regression on TF-IDF
    rows: mean cross-entropy + ||W||^2 / (2 c n), full-batch Adam from zeros."""
    indptr, idx, vals = matrix
    n = len(indptr) - 1
    row = np.repeat(np.arange(n), np.diff(indptr))
    active, local = np.unique(idx, return_inverse=True)
    order = np.argsort(local, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(local[order]) != 0])
    rows_sorted, vals_sorted = row[order], vals[order][:, None]
    y = np.zeros((n, n_labels), dtype=np.float32)
    y[np.arange(n), list(gold)] = 1.0
    w = np.zeros((len(active), n_labels), dtype=np.float32)
    b = np.zeros(n_labels, dtype=np.float32)
    mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    lr, beta1, beta2, eps, l2 = 0.05, 0.9, 0.999, 1e-8, 1.0 / (c * n)
    v2 = vals[:, None]
    for t in range(1, steps + 1):
        p = _softmax(_row_sums(indptr, v2 * w[local]) + b)
        g = ((p - y) / n).astype(np.float32)
        gw = np.add.reduceat(vals_sorted * g[rows_sorted], starts, axis=0) + l2 * w
        gb = g.sum(axis=0)
        mw, vw = beta1 * mw + (1 - beta1) * gw, beta2 * vw + (1 - beta2) * gw**2
        mb, vb = beta1 * mb + (1 - beta1) * gb, beta2 * vb + (1 - beta2) * gb**2
        corr1, corr2 = 1 - beta1**t, 1 - beta2**t
        w -= lr * (mw / corr1) / (np.sqrt(vw / corr2) + eps)
        b -= lr * (mb / corr1) / (np.sqrt(vb / corr2) + eps)
    weights = np.zeros((WIDTH, n_labels), dtype=np.float32)
    weights[active] = w
    return weights, b.astype(np.float32)


def _rows(matrix: tuple[Any, Any, Any], keep: Any) -> tuple[Any, Any, Any]:
    """The CSR rows ``keep`` (sorted indices) of ``matrix``."""
    indptr, idx, vals = matrix
    lengths = np.diff(indptr)[keep]
    parts = [np.arange(indptr[i], indptr[i + 1], dtype=np.int64) for i in keep]
    take = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    out = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out, idx[take], vals[take]


class DangerModel:
    """TF-IDF character and word n-grams and concept cues, read by two logistic regressions:
    urgent or not (the score, with a threshold per language), and which danger category
    (fitted on the urgent lines only). Columns of ``weights``: ``none``, ``urgent``, then
    :data:`CATEGORIES`."""

    def __init__(
        self, weights: Any, bias: Any, idf: Any, thresholds: dict[str, float] | None = None
    ) -> None:
        self.weights, self.bias, self.idf = weights, bias, idf
        self.thresholds = dict(thresholds or {})
        # The two heads apart, contiguous: most messages need only the first.
        self._urgent = np.ascontiguousarray(weights[:, :2])
        self._category = np.ascontiguousarray(weights[:, 2:])

    @classmethod
    def fit(
        cls, texts: Sequence[str], gold: Sequence[str], c: float = DANGER_C,
        steps: int = DANGER_STEPS,
    ) -> DangerModel:  # fmt: skip
        """``gold``: ``none`` or a danger category per text."""
        n = len(texts)
        raw = feature_matrix(texts)
        df = np.bincount(raw[1], minlength=WIDTH).astype(np.float64)
        idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        matrix = _weighted(raw, idf)
        urgent = [int(g != NONE) for g in gold]
        w1, b1 = _fit_softmax(matrix, urgent, 2, c, steps)
        keep = np.flatnonzero(np.array(urgent, dtype=bool))
        cats = [CATEGORIES.index(gold[int(i)]) for i in keep]
        if len(keep):
            w2, b2 = _fit_softmax(_rows(matrix, keep), cats, len(CATEGORIES), c, steps)
        else:
            w2, b2 = np.zeros((WIDTH, len(CATEGORIES)), np.float32), np.zeros(len(CATEGORIES))
        return cls(np.hstack([w1, w2]), np.concatenate([b1, b2]).astype(np.float32), idf)

    def probabilities(self, texts: Sequence[str]) -> Any:
        """``len(texts) x 11``: P(none), P(urgent), then P(category | urgent) of each category."""
        if not texts:
            return np.zeros((0, 2 + len(CATEGORIES)), dtype=np.float32)
        indptr, idx, vals = _weighted(feature_matrix(texts), self.idf)
        z = _row_sums(indptr, vals[:, None] * self.weights[idx]) + self.bias
        return np.hstack([_softmax(z[:, :2]), _softmax(z[:, 2:])])

    def scores(self, texts: Sequence[str]) -> list[tuple[float, str]]:
        """Per text: the urgency score P(urgent) and the most likely danger category."""
        probs = self.probabilities(texts)
        return [(float(p[1]), CATEGORIES[int(np.argmax(p[2:]))]) for p in probs]

    def reasons(self, texts: Sequence[str], langs: Sequence[str]) -> list[tuple[str, ...]]:
        """Per text: ``("danger:<category>",)`` when its score reaches its language's
        threshold, else ``()``. A language without a threshold gets none (rules only)."""
        if not texts:
            return []
        matrix = _weighted(feature_matrix(texts), self.idf)
        indptr, idx, vals = matrix
        z = _row_sums(indptr, vals[:, None] * self._urgent[idx]) + self.bias[:2]
        score = _softmax(z)[:, 1]
        limits = np.array([self.thresholds.get(lang, np.inf) for lang in langs])
        flagged = np.flatnonzero(score >= limits)
        out: list[tuple[str, ...]] = [() for _ in texts]
        if len(flagged):
            ptr, sub_idx, sub_vals = _rows(matrix, flagged)
            zc = _row_sums(ptr, sub_vals[:, None] * self._category[sub_idx]) + self.bias[2:]
            for i, row in zip(flagged, zc, strict=True):
                out[int(i)] = (REASON_PREFIX + CATEGORIES[int(np.argmax(row))],)
        return out

    def save(self, path: Path) -> None:
        """Weights in float16 (the unused buckets compress to nothing)."""
        langs = sorted(self.thresholds)
        np.savez_compressed(path, weights=self.weights.astype(np.float16), bias=self.bias,
                            idf=self.idf.astype(np.float16), langs=np.array(langs),
                            thresholds=np.array([self.thresholds[k] for k in langs],
                                                dtype=np.float64))  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> DangerModel:
        with np.load(path) as z:
            thresholds = {str(k): float(v) for k, v in zip(z["langs"], z["thresholds"],
                                                           strict=True)}  # fmt: skip
            return cls(z["weights"].astype(np.float32), z["bias"], z["idf"].astype(np.float32),
                       thresholds)  # fmt: skip
