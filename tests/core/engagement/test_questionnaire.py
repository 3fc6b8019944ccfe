"""Asking "is it fixed?" and "still a problem?": when, to whom, once; by moving the clock."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import AgentRef, NotAllowed
from core.deps import Deps
from core.engagement import questionnaire
from core.reports import duplicates, status
from core.reports import submit as reports
from core.residents import directory as residents
from core.residents.directory import ResidentRef
from storage.enums import OutboxPurpose, QuestionnaireKind, QuestionnaireState, ReportStatus
from storage.models import OutboxMessage, Questionnaire, Report, Resident
from tests.conftest import WATER_AGENT, Clock

PAUL = AgentRef(WATER_AGENT, "Paul")


async def resident(s: AsyncSession, svc: Deps, uid: int, lang: str = "fr") -> ResidentRef:
    return await residents.touch(s, uid, uid, f"R{uid}", lang, svc.clock())


async def new_report(svc: Deps, uid: int = 71, lang: str = "fr") -> int:
    async with svc.sessions() as s:
        who = await resident(s, svc, uid, lang)
        new = reports.NewReport("Fuite d'eau rue Pasteur", "water", lang, "water", 0.9)
        rv = await reports.submit(s, svc, who, new, svc.clock())
        await s.commit()
    return rv.id


async def set_status(svc: Deps, report_id: int, to: ReportStatus) -> None:
    async with svc.sessions() as s:
        await status.change_status(s, svc, PAUL, report_id, to, svc.clock())
        await s.commit()


async def leave_resolved(svc: Deps, report_id: int, to: ReportStatus) -> None:
    """The report stops being resolved by a path other than an agent's button (agents act only
    on open reports): the questions follow, as ``core.reports.status`` asks them to."""
    async with svc.sessions() as s:
        row = await s.get_one(Report, report_id)
        old, row.status = row.status, to
        await questionnaire.on_status_change(s, svc, row, old, svc.clock())
        await s.commit()


async def questionnaires(svc: Deps) -> list[Questionnaire]:
    async with svc.sessions() as s:
        return list((await s.scalars(select(Questionnaire).order_by(Questionnaire.id))).all())


async def questions(svc: Deps) -> list[OutboxMessage]:
    async with svc.sessions() as s:
        rows = await s.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.purpose == OutboxPurpose.QUESTIONNAIRE)
            .order_by(OutboxMessage.id)
        )
        return list(rows.all())


async def test_asked_after_the_default_delay_to_reporter_and_co_reporters(
    svc: Deps, clock: Clock
) -> None:
    rid = await new_report(svc)
    async with svc.sessions() as s:
        john = await resident(s, svc, 72, "en")
        blocked = await resident(s, svc, 73)
        for who in (john, blocked):
            await duplicates.join(s, rid, who.id, clock())
        (await s.get_one(Resident, blocked.id)).blocked_at = clock()
        await s.commit()
    await set_status(svc, rid, ReportStatus.RESOLVED)
    scheduled = await questionnaires(svc)
    assert [q.resident_id for q in scheduled] == [1, john.id]  # the blocked one is skipped
    assert all(q.state is QuestionnaireState.SCHEDULED for q in scheduled)
    assert all(q.due_at == clock() + timedelta(minutes=1440) for q in scheduled)

    assert await questionnaire.send_due(svc) == 0
    clock.advance(hours=23, minutes=59)
    assert await questionnaire.send_due(svc) == 0
    clock.advance(minutes=1)
    assert await questionnaire.send_due(svc) == 2
    assert await questionnaire.send_due(svc) == 0  # safe to run twice
    fr, en = await questions(svc)
    assert fr.chat_id == 71 and "#1 (Eau)" in fr.payload["text"] and "réglé" in fr.payload["text"]
    assert en.chat_id == 72 and "#1 (Water)" in en.payload["text"]
    assert "Is it fixed?" in en.payload["text"]
    labels = [b[0] for row in en.payload["buttons"] for b in row]
    assert labels == ["✅ Yes", "❌ No", "🤷 I don't know"]
    data = [b[1] for row in en.payload["buttons"] for b in row]
    assert data == [f"q:ans:{scheduled[1].id}:{a}" for a in ("yes", "no", "unknown")]
    assert fr.not_before == clock()  # 10:00 in Paris: not quiet
    assert all(q.state is QuestionnaireState.SENT for q in await questionnaires(svc))


async def test_delay_zero_asks_in_the_same_transaction(svc: Deps, clock: Clock) -> None:
    svc.settings = dataclasses.replace(svc.settings, questionnaire_delay_minutes=0)
    rid = await new_report(svc)
    async with svc.sessions() as s:
        await status.change_status(s, svc, PAUL, rid, ReportStatus.RESOLVED, clock())
        q = await s.scalar(select(Questionnaire))
        row = await s.scalar(
            select(OutboxMessage).where(OutboxMessage.purpose == OutboxPurpose.QUESTIONNAIRE)
        )
        assert q is not None and q.state is QuestionnaireState.SENT
        assert row is not None and row.payload["questionnaire_id"] == q.id
        told = await s.scalar(
            select(OutboxMessage).where(OutboxMessage.purpose == OutboxPurpose.STATUS)
        )
        assert told is not None and told.id < row.id  # "resolved" first, then "is it fixed?"
        await s.rollback()  # nothing of it survives the change's rollback
    assert await questionnaires(svc) == [] and await questions(svc) == []


async def test_reopened_before_due_is_cancelled(svc: Deps, clock: Clock) -> None:
    rid = await new_report(svc)
    await set_status(svc, rid, ReportStatus.RESOLVED)
    clock.advance(hours=2)
    await leave_resolved(svc, rid, ReportStatus.REOPENED)
    (q,) = await questionnaires(svc)
    assert q.state is QuestionnaireState.CANCELLED
    clock.advance(days=2)
    assert await questionnaire.send_due(svc) == 0
    assert await questions(svc) == []
    # Resolved again: a new round, asked a day after this resolution.
    await set_status(svc, rid, ReportStatus.RESOLVED)
    clock.advance(days=1)
    assert await questionnaire.send_due(svc) == 1


async def test_a_resolved_report_cannot_be_moved_and_its_question_stays_due(
    svc: Deps, clock: Clock
) -> None:
    rid = await new_report(svc)
    await set_status(svc, rid, ReportStatus.RESOLVED)
    async with svc.sessions() as s:
        with pytest.raises(NotAllowed):
            await status.move_to_service(s, svc, PAUL, rid, "roads", clock())
        await s.rollback()
    clock.advance(days=1)
    assert await questionnaire.send_due(svc) == 1


async def test_quiet_hours_hold_the_question_until_the_morning(svc: Deps) -> None:
    svc.clock = clock = Clock(datetime(2026, 11, 26, 19, 30, tzinfo=UTC))  # 20:30 in Paris
    svc.settings = dataclasses.replace(svc.settings, questionnaire_delay_minutes=60)
    rid = await new_report(svc)
    await set_status(svc, rid, ReportStatus.RESOLVED)
    clock.advance(minutes=60)  # 21:30 in Paris: quiet
    assert await questionnaire.send_due(svc) == 1
    (row,) = await questions(svc)
    assert row.not_before == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 in Paris


async def test_delay_zero_at_night_waits_for_the_morning(svc: Deps) -> None:
    svc.clock = Clock(datetime(2026, 11, 26, 22, 0, tzinfo=UTC))  # 23:00 in Paris
    svc.settings = dataclasses.replace(svc.settings, questionnaire_delay_minutes=0)
    rid = await new_report(svc)
    await set_status(svc, rid, ReportStatus.RESOLVED)
    (row,) = await questions(svc)
    assert row.not_before == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


async def test_still_open_after_28_days_is_asked_once(svc: Deps, clock: Clock) -> None:
    rid = await new_report(svc)
    done = await new_report(svc, uid=74)
    await set_status(svc, rid, ReportStatus.ACKNOWLEDGED)
    await set_status(svc, done, ReportStatus.REJECTED)
    clock.advance(days=27, hours=23)
    assert await questionnaire.ask_still_open(svc) == 0
    clock.advance(hours=2)
    assert await questionnaire.ask_still_open(svc) == 1
    assert await questionnaire.ask_still_open(svc) == 0
    clock.advance(days=30)
    assert await questionnaire.ask_still_open(svc) == 0
    (q,) = await questionnaires(svc)
    assert q.kind is QuestionnaireKind.STILL_OPEN and q.report_id == rid
    (row,) = await questions(svc)
    text = row.payload["text"]
    assert "#1 (Eau)" in text and "26/11/2026" in text and "toujours ouvert" in text
    assert [b[0] for b in row.payload["buttons"][0]] == ["Oui, toujours", "Non, plus maintenant"]


async def test_still_open_skips_a_blocked_reporter_for_good(svc: Deps, clock: Clock) -> None:
    await new_report(svc)
    async with svc.sessions() as s:
        (await s.get_one(Resident, 1)).blocked_at = clock()
        await s.commit()
    clock.advance(days=29)
    assert await questionnaire.ask_still_open(svc) == 0
    (q,) = await questionnaires(svc)
    assert q.state is QuestionnaireState.CANCELLED  # not considered again every hour
    assert await questionnaire.ask_still_open(svc) == 0
    assert len(await questionnaires(svc)) == 1


async def test_a_resident_blocked_before_due_is_not_asked(svc: Deps, clock: Clock) -> None:
    rid = await new_report(svc)
    await set_status(svc, rid, ReportStatus.RESOLVED)
    async with svc.sessions() as s:
        (await s.get_one(Resident, 1)).blocked_at = clock()
        await s.commit()
    clock.advance(days=1)
    assert await questionnaire.send_due(svc) == 0
    (q,) = await questionnaires(svc)
    assert q.state is QuestionnaireState.CANCELLED
