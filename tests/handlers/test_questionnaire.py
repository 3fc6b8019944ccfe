"""The questionnaire's buttons through the real Application: forged, foreign, second presses."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.demo.simulate import Person, UpdateFactory
from core.actors import AgentRef
from core.engagement import questionnaire
from core.reports import status
from core.reports import submit as reports
from core.residents import directory as residents
from storage.enums import OutboxPurpose, ReportStatus
from storage.models import OutboxMessage, Questionnaire, Report, Resident
from tests.conftest import WATER_AGENT, WATER_CHAT, Clock
from tests.handlers.conftest import Bot

f = UpdateFactory()
ANA = Person(3001, "Ana", "en-US")
LEA = Person(3002, "Léa", "fr")


async def _asked(bot: Bot, clock: Clock) -> int:
    """Ana's report, resolved by the water agent, and "is it fixed?" a day later."""
    svc = bot.svc
    async with svc.sessions() as s:
        ana = await residents.touch(s, ANA.user_id, ANA.user_id, "Ana", "en", svc.clock())
        new = reports.NewReport("Water leak", "water", "en", "water", 0.9)
        rv = await reports.submit(s, svc, ana, new, svc.clock())
        agent = AgentRef(WATER_AGENT, "Paul")
        await status.change_status(s, svc, agent, rv.id, ReportStatus.RESOLVED, svc.clock())
        await s.commit()
    clock.advance(days=1)
    assert await questionnaire.send_due(svc) == 1
    async with svc.sessions() as s:
        qid = await s.scalar(select(Questionnaire.id))
    assert qid is not None
    return qid


def _alerts(bot: Bot) -> list[str]:
    return [
        p.get("text", "") for p in bot.request.sent("answerCallbackQuery") if p.get("show_alert")
    ]


async def _state(bot: Bot) -> tuple[str | None, int | None, ReportStatus]:
    async with bot.svc.sessions() as s:
        q = await s.scalar(select(Questionnaire))
        report = await s.get_one(Report, 1)
    assert q is not None
    return q.answer, q.rating, report.status


async def test_the_resident_answers_rates_and_comments(bot: Bot, clock: Clock) -> None:
    qid = await _asked(bot, clock)
    await bot.feed(f.press(ANA, f.private(ANA), 7, f"q:ans:{qid}:no"))
    (edit,) = bot.request.sent("editMessageText")
    assert "Report #1 is reopened" in edit["text"] and "from 1 (poor) to 5" in edit["text"]
    first = edit["reply_markup"]["inline_keyboard"][0][0]
    assert first["callback_data"] == f"q:rate:{qid}:1"
    await bot.feed(f.press(ANA, f.private(ANA), 7, f"q:rate:{qid}:2"))
    assert "(2/5)" in bot.request.sent("editMessageText")[-1]["text"]
    assert await _state(bot) == ("no", 2, ReportStatus.REOPENED)

    async with bot.svc.sessions() as s:  # the outbox worker delivers the prompt as message 90
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.payload["force_reply"].as_boolean())
            .values(telegram_message_id=90)
        )
        await s.commit()
    prompt = {"message_id": 90, "date": 0, "chat": f.private(ANA), "text": "…"}
    await bot.feed(f.text(ANA, "Still a puddle", reply_to=prompt))
    assert bot.request.sent()[-1]["text"].startswith("Thank you! Your comment has been passed")
    async with bot.svc.sessions() as s:
        relayed = await s.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == WATER_CHAT)
            .order_by(OutboxMessage.id.desc())
        )
        q = await s.scalar(select(Questionnaire))
    assert relayed is not None and "Still a puddle" in relayed.payload["text"]
    assert relayed.purpose is OutboxPurpose.RESIDENT_MESSAGE
    assert q is not None and q.comment == "Still a puddle"


async def test_someone_else_cannot_answer(bot: Bot, clock: Clock) -> None:
    qid = await _asked(bot, clock)
    await bot.feed(f.press(LEA, f.private(LEA), 7, f"q:ans:{qid}:no"))
    assert _alerts(bot) == [
        "Désolé, cette question ne vous est pas destinée, ou n'est plus valable."
    ]
    assert bot.request.sent("editMessageText") == []
    assert await _state(bot) == (None, None, ReportStatus.RESOLVED)


async def test_forged_and_stale_presses_are_refused(bot: Bot, clock: Clock) -> None:
    qid = await _asked(bot, clock)
    for data in (f"q:ans:{qid + 50}:no", f"q:ans:{qid}:maybe", "q:rate:x:1", f"q:rate:{qid}:9"):
        await bot.feed(f.press(ANA, f.private(ANA), 7, data))
    assert len(_alerts(bot)) == 4
    assert all(a.startswith("Sorry, this question is not for you") for a in _alerts(bot))
    assert bot.request.sent("editMessageText") == []
    assert await _state(bot) == (None, None, ReportStatus.RESOLVED)


async def test_a_second_press_changes_nothing(bot: Bot, clock: Clock) -> None:
    qid = await _asked(bot, clock)
    await bot.feed(f.press(ANA, f.private(ANA), 7, f"q:ans:{qid}:yes"))
    await bot.feed(f.press(ANA, f.private(ANA), 7, f"q:ans:{qid}:no"))
    assert _alerts(bot) == ["You already answered, thank you!"]
    assert len(bot.request.sent("editMessageText")) == 1
    assert await _state(bot) == ("yes", None, ReportStatus.RESOLVED)


async def test_a_press_from_a_group_is_refused_and_changes_nothing(bot: Bot, clock: Clock) -> None:
    qid = await _asked(bot, clock)
    await bot.feed(f.press(ANA, f.group(WATER_CHAT), 7, f"q:ans:{qid}:no"))
    assert len(_alerts(bot)) == 1
    async with bot.svc.sessions() as s:
        ana = await s.scalar(select(Resident).where(Resident.telegram_user_id == ANA.user_id))
    assert ana is not None and ana.chat_id == ANA.user_id
    assert await _state(bot) == (None, None, ReportStatus.RESOLVED)
