from __future__ import annotations

import pytest

from core.stats.trust import WEIGHTS, TrustPart, satisfaction, trust_index


def test_satisfaction_brings_the_mean_rating_to_zero_one() -> None:
    assert satisfaction({1: 3}) == 0.0
    assert satisfaction({5: 3}) == 1.0
    assert satisfaction({2: 1, 4: 1}) == 0.5
    assert satisfaction({}) is None


def test_the_weights_add_up_to_one() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_index_is_the_weighted_mean_of_its_parts() -> None:
    trust = trust_index({5: 5}, fixed=5, not_fixed=0, share_resolved=0.0, min_answers=5)
    assert trust is not None and trust.index == 80.0  # 0.4 × 1 + 0.4 × 1 + 0.2 × 0
    assert [p.part for p in trust.parts] == list(TrustPart)


def test_without_reports_the_residents_parts_share_the_weight() -> None:
    trust = trust_index({3: 5}, fixed=1, not_fixed=4, share_resolved=None, min_answers=5)
    assert trust is not None
    assert [(p.part, p.weight) for p in trust.parts] == [
        (TrustPart.SATISFACTION, 0.5),
        (TrustPart.FIXED, 0.5),
    ]
    assert trust.index == 35.0  # (0.5 + 0.2) / 2


def test_hidden_below_the_minimum_of_either_part() -> None:
    assert trust_index({5: 4}, 5, 0, 1.0, 5) is None  # four ratings
    assert trust_index({5: 5}, 2, 2, 1.0, 5) is None  # four yes/no ("don't know" not counted)
    assert trust_index({5: 5}, 3, 2, 1.0, 5) is not None
