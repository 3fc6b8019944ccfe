"""The real-data benchmark's arithmetic: macro-F1 over the gold services, and the count of
``ask_service`` on wrong and right answers."""

from __future__ import annotations

from benchmarks.real_data import asked_text, macro_f1


def test_macro_f1_averages_over_the_gold_services_only() -> None:
    gold = ["roads", "roads", "parking", "parking"]
    pred = ["roads", "parking", "parking", "lighting"]
    # roads: tp 1, fn 1 -> 2/3; parking: tp 1, fp 1, fn 1 -> 1/2; lighting is not in gold.
    assert abs(macro_f1(gold, pred) - (2 / 3 + 1 / 2) / 2) < 1e-9
    assert macro_f1(gold, gold) == 1.0
    assert macro_f1([], []) == 0.0


def test_asked_text_counts_asks_on_wrong_and_right_answers() -> None:
    gold = ["roads", "waste", "noise", "other"]
    pred = ["roads", "cleanliness", "parking", "other"]
    asked = [False, True, False, True]
    assert asked_text(gold, pred, asked) == " asked when wrong 1/2, when right 1/2;"
