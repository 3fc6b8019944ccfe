"""The static-vector head (see nlp.vectors): a tiny table, a deterministic fit, the blend."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from spacy.strings import hash_string  # type: ignore[attr-defined]

from nlp import DEFAULT_MODEL_DIR
from nlp.vectors import HEAD_FILE, VectorHead, VectorTable


def _table() -> VectorTable:
    words = {"poubelle": [1.0, 0.0], "ordures": [0.9, 0.1], "lampadaire": [0.0, 1.0],
             "lumière": [0.1, 0.9]}  # fmt: skip
    pairs = sorted((int(hash_string(w)), i) for i, w in enumerate(words))
    keys = np.array([k for k, _ in pairs], dtype=np.uint64)
    rows = np.array([r for _, r in pairs], dtype=np.int32)
    vecs = np.array(list(words.values()), dtype=np.float16)
    return VectorTable(keys, rows, vecs, frozenset({"la", "le", "de"}))


def test_embed_reads_content_words_only() -> None:
    t = _table()
    assert np.allclose(t.embed("La POUBELLE"), [1.0, 0.0], atol=1e-3)
    assert not t.embed("le de la 12 !!").any()  # nothing known: zeros, not NaN
    assert t.embed_many([]).shape == (0, 2)
    v = t.embed("poubelle et lampadaire")
    assert abs(float(np.linalg.norm(v)) - 1.0) < 1e-3


def test_head_is_deterministic_and_learns(tmp_path: Path) -> None:
    t = _table()
    texts = ["poubelle", "ordures", "lampadaire", "lumière"]
    gold = ["waste", "waste", "lighting", "lighting"]
    x = t.embed_many(texts)
    a = VectorHead.fit(x, gold, ["waste", "lighting", "other"], steps=200)
    b = VectorHead.fit(x, gold, ["waste", "lighting", "other"], steps=200)
    assert np.array_equal(a.weights, b.weights)
    a.save(tmp_path / HEAD_FILE)
    c = VectorHead.load(tmp_path / HEAD_FILE)
    votes = c.predict(t.embed_many(["des ordures", "plus de lumière"]))
    assert max(votes[0], key=lambda s: votes[0][s]) == "waste"
    assert max(votes[1], key=lambda s: votes[1][s]) == "lighting"


@pytest.mark.skipif(not (DEFAULT_MODEL_DIR / f"fr.{HEAD_FILE}").is_file(),
                    reason="model trained without fr_core_news_md")  # fmt: skip
def test_shipped_french_head_votes() -> None:
    from nlp.pipeline import SpacyClassifier

    clf = SpacyClassifier.load(DEFAULT_MODEL_DIR)
    assert "fr" in clf.heads and "en" not in clf.heads
    table, head = clf.heads["fr"]
    vote = head.predict(table.embed_many(["réverbère en panne"]))[0]
    assert max(vote, key=lambda s: vote[s]) == "lighting"


def test_table_keeps_lower_case_words_and_adds_accentless_spellings() -> None:
    from nlp.vectors import _lookup_keys

    words = {"Réverbère": 0, "réverbère": 1, "rêverbère": 5, "poubelle": 2, "pêche": 3,
             "peche": 4}  # fmt: skip
    strings = {int(hash_string(w)): w for w in words}
    found = dict(_lookup_keys({int(hash_string(w)): r for w, r in words.items()}, strings))
    assert int(hash_string("Réverbère")) not in found  # embed() lower-cases: never looked up
    assert found[int(hash_string("reverbere"))] == 1  # the most frequent (lowest row) wins
    assert found[int(hash_string("peche"))] == 4  # a word of its own keeps its own row
    assert found[int(hash_string("poubelle"))] == 2
