"""The character n-gram learner: hashing, the TF-IDF rows, fitting, saving."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlp.charngram import CharNgramModel, ngram_matrix, normalise

LABELS = ("waste", "lighting", "other")
#: Buckets of " bin " (its 3-, 4- and 5-grams), as the shipped models were trained.
EXPECTED_BIN_BUCKETS = [23488, 84512, 96868, 161394, 223096, 239723]
TEXTS = [
    ("the bins were not collected", "waste"),
    ("wheelie bin left unemptied again", "waste"),
    ("recycling bin not emptied this week", "waste"),
    ("street light out on my road", "lighting"),
    ("streetlight flickering all night", "lighting"),
    ("the lamp post light is broken", "lighting"),
    ("hello, is this the council?", "other"),
    ("thank you, have a nice day", "other"),
]


def _fit() -> CharNgramModel:
    return CharNgramModel.fit([t for t, _ in TEXTS], [g for _, g in TEXTS], LABELS, steps=60)


def test_normalise_folds_and_keeps_letters_and_digits() -> None:
    assert normalise("Éclairage   CASSÉ !! n°12") == " eclairage casse n 12 "
    assert normalise("") == "  "


def test_rows_do_not_depend_on_the_other_messages() -> None:
    alone = [ngram_matrix([t]) for t in ("street light", "bin", "")]
    indptr, idx, vals = ngram_matrix(["street light", "bin", ""])
    assert list(np.diff(indptr)) == [len(a[1]) for a in alone]
    assert len(alone[2][1]) == 0  # an empty message has no n-gram, and no row breaks
    for i, (_, a_idx, a_vals) in enumerate(alone):
        assert np.array_equal(idx[indptr[i] : indptr[i + 1]], a_idx)
        assert np.allclose(vals[indptr[i] : indptr[i + 1]], a_vals)


def test_hashing_is_stable_and_counts_are_sublinear() -> None:
    a = ngram_matrix(["binbinbin"])
    b = ngram_matrix(["binbinbin"])
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert abs(float(a[2].max()) - (1.0 + float(np.log(3)))) < 1e-6  # "bin" three times


def test_fit_learns_is_deterministic_and_reads_typos() -> None:
    model = _fit()
    again = _fit()
    assert np.array_equal(model.weights, again.weights)
    votes = model.predict(["streetlite flickerin", "wheelie bins not colected", ""])
    assert max(votes[0], key=lambda s: votes[0][s]) == "lighting"
    assert max(votes[1], key=lambda s: votes[1][s]) == "waste"
    assert all(abs(sum(v.values()) - 1.0) < 1e-5 for v in votes)
    assert model.predict([]) == []


def test_save_and_load_keep_the_votes(tmp_path: Path) -> None:
    model = _fit()
    model.save(tmp_path / "char.npz")
    loaded = CharNgramModel.load(tmp_path / "char.npz")
    texts = ["street light out", "bins"]
    for a, b in zip(model.predict(texts), loaded.predict(texts), strict=True):
        assert a.keys() == b.keys()
        assert all(abs(a[s] - b[s]) < 2e-3 for s in a)


def test_buckets_do_not_move() -> None:
    """A shipped model's weights are indexed by these buckets: the hashing must never change."""
    _, idx, _ = ngram_matrix(["bin"])
    assert sorted(int(i) for i in idx) == EXPECTED_BIN_BUCKETS
