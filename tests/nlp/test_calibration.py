"""The calibration (nlp.calibration): weights and per-service biases fitted on out-of-fold
scores, applied to the model, the vector head and the lexicon."""

from __future__ import annotations

import random
from dataclasses import replace

from nlp.calibration import (
    MIN_FIT_LINES,
    MIN_LEXICON_WEIGHT,
    Calibration,
    Distribution,
    fit_calibration,
)

LABELS = ("roads", "cleanliness", "other")


def _dists(n: int, seed: int = 0) -> tuple[list[Distribution], list[str]]:
    """A model that over-calls roads: cleanliness lines get 0.5 roads, 0.4 cleanliness."""
    rng = random.Random(seed)
    dists: list[Distribution] = []
    gold: list[str] = []
    for _ in range(n):
        label = rng.choice(LABELS)
        if label == "cleanliness":
            probs = {"roads": 0.5, "cleanliness": 0.4, "other": 0.1}
        elif label == "roads":
            probs = {"roads": 0.8, "cleanliness": 0.1, "other": 0.1}
        else:
            probs = {"roads": 0.2, "cleanliness": 0.1, "other": 0.7}
        dists.append((probs, {}, None, None))
        gold.append(label)
    return dists, gold


def test_biases_correct_a_service_the_model_over_calls() -> None:
    dists, gold = _dists(600)
    before = Calibration()
    cal = fit_calibration(dists, gold, LABELS)
    assert cal.biases["roads"] < cal.biases["cleanliness"]
    probs, _, _, _ = dists[gold.index("cleanliness")]
    assert max(before.apply(probs, {}), key=before.apply(probs, {}).get) == "roads"  # type: ignore[arg-type]
    after = cal.apply(probs, {})
    assert max(after, key=lambda s: after[s]) == "cleanliness"
    assert abs(sum(cal.biases.values())) < 1e-3  # centred: softmax does not see a shift
    assert cal.lexicon_weight >= MIN_LEXICON_WEIGHT * cal.model_weight - 1e-9
    assert cal.fit_nll is not None and cal.fit_ece is not None


def test_fit_is_deterministic_and_needs_enough_lines() -> None:
    dists, gold = _dists(300)
    assert fit_calibration(dists, gold, LABELS) == fit_calibration(dists, gold, LABELS)
    few, few_gold = _dists(MIN_FIT_LINES - 1)
    assert fit_calibration(few, few_gold, LABELS) == Calibration()


def test_round_trip_and_models_before_round_6() -> None:
    cal = Calibration(1.1, 1.0, 0.8, 0.6, {"roads": -0.5, "other": 0.5})
    assert Calibration.from_dict(cal.to_dict()) == cal
    old = Calibration.from_dict({"lexicon_weight": 0.75, "temperature": 0.8, "vector_head": 0.75})
    assert (old.model_weight, old.head_weight, old.temperature, dict(old.biases)) == (
        1.0,
        0.75,
        0.8,
        {},
    )


def test_head_and_cues_move_the_scores() -> None:
    cal = Calibration(lexicon_weight=1.0, head_weight=1.0)
    model = {"roads": 0.5, "cleanliness": 0.5}
    assert abs(sum(cal.apply(model, {}).values()) - 1.0) < 1e-9
    by_head = cal.apply(model, {}, {"roads": 0.1, "cleanliness": 0.9})
    assert by_head["cleanliness"] > by_head["roads"]
    by_cue = cal.apply(model, {"roads": 2.0})
    assert by_cue["roads"] > by_cue["cleanliness"]


def test_char_votes_get_a_weight_when_they_help() -> None:
    """A character model that knows what the textcat confuses earns a weight of its own; the
    lexicon keeps its floor."""
    dists, gold = _dists(600)
    helped: list[Distribution] = [
        (probs, cues, head, {s: (0.8 if s == g else 0.1) for s in LABELS})
        for (probs, cues, head, _), g in zip(dists, gold, strict=True)
    ]
    cal = fit_calibration(helped, gold, LABELS)
    assert cal.char_weight > 0.5
    assert cal.lexicon_weight >= MIN_LEXICON_WEIGHT * cal.model_weight - 1e-3
    assert fit_calibration(dists, gold, LABELS).char_weight == 0.0  # no votes, no weight
    probs, _, _, char = helped[gold.index("cleanliness")]
    after = cal.apply(probs, {}, None, char)
    assert max(after, key=lambda s: after[s]) == "cleanliness"
    assert Calibration.from_dict(cal.to_dict()) == replace(cal, fit_nll=None, fit_ece=None)
