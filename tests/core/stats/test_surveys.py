"""Results per survey and per round, from crafted campaigns, outbox rows and answers."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.deps import Deps
from core.stats.results import Period
from core.stats.surveys import SurveyStats, survey_stats
from tests.conftest import Clock
from tests.core.stats.data import survey, survey_round

DAY = timedelta(days=1)


async def crafted(svc: Deps, now: datetime) -> dict[str, list[int]]:
    async with svc.sessions() as s:
        bus = await survey(
            s, "bus", "rating", {"kind": "service_reporters", "service": "transport"}, now
        )
        clean = await survey(s, "clean", "yes_no", {"kind": "all"}, now)
        pick = await survey(
            s,
            "pick",
            "choice",
            {"kind": "service_reporters", "service": "roads"},
            now,
            choices=[{"fr": "Trous", "en": "Holes"}, {"fr": "Trottoirs", "en": "Pavements"}],
        )
        rounds = {
            "bus": [
                await survey_round(s, bus, now - 100 * DAY, 5, ["1"] * 5),  # before the period
                await survey_round(s, bus, now - 40 * DAY, 8, ["5", "4", "4", "3", "5", "1"]),
                await survey_round(s, bus, now - 10 * DAY, 4, ["2", "5"]),
            ],
            "clean": [await survey_round(s, clean, now - 5 * DAY, 10, ["y", "y", "y", "n", "n"])],
            "pick": [await survey_round(s, pick, now - 2 * DAY, 6, ["c1", "c1", "c0"])],
        }
        await s.commit()
    return rounds


async def results(svc: Deps, now: datetime, service: str | None = None) -> dict[str, SurveyStats]:
    async with svc.sessions() as s:
        found = await survey_stats(s, Period.last_days(now, 90), 5, service=service)
    return {sv.code: sv for sv in found}


async def test_rounds_and_totals_with_rates_means_and_distributions(
    svc: Deps, clock: Clock
) -> None:
    rounds = await crafted(svc, clock())
    by = await results(svc, clock())
    assert list(by) == ["bus", "clean", "pick"]
    bus = by["bus"]
    assert [r.campaign_id for r in bus.rounds] == rounds["bus"][1:]  # the old round is out
    first, second = (r.figures for r in bus.rounds)
    assert (first.recipients, first.answers, first.response_rate) == (8, 6, 0.75)
    assert first.mean == 3.67
    assert first.distribution == {"1": 1, "2": 0, "3": 1, "4": 2, "5": 2}
    # Two answers: how many is shown, what they said and the rate are not.
    assert (second.recipients, second.answers) == (4, 2)
    assert (second.response_rate, second.mean, second.distribution) == (None, None, None)
    total = bus.total
    assert (total.recipients, total.answers) == (12, 8)
    assert total.response_rate == pytest.approx(8 / 12)
    assert total.mean == 3.62  # 29 / 8
    assert bus.service == "transport" and bus.question["en"] == "Question bus?"

    clean = by["clean"].total
    assert (clean.distribution, clean.mean, clean.response_rate) == ({"y": 3, "n": 2}, None, 0.5)
    assert by["clean"].service is None
    assert by["pick"].total.distribution is None  # three answers


async def test_agents_see_their_services_surveys_and_the_towns(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    assert list(await results(svc, clock(), "transport")) == ["bus", "clean"]
    assert list(await results(svc, clock(), "roads")) == ["clean", "pick"]
    assert list(await results(svc, clock(), "water")) == ["clean"]


async def test_no_round_in_the_period_no_survey(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    assert await results(svc, clock() + 200 * DAY) == {}
