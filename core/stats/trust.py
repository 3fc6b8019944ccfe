"""The trust index of a service: a weighted mean of three shares, each shown beside it.

See ``docs/trust-index.md``. In short, on a 0–100 scale::

    index = 100 × (0.4 × satisfaction + 0.4 × fixed + 0.2 × resolved) / (sum of the weights used)

- satisfaction: the mean "is it fixed?" rating, 1 to 5, brought to 0–1 as (mean − 1) / 4;
- fixed: the share of "yes" among the "yes" and "no" answers to "is it fixed?";
- resolved: the share of the reports received that are resolved (left out, and the weights
  of the two others used alone, when no report was received in the period).

There is no index while satisfaction rests on fewer than ``min_answers`` ratings, or the
fixed share on fewer than ``min_answers`` yes/no answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class TrustPart(StrEnum):
    SATISFACTION = "satisfaction"
    FIXED = "fixed"
    RESOLVED = "resolved"


WEIGHTS: Mapping[TrustPart, float] = {
    TrustPart.SATISFACTION: 0.4,
    TrustPart.FIXED: 0.4,
    TrustPart.RESOLVED: 0.2,
}


@dataclass(frozen=True)
class Part:
    part: TrustPart
    value: float  # 0 to 1
    weight: float  # the weight it had in this index (the used weights add up to 1)


@dataclass(frozen=True)
class Trust:
    index: float  # 0 to 100, one decimal
    parts: tuple[Part, ...]


def satisfaction(ratings: Mapping[int, int]) -> float | None:
    """The mean rating (1 to 5) brought to 0–1."""
    n = sum(ratings.values())
    if not n:
        return None
    mean = sum(r * c for r, c in ratings.items()) / n
    return (mean - 1) / 4


def trust_index(
    ratings: Mapping[int, int],
    fixed: int,
    not_fixed: int,
    share_resolved: float | None,
    min_answers: int,
) -> Trust | None:
    """None when either residents' part rests on fewer than ``min_answers`` answers."""
    sat = satisfaction(ratings)
    if sat is None or sum(ratings.values()) < min_answers or fixed + not_fixed < min_answers:
        return None
    values = {TrustPart.SATISFACTION: sat, TrustPart.FIXED: fixed / (fixed + not_fixed)}
    if share_resolved is not None:
        values[TrustPart.RESOLVED] = share_resolved
    total = sum(WEIGHTS[p] for p in values)
    parts = tuple(Part(p, v, WEIGHTS[p] / total) for p, v in values.items())
    return Trust(round(100 * sum(p.value * p.weight for p in parts), 1), parts)
