"""Answering a questionnaire: who may, how often, and what each answer does."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.factory import create_deps
from core.callbacks import QuestionnaireAction, QuestionnaireVerb
from core.catalogue import sync_catalogue
from core.conversation.prompts import Reply
from core.deps import Deps
from core.engagement import questionnaire, questionnaire_answers
from core.reports import duplicates
from core.residents import privacy
from core.residents.directory import ResidentRef
from core.stats.questionnaire import service_feedback
from storage.enums import (
    ActorKind,
    OutboxPurpose,
    QuestionnaireKind,
    QuestionnaireState,
    ReportStatus,
)
from storage.migrate import upgrade
from storage.models import OutboxMessage, Questionnaire, Report, ReportEvent
from tests.conftest import WATER_CHAT, Clock, make_config
from tests.core.engagement.test_questionnaire import new_report, questions, resident, set_status

ANS, RATE, SKIP = (
    QuestionnaireVerb.ANSWER,
    QuestionnaireVerb.RATE,
    QuestionnaireVerb.SKIP_COMMENT,
)


async def asked_fixed(svc: Deps, clock: Clock) -> tuple[int, int]:
    """A report of resident 71, resolved, and "is it fixed?" sent a day later."""
    rid = await new_report(svc)
    await set_status(svc, rid, ReportStatus.RESOLVED)
    clock.advance(days=1)
    assert await questionnaire.send_due(svc) == 1
    async with svc.sessions() as s:
        qid = await s.scalar(select(Questionnaire.id))
    assert qid is not None
    return rid, qid


async def press(
    svc: Deps, uid: int, verb: QuestionnaireVerb, qid: int, arg: str = "", lang: str = "fr"
) -> Reply:
    async with svc.sessions() as s:
        who = await resident(s, svc, uid, lang)
        action = QuestionnaireAction(verb, qid, arg)
        reply = await questionnaire_answers.press(s, svc, who, action, svc.clock())
        await s.commit()
    return reply


async def outbox_to(s: AsyncSession, chat: int) -> list[OutboxMessage]:
    rows = await s.scalars(
        select(OutboxMessage).where(OutboxMessage.chat_id == chat).order_by(OutboxMessage.id)
    )
    return list(rows.all())


async def test_not_fixed_reopens_tells_the_agents_and_counts(svc: Deps, clock: Clock) -> None:
    rid, qid = await asked_fixed(svc, clock)
    reply = await press(svc, 71, ANS, qid, "no")
    assert not reply.alert and f"#{rid} est rouvert" in reply.text
    assert reply.buttons and [b[1] for b in reply.buttons[0]][1] == f"q:rate:{qid}:2"
    async with svc.sessions() as s:
        report = await s.get_one(Report, rid)
        last = await s.scalar(select(ReportEvent).order_by(ReportEvent.id.desc()).limit(1))
        card_edit, notice = (await outbox_to(s, WATER_CHAT))[-2:]
        feedback = await service_feedback(s, "water", min_answers=1)
    assert report.status is ReportStatus.REOPENED and report.status.is_open
    assert last is not None and last.actor_kind is ActorKind.RESIDENT
    assert (last.old_status, last.new_status) == (ReportStatus.RESOLVED, ReportStatus.REOPENED)
    assert "rouvert (par R71)" in card_edit.payload["text"] and card_edit.payload["buttons"]
    assert notice.payload["reply_to_card"] and f"#{rid} rouvert" in notice.payload["text"]
    assert (feedback.asked, feedback.not_fixed, feedback.reopened) == (1, 1, 1)


async def test_one_answer_only_and_only_by_the_one_asked(svc: Deps, clock: Clock) -> None:
    rid, qid = await asked_fixed(svc, clock)
    stranger = await press(svc, 99, ANS, qid, "no", lang="en")
    assert stranger.alert and stranger.text.startswith("Sorry, this question is not for you")
    forged = await press(svc, 71, ANS, qid + 1000, "no")
    assert forged.alert and "ne vous est pas destinée" in forged.text
    early_rating = await press(svc, 71, RATE, qid, "5")
    assert early_rating.alert
    async with svc.sessions() as s:
        assert (await s.get_one(Report, rid)).status is ReportStatus.RESOLVED
        assert (await s.get_one(Questionnaire, qid)).answer is None
    assert not (await press(svc, 71, ANS, qid, "yes")).alert
    again = await press(svc, 71, ANS, qid, "no")
    assert again.alert and again.text == "Vous avez déjà répondu, merci !"
    assert not (await press(svc, 71, RATE, qid, "4")).alert
    assert (await press(svc, 71, RATE, qid, "1")).alert
    async with svc.sessions() as s:
        q = await s.get_one(Questionnaire, qid)
        report = await s.get_one(Report, rid)
    assert (q.answer, q.rating, q.state) == ("yes", 4, QuestionnaireState.ANSWERED)
    assert report.status is ReportStatus.RESOLVED


async def test_two_presses_at_once_count_once(db_url: str, tmp_path: Path, clock: Clock) -> None:
    services = [create_deps(make_config(db_url, tmp_path), clock) for _ in range(2)]
    svc = services[0]
    await upgrade(svc.engine)
    async with svc.sessions() as s:
        await sync_catalogue(s, svc.catalogue)
        await s.commit()
    _, qid = await asked_fixed(svc, clock)
    replies = await asyncio.gather(*(press(x, 71, ANS, qid, "no") for x in services))
    assert sorted(r.alert for r in replies) == [False, True]
    async with svc.sessions() as s:
        reopen = (
            await s.scalars(
                select(ReportEvent).where(ReportEvent.new_status == ReportStatus.REOPENED)
            )
        ).all()
    assert len(reopen) == 1
    for x in services:
        await x.engine.dispose()


async def test_rating_then_a_comment_reaches_the_agents(svc: Deps, clock: Clock) -> None:
    _, qid = await asked_fixed(svc, clock)
    await press(svc, 71, ANS, qid, "no")
    rated = await press(svc, 71, RATE, qid, "2")
    assert "(2/5)" in rated.text and rated.buttons
    assert rated.buttons[0][0][1] == f"q:skip:{qid}"
    prompt = (await questions(svc))[-1]
    assert prompt.payload["force_reply"] and prompt.payload["questionnaire_id"] == qid
    async with svc.sessions() as s:  # the outbox delivered it as message 4242
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == prompt.id)
            .values(telegram_message_id=4242)
        )
        await s.commit()
    async with svc.sessions() as s:
        me = await resident(s, svc, 71)
        said = await questionnaire_answers.comment(
            s,
            svc,
            me,
            4242,
            "  Toujours une flaque. " + "Rien ne bouge. " * 300 + "06 12 34 56 78",
            clock(),
        )
        not_a_prompt = await questionnaire_answers.comment(s, svc, me, 1, "x", clock())
        await s.commit()
    assert said is not None and "transmis" in said and not_a_prompt is None
    async with svc.sessions() as s:
        q = await s.get_one(Questionnaire, qid)
        relayed, rest = (await outbox_to(s, WATER_CHAT))[-2:]
        me = await resident(s, svc, 71)
        twice = await questionnaire_answers.comment(s, svc, me, 4242, "encore", clock())
    assert q.comment.startswith("Toujours une flaque") and q.comment.endswith("06 12 34 56 78")
    assert (
        "Toujours une flaque" in relayed.payload["text"] and "note 2/5" in relayed.payload["text"]
    )
    assert relayed.payload["reply_to_card"]
    # Too long for one message (4,500 characters): the rest follows, nothing cut; the agents
    # see the phone number masked, the resident keeps it.
    assert "note 2/5" in rest.payload["text"] and rest.payload["text"].endswith("[téléphone]")
    assert all(len(r.payload["text"]) <= 4096 for r in (relayed, rest))
    assert twice == "Vous avez déjà répondu, merci !"
    assert (await press(svc, 71, SKIP, qid)).alert


async def test_skip_the_comment(svc: Deps, clock: Clock) -> None:
    _, qid = await asked_fixed(svc, clock)
    await press(svc, 71, ANS, qid, "unknown")
    await press(svc, 71, RATE, qid, "5")
    assert (await press(svc, 71, SKIP, qid)).text == "Merci pour vos réponses !"
    assert (await press(svc, 71, SKIP, qid)).alert
    async with svc.sessions() as s:
        assert (await s.get_one(Questionnaire, qid)).comment == ""


async def test_a_report_no_longer_resolved_when_the_answer_comes_is_not_reopened_again(
    svc: Deps, clock: Clock
) -> None:
    rid, qid = await asked_fixed(svc, clock)
    async with svc.sessions() as s:  # moved on meanwhile by another path than this answer
        (await s.get_one(Report, rid)).status = ReportStatus.IN_PROGRESS
        await s.commit()
    reply = await press(svc, 71, ANS, qid, "no")
    assert "a été prévenu" in reply.text
    async with svc.sessions() as s:
        assert (await s.get_one(Report, rid)).status is ReportStatus.IN_PROGRESS
        notice = (await outbox_to(s, WATER_CHAT))[-1]
    assert "n'est pas réglé" in notice.payload["text"]


async def test_still_open_answers(svc: Deps, clock: Clock) -> None:
    still = await new_report(svc)
    gone = await new_report(svc, uid=72, lang="en")
    async with svc.sessions() as s:  # Ana follows the second one
        ana = await resident(s, svc, 73)
        await duplicates.join(s, gone, ana.id, clock())
        await s.commit()
    clock.advance(days=29)
    assert await questionnaire.ask_still_open(svc) == 2
    async with svc.sessions() as s:
        q1, q2 = (await s.scalars(select(Questionnaire).order_by(Questionnaire.id))).all()
    assert await press(svc, 72, ANS, q1.id, "no", "en") != Reply("")  # not theirs
    yes = await press(svc, 71, ANS, q1.id, "yes")
    assert "a été prévenu" in yes.text
    no = await press(svc, 72, ANS, q2.id, "no", lang="en")
    assert f"Report #{gone} is now closed as resolved" in no.text
    async with svc.sessions() as s:
        assert (await s.get_one(Report, still)).status is ReportStatus.NEW
        closed = await s.get_one(Report, gone)
        notices = [m.payload["text"] for m in await outbox_to(s, WATER_CHAT)]
        fixed = (
            await s.scalars(
                select(Questionnaire).where(Questionnaire.kind == QuestionnaireKind.FIXED)
            )
        ).all()
        told = [m.payload["text"] for m in await outbox_to(s, 73)]
    assert closed.status is ReportStatus.RESOLVED
    assert any(f"#{still}, signalé le 26/11/2026" in n for n in notices)
    assert any(f"#{gone} clos comme résolu" in n for n in notices)
    # The co-reporter hears of it and will be asked "is it fixed?"; the one who said so is not.
    assert [q.resident_id for q in fixed] == [ana.id]
    assert any("résolu" in t for t in told)


async def test_export_and_erasure(svc: Deps, clock: Clock) -> None:
    _, qid = await asked_fixed(svc, clock)
    await press(svc, 71, ANS, qid, "yes")
    await press(svc, 71, RATE, qid, "3")
    async with svc.sessions() as s:
        doc = await privacy.export(s, 1)
        assert doc["questionnaires"] == [
            {
                "report": 1,
                "question": "fixed",
                "state": "answered",
                "asked_at": clock().isoformat(),
                "answered_at": clock().isoformat(),
                "answer": "yes",
                "rating": 3,
                "comment": None,
            }
        ]
        await privacy.erase(s, svc, 1, clock())
        await s.commit()
    async with svc.sessions() as s:
        assert (await s.scalars(select(Questionnaire))).all() == []


async def test_the_mean_rating_is_hidden_below_the_minimum(svc: Deps, clock: Clock) -> None:
    _, qid = await asked_fixed(svc, clock)
    await press(svc, 71, ANS, qid, "yes")
    await press(svc, 71, RATE, qid, "3")
    async with svc.sessions() as s:
        hidden = await service_feedback(s, "water", min_answers=5)
        shown = await service_feedback(s, "water", min_answers=1)
    assert (hidden.ratings, hidden.mean_rating, hidden.fixed) == (1, None, 1)
    assert shown.mean_rating == 3.0


async def test_two_workers_ask_each_question_once(
    db_url: str, tmp_path: Path, clock: Clock, svc: Deps
) -> None:
    for uid in range(80, 86):
        await set_status(svc, await new_report(svc, uid=uid), ReportStatus.RESOLVED)
    other = create_deps(make_config(db_url, tmp_path), clock)
    clock.advance(days=1)
    counts = await asyncio.gather(questionnaire.send_due(svc), questionnaire.send_due(other))
    await other.engine.dispose()
    assert sum(counts) == 6
    assert len(await questions(svc)) == 6


def test_resident_ref_is_what_handlers_pass() -> None:
    assert ResidentRef(1, 2, 3, "A", "fr").chat_id == 3
    assert OutboxPurpose.QUESTIONNAIRE.value == "questionnaire"
