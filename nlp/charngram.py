"""A second learner: logistic regression on hashed character n-grams of the whole message.

The textcat (:mod:`nlp.features`) reads words, stems, stem bigrams and character 3-4-grams
*inside* words, and learns with spaCy's sparse linear layer. This model reads the message as one
string of letters and digits (folded, every other run of characters one space) and counts its
character 3-, 4- and 5-grams, including those that cross a word boundary ("s bin", "e lig"), so
it sees glued words ("streetlight", "cest"), split ones ("street light"), typos, SMS spellings
and unseen inflections as near neighbours of what it learnt. Counts are sub-linear
(``1 + log``), weighted by inverse document frequency and scaled to unit length (TF-IDF, the
usual text recipe); an L2-regularised multinomial logistic regression is fitted on them by
full-batch Adam, so training is deterministic (no random draw at all) and needs numpy only.

Its vote is blended with the textcat's, the vector head's and the lexicon's by the calibration
(:mod:`nlp.calibration`), which fits its weight out of fold. Inference is vectorised over a
batch (one numpy pass computes every n-gram hash of every message), ~30 us a message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .text import fold

CHAR_FILE = "char_model.npz"
#: Hashed buckets (2^18: a language uses ~60,000 of them, so collisions are rare; the unused
#: ones compress to nothing in the saved file).
CHAR_BITS = 18
ORDERS = (3, 4, 5)
#: Inverse L2 strength (as scikit-learn's ``C``), chosen in nested cross-validation.
CHAR_C = 30.0
CHAR_STEPS = 150
MAX_CHARS = 2000

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_SEP = 0  # code between two messages: an n-gram that contains it is dropped
#: Odd 64-bit multipliers: position j of an n-gram of order n is multiplied by _MULT[n][j].
#: Written out (drawn once from a seeded generator): a shipped model's buckets depend on them.
# fmt: off
_MULT = {
    3: np.array([0x2F406B0D6576FEB3, 0x147EA79F28F86D4D, 0x3E2C049BE5FD8487], dtype=np.uint64),
    4: np.array([0x2920C40CEAD8C06D, 0x78061496E0646FCF, 0x1A0662CEFA148879, 0x528F8BFE4890BEBB],
                dtype=np.uint64),
    5: np.array([0x6088622EF6DFF4DF, 0x34A52E1AE576E2C5, 0x43D892F60F41A889, 0x127F7C9EAF3ED4D5,
                 0x28424311C2A17F5F], dtype=np.uint64),
}
# fmt: on
_MIX = np.uint64(0x9E3779B97F4A7C15)


def normalise(text: str) -> str:
    """Folded letters and digits, every other run of characters one space, padded by spaces."""
    return " " + _NOT_ALNUM.sub(" ", fold(text[:MAX_CHARS])).strip() + " "


def ngram_matrix(texts: Sequence[str], bits: int = CHAR_BITS) -> tuple[Any, Any, Any]:
    """Sparse rows (CSR: ``indptr``, bucket ``indices``, ``1 + log`` counts) of the texts'
    hashed character n-grams, buckets sorted inside a row; no weighting, no normalisation."""
    strings = [normalise(t) for t in texts]
    joined = "\x00".join(strings).encode("ascii", "replace")
    codes = np.frombuffer(joined, dtype=np.uint8).astype(np.uint64)
    lengths = np.fromiter((len(s) + 1 for s in strings), dtype=np.int64, count=len(strings))
    row_of_char = np.repeat(np.arange(len(strings), dtype=np.int64), lengths)[: len(codes)]
    is_sep = codes == _SEP
    keys: list[Any] = []
    rows: list[Any] = []
    shift = np.uint64(64 - bits)
    for n in ORDERS:
        m = len(codes) - n + 1
        if m <= 0:
            continue
        h = np.full(m, np.uint64(n), dtype=np.uint64)
        bad = np.zeros(m, dtype=bool)
        for j in range(n):
            h += codes[j : j + m] * _MULT[n][j]
            bad |= is_sep[j : j + m]
        h ^= h >> np.uint64(29)
        h *= _MIX
        keep = ~bad
        keys.append(h[keep] >> shift)
        rows.append(row_of_char[:m][keep])
    n_rows = len(strings)
    if not keys:
        return np.zeros(n_rows + 1, dtype=np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    combined = np.concatenate(rows) * (1 << bits) + np.concatenate(keys).astype(np.int64)
    uniq, counts = np.unique(combined, return_counts=True)
    row, bucket = uniq >> bits, uniq & ((1 << bits) - 1)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=n_rows), out=indptr[1:])
    return indptr, bucket, (1.0 + np.log(counts)).astype(np.float32)


def _weighted(matrix: tuple[Any, Any, Any], idf: Any) -> tuple[Any, Any, Any]:
    """TF-IDF rows of unit length."""
    indptr, idx, vals = matrix
    vals = vals * idf[idx]
    row = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    squares = np.bincount(row, weights=vals.astype(np.float64) ** 2, minlength=len(indptr) - 1)
    norms = np.sqrt(squares)
    return indptr, idx, (vals / np.maximum(norms[row], 1e-12)).astype(np.float32)


def _row_sums(indptr: Any, contrib: Any) -> Any:
    """Per-row sums of ``contrib`` (nnz x C, rows contiguous), empty rows giving zeros."""
    out = np.zeros((len(indptr) - 1, contrib.shape[1]), dtype=np.float32)
    filled = np.flatnonzero(np.diff(indptr) > 0)
    if len(filled):
        out[filled] = np.add.reduceat(contrib, indptr[filled], axis=0)
    return out


def _softmax(z: Any) -> Any:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class CharNgramModel:
    """Hashed character n-gram TF-IDF + multinomial logistic regression (numpy only)."""

    def __init__(self, labels: Sequence[str], weights: Any, bias: Any, idf: Any) -> None:
        self.labels, self.weights, self.bias, self.idf = list(labels), weights, bias, idf
        self.bits = len(idf).bit_length() - 1

    @classmethod
    def fit(cls, texts: Sequence[str], gold: Sequence[str], labels: Sequence[str],
            c: float = CHAR_C, steps: int = CHAR_STEPS,
            bits: int = CHAR_BITS) -> CharNgramModel:  # fmt: skip
        """Minimise mean cross-entropy + ||W||^2 / (2 c n) by full-batch Adam from zeros, on
        the buckets the texts use (the others keep a zero weight)."""
        n = len(texts)
        indptr, idx, vals = ngram_matrix(texts, bits)
        row = np.repeat(np.arange(n), np.diff(indptr))
        df = np.bincount(idx, minlength=1 << bits).astype(np.float64)
        idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        indptr, idx, vals = _weighted((indptr, idx, vals), idf)
        active, local = np.unique(idx, return_inverse=True)
        # Gradient of the weights: each bucket's contributions summed in one pass, in order.
        order = np.argsort(local, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(local[order]) != 0])
        rows_sorted, vals_sorted = row[order], vals[order][:, None]
        y = np.zeros((n, len(labels)), dtype=np.float32)
        y[np.arange(n), [list(labels).index(g) for g in gold]] = 1.0
        w = np.zeros((len(active), len(labels)), dtype=np.float32)
        b = np.zeros(len(labels), dtype=np.float32)
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
        weights = np.zeros((1 << bits, len(labels)), dtype=np.float32)
        weights[active] = w
        return cls(labels, weights, b.astype(np.float32), idf)

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        indptr, idx, vals = _weighted(ngram_matrix(texts, self.bits), self.idf)
        z = _row_sums(indptr, vals[:, None] * self.weights[idx]) + self.bias
        return [dict(zip(self.labels, map(float, r), strict=True)) for r in _softmax(z)]

    def save(self, path: Path) -> None:
        """Weights in float16 (half the size; predictions move by < 1e-3)."""
        np.savez_compressed(path, labels=np.array(self.labels),
                            weights=self.weights.astype(np.float16), bias=self.bias,
                            idf=self.idf.astype(np.float16))  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> CharNgramModel:
        with np.load(path) as z:
            return cls([str(s) for s in z["labels"]], z["weights"].astype(np.float32),
                       z["bias"], z["idf"].astype(np.float32))  # fmt: skip
