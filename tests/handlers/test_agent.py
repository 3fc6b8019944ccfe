"""The agents' buttons through the real Application: the card's actions, pickers, and what a
stale, forged or foreign press gets (a clear alert, and no change)."""

from __future__ import annotations

from sqlalchemy import select

from bot.demo.simulate import Person, UpdateFactory
from core.actors import AgentRef
from core.reports import status
from core.reports import submit as reports
from core.residents import directory as residents
from storage.enums import OutboxKind, OutboxPurpose, ReportStatus
from storage.models import OutboxMessage, Report
from tests.conftest import ROADS_AGENT, WATER_AGENT, WATER_CHAT
from tests.handlers.conftest import Bot

f = UpdateFactory()
PAUL = Person(WATER_AGENT, "Paul", "fr")
RITA = Person(ROADS_AGENT, "Rita", "fr")


async def _report(bot: Bot) -> int:
    svc = bot.svc
    async with svc.sessions() as s:
        ana = await residents.touch(s, 3001, 3001, "Ana", "fr", svc.clock())
        new = reports.NewReport("Fuite d'eau rue Haute", "water", "fr", "water", 0.9)
        rv = await reports.submit(s, svc, ana, new, svc.clock())
        await s.commit()
    return rv.id


async def _state(bot: Bot, rid: int) -> ReportStatus:
    async with bot.svc.sessions() as s:
        return (await s.get_one(Report, rid)).status


async def _queued(bot: Bot, kind: OutboxKind) -> list[OutboxMessage]:
    async with bot.svc.sessions() as s:
        q = select(OutboxMessage).where(OutboxMessage.kind == kind)
        return list((await s.scalars(q)).all())


def _answers(bot: Bot) -> list[dict[str, object]]:
    return bot.request.sent("answerCallbackQuery")


async def test_take_acknowledges_refreshes_the_card_and_tells_the_resident(bot: Bot) -> None:
    rid = await _report(bot)
    await bot.feed(f.press(PAUL, f.group(WATER_CHAT), 10, f"a:ack:{rid}"))
    assert await _state(bot, rid) is ReportStatus.ACKNOWLEDGED
    assert [m.chat_id for m in await _queued(bot, OutboxKind.EDIT_CARD)] == [WATER_CHAT]
    told = [
        m
        for m in await _queued(bot, OutboxKind.MESSAGE)
        if m.purpose is OutboxPurpose.STATUS and m.chat_id == 3001
    ]
    assert len(told) == 1
    (answer,) = _answers(bot)
    assert not answer.get("show_alert")


async def test_a_stale_take_on_a_resolved_report_changes_nothing(bot: Bot) -> None:
    rid = await _report(bot)
    async with bot.svc.sessions() as s:
        agent = AgentRef(WATER_AGENT, "Paul")
        await status.change_status(s, bot.svc, agent, rid, ReportStatus.RESOLVED, bot.svc.clock())
        await s.commit()
    edits = len(await _queued(bot, OutboxKind.EDIT_CARD))
    await bot.feed(f.press(PAUL, f.group(WATER_CHAT), 10, f"a:ack:{rid}"))
    assert await _state(bot, rid) is ReportStatus.RESOLVED
    assert len(await _queued(bot, OutboxKind.EDIT_CARD)) == edits
    (answer,) = _answers(bot)
    assert answer["show_alert"] and answer["text"] == bot.svc.texts.get("fr", "agent.closed")


async def test_another_services_agent_is_refused(bot: Bot) -> None:
    rid = await _report(bot)
    await bot.feed(f.press(RITA, f.group(WATER_CHAT), 10, f"a:res:{rid}"))
    assert await _state(bot, rid) is ReportStatus.NEW
    (answer,) = _answers(bot)
    assert answer["show_alert"]
    assert answer["text"] == bot.svc.texts.get("fr", "agent.not_allowed")


async def test_not_ours_shows_the_service_picker_then_moves(bot: Bot) -> None:
    rid = await _report(bot)
    await bot.feed(f.press(PAUL, f.group(WATER_CHAT), 10, f"a:no:{rid}"))
    (markup,) = bot.request.sent("editMessageReplyMarkup")
    labels = str(markup["reply_markup"])
    assert f"a:mv:{rid}:roads" in labels and f"a:mv:{rid}:water" not in labels
    await bot.feed(f.press(PAUL, f.group(WATER_CHAT), 10, f"a:mv:{rid}:roads"))
    async with bot.svc.sessions() as s:
        row = await s.get_one(Report, rid)
    assert row.service_code == "roads" and row.status is ReportStatus.NOT_OURS


async def test_duplicate_without_candidates_says_so(bot: Bot) -> None:
    rid = await _report(bot)
    await bot.feed(f.press(PAUL, f.group(WATER_CHAT), 10, f"a:dup:{rid}"))
    (answer,) = _answers(bot)
    assert answer["show_alert"]
    assert not bot.request.sent("editMessageReplyMarkup")


async def test_forged_presses_are_refused_politely(bot: Bot) -> None:
    rid = await _report(bot)
    for data in (f"a:ack:{10**17}", "a:ack:x", f"a:dupof:{rid}:{rid}", f"a:mv:{rid}:nowhere"):
        await bot.feed(f.press(PAUL, f.group(WATER_CHAT), 10, data))
    assert await _state(bot, rid) is ReportStatus.NEW
    answers = _answers(bot)
    assert len(answers) == 4 and all(a.get("text") for a in answers)
