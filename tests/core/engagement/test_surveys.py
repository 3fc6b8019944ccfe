"""Surveys: cron rounds in the town's timezone, one-off sends, answers once per round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.callbacks import CallbackError, SurveyAnswerChoice
from core.deps import Deps
from core.engagement import campaigns, surveys
from core.engagement.audience import Audience
from core.engagement.surveys import AnswerRefused, SurveyDef, next_run
from storage.models import Campaign, OutboxMessage, Resident, Survey, SurveyAnswer
from tests.conftest import Clock

PARIS = ZoneInfo("Europe/Paris")
WEEKLY = SurveyDef(
    code="cleanliness_weekly",
    question={"fr": "La rue est-elle propre ?", "en": "Is the street clean?"},
    schedule="0 10 * * 1",  # Mondays at 10:00, Paris time
)


def test_cron_runs_in_the_towns_timezone() -> None:
    thursday = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert next_run("0 10 * * 1", PARIS, thursday) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # a Wednesday; Paris is UTC+2
    assert next_run("0 10 * * 1", PARIS, summer) == datetime(2026, 7, 6, 8, 0, tzinfo=UTC)


def test_weekdays_are_counted_as_in_standard_cron() -> None:
    thursday = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    sunday = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    assert next_run("0 10 * * 0", PARIS, thursday) == sunday
    assert next_run("0 10 * * 7", PARIS, thursday) == sunday
    assert next_run("0 10 * * sun", PARIS, thursday) == sunday
    assert next_run("0 10 * * 1-5", PARIS, thursday) == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert next_run("0 10 * * 6,0", PARIS, thursday) == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_a_definition_is_checked() -> None:
    with pytest.raises(ValueError, match="choices"):
        SurveyDef(code="x", question={"fr": "?", "en": "?"}, type="choice", send_at=None)
    with pytest.raises(ValueError, match="type"):
        SurveyDef(code="x", question={"fr": "?", "en": "?"}, type="essay")
    with pytest.raises(ValueError):
        SurveyDef(code="x", question={"fr": "?", "en": "?"}, schedule="every monday")


async def _resident(svc: Deps, chat: int, **fields: object) -> int:
    async with svc.sessions() as s:
        r = Resident(
            telegram_user_id=chat,
            chat_id=chat,
            first_name="R",
            language="fr",
            created_at=svc.clock(),
            last_seen_at=svc.clock(),
            **fields,
        )
        s.add(r)
        await s.commit()
        return r.id


async def test_time_travel_weekly_rounds_and_the_cap(svc: Deps, clock: Clock) -> None:
    await _resident(svc, 801, consent_surveys=True)
    async with svc.sessions() as s:
        sv = await surveys.upsert(s, WEEKLY, clock(), PARIS)
        await s.commit()
    assert sv.next_run_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert await surveys.start_due(svc) == 0  # Thursday: not yet
    clock.now = datetime(2026, 11, 30, 9, 0, 30, tzinfo=UTC)
    assert await surveys.start_due(svc) == 1
    assert await surveys.start_due(svc) == 0  # once per due time
    async with svc.sessions() as s:
        rows = (await s.scalars(select(OutboxMessage))).all()
        nxt = (await s.get_one(Survey, sv.id)).next_run_at
    assert len(rows) == 1 and "propre" in rows[0].payload["text"]
    assert next(d for row in rows[0].payload["buttons"] for _, d in row).startswith("sv:")
    assert rows[0].payload["expires_at"]
    assert nxt == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    # A one-off survey three days later: the 7-day cap keeps the resident out of it.
    clock.advance(days=3)
    async with svc.sessions() as s:
        once = SurveyDef(
            code="once", question={"fr": "?", "en": "?"}, type="yes_no", send_at=clock()
        )
        await surveys.upsert(s, once, clock(), PARIS)
        await s.commit()
    assert await surveys.start_due(svc) == 1
    async with svc.sessions() as s:
        assert len((await s.scalars(select(OutboxMessage))).all()) == 1
        assert (await s.scalar(select(Survey.next_run_at).where(Survey.code == "once"))) is None


async def test_an_answer_counts_once_and_only_from_a_recipient(svc: Deps) -> None:
    rid = await _resident(svc, 811, consent_surveys=True)
    other = await _resident(svc, 812, consent_surveys=False)
    async with svc.sessions() as s:
        await surveys.upsert(s, WEEKLY, svc.clock(), PARIS)
        await s.commit()
    c = await surveys.send_now(svc, WEEKLY.code)
    assert c is not None
    async with svc.sessions() as s:
        sv = await surveys.answer(s, rid, 811, SurveyAnswerChoice(c.id, "4"), svc.clock())
        await s.commit()
        assert sv.code == WEEKLY.code
        with pytest.raises(AnswerRefused) as again:
            await surveys.answer(s, rid, 811, SurveyAnswerChoice(c.id, "2"), svc.clock())
        assert again.value.key == "survey.already"
        with pytest.raises(AnswerRefused) as forged:  # a round never sent to this chat
            await surveys.answer(s, other, 812, SurveyAnswerChoice(c.id, "5"), svc.clock())
        assert forged.value.key == "survey.not_yours"
        with pytest.raises(AnswerRefused):  # a yes/no value to a rating question
            await surveys.answer(s, rid, 811, SurveyAnswerChoice(c.id, "y"), svc.clock())
        answers = (await s.scalars(select(SurveyAnswer.value))).all()
    assert list(answers) == ["4"]


async def test_an_expired_round_is_closed(svc: Deps, clock: Clock) -> None:
    rid = await _resident(svc, 821, consent_surveys=True)
    async with svc.sessions() as s:
        await surveys.upsert(s, WEEKLY, clock(), PARIS)
        await s.commit()
    c = await surveys.send_now(svc, WEEKLY.code)
    assert c is not None
    clock.advance(hours=73)
    async with svc.sessions() as s:
        with pytest.raises(AnswerRefused) as closed:
            await surveys.answer(s, rid, 821, SurveyAnswerChoice(c.id, "3"), clock())
    assert closed.value.key == "survey.closed"


async def test_config_sync_stops_a_removed_survey(svc: Deps) -> None:
    async with svc.sessions() as s:
        await surveys.sync_config(s, [WEEKLY], svc.clock(), PARIS)
        await surveys.sync_config(s, [], svc.clock(), PARIS)
        await s.commit()
        sv = await s.scalar(select(Survey))
    assert sv is not None and sv.active is False and sv.from_config


def test_survey_answer_codec() -> None:
    assert SurveyAnswerChoice.decode(SurveyAnswerChoice(12, "c3").encode()) == SurveyAnswerChoice(
        12, "c3"
    )
    for bad in ("sv:1:9", "sv:x:1", "sv:1", "q:1:1", "sv:1:cX"):
        with pytest.raises(CallbackError):
            SurveyAnswerChoice.decode(bad)


async def test_consent_is_asked_once(svc: Deps) -> None:
    rid = await _resident(svc, 831)
    async with svc.sessions() as s:
        assert await surveys.should_ask_consent(s, rid) is True
        assert await surveys.should_ask_consent(s, rid) is False
        assert await surveys.consent_of(s, rid) is False  # off until they say yes
        await surveys.set_consent(s, rid, True)
        assert await surveys.consent_of(s, rid) is True


async def test_a_choice_surveys_buttons_follow_the_language(svc: Deps) -> None:
    await _resident(svc, 841, consent_surveys=True)
    d = SurveyDef(
        code="bus",
        question={"fr": "Quel bus ?", "en": "Which bus?"},
        type="choice",
        choices=({"fr": "Ligne 1", "en": "Line 1"}, {"fr": "Ligne 2", "en": "Line 2"}),
        audience=Audience(),
        send_at=svc.clock() + timedelta(minutes=1),
    )
    async with svc.sessions() as s:
        await surveys.upsert(s, d, svc.clock(), PARIS)
        await s.commit()
    c = await surveys.send_now(svc, "bus")
    assert c is not None
    async with svc.sessions() as s:
        (row,) = (await s.scalars(select(OutboxMessage))).all()
        camp = await s.get_one(Campaign, c.id)
    labels = [label for line in row.payload["buttons"] for label, _ in line]
    assert labels == ["Ligne 1", "Ligne 2"] and "Quel bus" in row.payload["text"]
    assert set(camp.message) == {"fr", "en"}
    assert await campaigns.expand_all(svc) == 0
