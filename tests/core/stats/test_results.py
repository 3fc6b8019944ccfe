"""Results per service from crafted reports, histories and questionnaires (SQLite and PG)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.deps import Deps
from core.stats.questionnaire import service_feedback
from core.stats.results import Period, ServiceStats, by_month, service_stats
from core.stats.trust import TrustPart
from storage.enums import ActorKind, ReportStatus
from tests.conftest import Clock
from tests.core.stats.data import asked, report

AGENT, RESIDENT = ActorKind.AGENT, ActorKind.RESIDENT
RESOLVED, REOPENED = ReportStatus.RESOLVED, ReportStatus.REOPENED
DAY = timedelta(days=1)


async def crafted(svc: Deps, now: datetime) -> None:
    """Water: five reports in the last 90 days (one a duplicate, two resolved now), one older;
    six "is it fixed?" sent (five answered, one "no" reopened a report). Roads: one report,
    two answers."""
    async with svc.sessions() as s:
        await report(s, "water", now - 10 * DAY, [(2 * DAY, RESOLVED, AGENT)])
        r2 = await report(
            s, "water", now - 20 * DAY, [(4 * DAY, RESOLVED, AGENT), (6 * DAY, REOPENED, RESIDENT)]
        )
        await report(s, "water", now - 5 * DAY, [(DAY, ReportStatus.IN_PROGRESS, AGENT)])
        await report(s, "water", now - 3 * DAY, [(DAY, ReportStatus.DUPLICATE, AGENT)])
        await report(s, "water", now - 100 * DAY, [(DAY, RESOLVED, AGENT)])
        await report(
            s,
            "water",
            now - 30 * DAY,
            [(DAY, RESOLVED, AGENT), (2 * DAY, REOPENED, RESIDENT), (6 * DAY, RESOLVED, AGENT)],
        )
        for answer, rating in [("yes", 5), ("yes", 4), ("yes", 4), ("no", 2), ("unknown", 3)]:
            await asked(s, r2, "water", now - 12 * DAY, answer, rating)
        await asked(s, r2, "water", now - 12 * DAY)  # sent, never answered
        await asked(s, r2, "water", now - 95 * DAY, "no", 1)  # before the period
        r7 = await report(s, "roads", now - DAY)
        await asked(s, r7, "roads", now - DAY, "yes", 5)
        await asked(s, r7, "roads", now - DAY, "no", 1)
        await s.commit()


async def figures(svc: Deps, now: datetime, least: int) -> dict[str, ServiceStats]:
    async with svc.sessions() as s:
        stats = await service_stats(
            s, Period.last_days(now, 90), ["water", "roads", "noise"], least
        )
    return {st.service: st for st in stats}


async def test_reports_resolutions_and_answers_per_service(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    water = (await figures(svc, clock(), 5))["water"]
    assert (water.received, water.resolved, water.share_resolved) == (5, 2, 0.5)  # 2 / (5 − 1)
    assert water.median_resolve == 2 * DAY  # first resolutions after 2, 4 and 1 days
    assert (water.asked, water.answered, water.ratings) == (6, 5, 5)
    assert water.response_rate == pytest.approx(5 / 6)
    assert (water.fixed, water.not_fixed, water.unknown, water.reopened) == (3, 1, 1, 2)
    assert water.mean_rating == 3.6
    assert water.distribution == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}


async def test_answers_below_the_minimum_are_hidden_not_the_counts(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    by = await figures(svc, clock(), 5)
    roads, noise = by["roads"], by["noise"]
    assert (roads.received, roads.resolved, roads.share_resolved) == (1, 0, 0.0)
    assert roads.median_resolve is None
    assert (roads.asked, roads.answered, roads.ratings) == (2, 2, 2)  # how many: public
    hidden = (roads.response_rate, roads.fixed, roads.not_fixed, roads.unknown, roads.reopened)
    assert hidden == (None,) * 5
    assert (roads.mean_rating, roads.distribution, roads.trust) == (None, None, None)
    assert not noise.has_data and noise.share_resolved is None
    shown = (await figures(svc, clock(), 2))["roads"]
    assert (shown.fixed, shown.not_fixed, shown.mean_rating) == (1, 1, 3.0)


async def test_trust_index_shows_its_parts_and_needs_enough_yes_no(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    # Five answers and five ratings, but only four yes/no: the fixed share is too thin.
    assert (await figures(svc, clock(), 5))["water"].trust is None
    trust = (await figures(svc, clock(), 4))["water"].trust
    assert trust is not None
    parts = {p.part: (p.value, p.weight) for p in trust.parts}
    assert parts == {
        TrustPart.SATISFACTION: pytest.approx((0.65, 0.4)),  # (3.6 − 1) / 4
        TrustPart.FIXED: pytest.approx((0.75, 0.4)),  # 3 yes of 4 yes/no
        TrustPart.RESOLVED: pytest.approx((0.5, 0.2)),
    }
    assert trust.index == 66.0  # 100 × (0.4 × 0.65 + 0.4 × 0.75 + 0.2 × 0.5)


async def test_month_by_month_in_the_towns_time(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    period = Period.last_days(clock(), 90)
    months = period.months(ZoneInfo("Europe/Paris"))
    assert [m.start for m in months[1:]] == [
        datetime(2026, 8, 31, 22, tzinfo=UTC),  # 1 September, Paris summer time
        datetime(2026, 9, 30, 22, tzinfo=UTC),
        datetime(2026, 10, 31, 23, tzinfo=UTC),  # 1 November, winter time
    ]
    assert months[0].start == period.start and months[-1].end == period.end
    async with svc.sessions() as s:
        water = (await by_month(s, period, ZoneInfo("Europe/Paris"), ["water"], 5))["water"]
    assert [m.received for m in water] == [0, 0, 1, 4]
    assert sum(m.received for m in water) == 5
    assert water[3].answered == 5 and water[3].mean_rating == 3.6


async def test_service_feedback_is_kept_on_top_of_the_counts(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    async with svc.sessions() as s:
        fb = await service_feedback(s, "water", min_answers=5, since=clock() - 90 * DAY)
        everything = await service_feedback(s, "water", min_answers=50)
    assert (fb.asked, fb.fixed, fb.not_fixed, fb.unknown, fb.reopened) == (6, 3, 1, 1, 2)
    assert (fb.ratings, fb.mean_rating) == (5, 3.6)
    assert (everything.asked, everything.not_fixed, everything.mean_rating) == (7, 2, None)
