"""Noisy, phone-typed copies of training lines (nlp.augment)."""

from __future__ import annotations

from nlp.augment import augment, line_rng, noisy, strip_accents, typo
from nlp.corpus import Sample

LINES = [
    Sample(
        "Le lampadaire de la rue Émile Zola est éteint depuis une semaine, c'est pénible",
        "lighting",
        "report",
        "fr",
    ),
    Sample(
        "Could you please send someone to empty the bins on Station Road before the weekend?",
        "waste",
        "question",
        "en",
    ),
]


def test_copies_are_deterministic_and_keep_labels() -> None:
    a = augment(LINES, seed=0, copies=2)
    assert a == augment(LINES, seed=0, copies=2)
    assert a != augment(LINES, seed=1, copies=2)
    assert {(s.service, s.intent, s.lang) for s in a} <= {
        (s.service, s.intent, s.lang) for s in LINES
    }
    assert all(s.source == "team+noise" for s in a)
    assert all(s.text not in {line.text for line in LINES} for s in a)


def test_a_copy_does_not_depend_on_the_other_lines() -> None:
    alone = augment(LINES[:1], seed=0)
    assert augment(LINES, seed=0)[: len(alone)] == alone


def test_noise_looks_like_phone_typing() -> None:
    texts = {noisy(LINES[0].text, "fr", line_rng(LINES[0].text, 0, c)) for c in range(40)}
    assert any("lampadaire" not in t.lower() for t in texts)  # typos
    assert any(" dp " in t.lower() or " sem" in t.lower() for t in texts)  # SMS words
    assert any(t == t.lower() for t in texts) and any("É" not in t and "é" not in t for t in texts)
    assert strip_accents("Émile éteint pénible") == "Emile eteint penible"
    assert typo("poubelle", line_rng("x", 0, 0))[0] == "p"  # the first letter is kept
