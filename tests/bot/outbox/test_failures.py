"""Failure classes and lanes: a Bot API outage (502s, calls that hang) uses up no attempt and
loses nothing; a permanent error is recorded once; old messages give up by age; a ticket is
never held back by a campaign; pushes wait out quiet hours when due. Time is simulated."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from telegram import Bot

from bot.aiohttp_request import AiohttpRequest
from bot.config.settings import OutboxConfig
from bot.demo.fake_telegram import Call
from core import messages
from core.actors import AgentRef
from core.catalogue import sync_catalogue
from core.engagement import campaigns, subscriptions
from core.engagement.subscriptions import Topic
from core.reports import status
from core.reports import submit as reports
from core.residents import directory as residents
from storage.enums import OutboxPurpose, OutboxState, ReportStatus
from storage.models import OutboxMessage
from tests.bot.outbox.test_worker import Rig, _rig
from tests.conftest import WATER_AGENT, WATER_CHAT, Clock
from tests.core.conftest import add_residents


@pytest.fixture
async def rig(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Rig]:
    async for r in _rig(db_url, tmp_path, clock, OutboxConfig(per_chat_interval_s=1.0)):
        yield r


async def _ticket(rig: Rig) -> None:
    """A report's card; then it is resolved (the card's edit, the resident told), and an
    agent's answer."""
    svc = rig.svc
    async with svc.sessions() as s:
        await sync_catalogue(s, svc.catalogue)
        ana = await residents.touch(s, 42, 42, "Ana", "fr", svc.clock())
        new = reports.NewReport("Fuite d'eau rue Haute", "water", "fr", "water", 0.9)
        rv = await reports.submit(s, svc, ana, new, svc.clock())
        await s.commit()
    async with svc.sessions() as s:
        paul = AgentRef(WATER_AGENT, "Paul")
        await status.change_status(s, svc, paul, rv.id, ReportStatus.RESOLVED, svc.clock())
        await s.commit()
    await rig.enqueue(42, "the agent's answer", OutboxPurpose.AGENT_MESSAGE)


async def _rows(rig: Rig) -> list[OutboxMessage]:
    async with rig.svc.sessions() as s:
        return list((await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def _through_outage(rig: Rig, minutes: int, step_s: float = 5.0) -> None:
    """The worker goes on draining while the Bot API is down for ``minutes``."""
    for _ in range(int(minutes * 60 / step_s)):
        await rig.worker.drain_once()
        rig.advance(step_s)


async def _after_recovery(rig: Rig) -> None:
    rig.api.end_outage()
    for _ in range(20):  # within the back-off's ceiling, everything due goes
        await rig.worker.drain_once()
        rig.advance(2)


async def test_a_ten_minute_502_outage_loses_no_ticket_message(rig: Rig) -> None:
    """Before: each 502 was an attempt, and 8 attempts with back-off made a message FAILED
    about four minutes into an outage, never sent again."""
    rig.api.outage = "502"
    await _ticket(rig)
    await _through_outage(rig, minutes=10)
    assert rig.api.refused > 10  # it kept probing
    rows = await _rows(rig)
    assert len(rows) >= 4
    assert {r.state for r in rows} == {OutboxState.PENDING}
    assert all(r.attempts == 0 for r in rows)  # an outage uses up no attempt
    assert rig.worker.fates.in_outage()
    await _after_recovery(rig)
    assert {r.state for r in await _rows(rig)} == {OutboxState.SENT}
    (card,) = rig.api.of("sendMessage", WATER_CHAT)
    assert "rue Haute" in card.params["text"]
    said = rig.api.texts(42)
    assert len(said) == 2 and said[-1] == "the agent's answer"  # resolved, then the answer
    # the edit waited for its card, and went to it
    (edit,) = rig.api.of("editMessageText", WATER_CHAT)
    assert edit.params["message_id"] == card.result["message_id"]
    assert not rig.worker.fates.in_outage()


async def test_calls_that_hang_are_in_doubt_ticket_messages_go_again(
    db_url: str, tmp_path: Path, clock: Clock
) -> None:
    """A timeout may have reached Telegram: a ticket's message goes again (at-least-once), a
    broadcast does not (at-most-once, ``outbox.resend_in_doubt``)."""
    async for rig in _rig(db_url, tmp_path, clock, OutboxConfig(per_chat_interval_s=1.0)):
        impatient = Bot(
            "123:test",
            base_url=rig.api.base_url,
            request=AiohttpRequest(read_timeout=0.2, connect_timeout=0.2),
        )
        await impatient.initialize()
        rig.worker.bot = impatient
        try:
            rig.api.outage = "hang"
            await rig.enqueue(43, "the agent's answer", OutboxPurpose.AGENT_MESSAGE)
            await rig.enqueue(44, "works on Elm St", OutboxPurpose.BROADCAST)
            await _through_outage(rig, minutes=2, step_s=30)
            states = [r.state for r in await _rows(rig)]
            assert states == [OutboxState.PENDING, OutboxState.UNKNOWN]
            await _after_recovery(rig)
            assert [r.state for r in await _rows(rig)] == [OutboxState.SENT, OutboxState.UNKNOWN]
            assert rig.api.texts(43) == ["the agent's answer"]
            assert rig.api.texts(44) == []
        finally:
            rig.api.end_outage()
            await impatient.shutdown()


async def test_a_permanent_error_is_recorded_once(rig: Rig) -> None:
    rig.api.gone.add(45)  # "Bad Request: chat not found"
    await rig.enqueue(45, "to a chat that is gone")
    await rig.worker.drain_once()
    (row,) = await _rows(rig)
    assert row.state is OutboxState.FAILED and row.attempts == 1
    assert "chat not found" in (row.last_error or "").lower()
    rig.advance(3600)
    assert await rig.worker.drain_once() == 0  # never tried again


async def test_a_message_gives_up_by_age_only(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    rig.api.outage = "502"
    await rig.enqueue(42, "resolved", OutboxPurpose.STATUS)
    await _through_outage(rig, minutes=5, step_s=30)
    rig.advance(47 * 3600)
    await rig.worker.drain_once()
    assert [r.state for r in await _rows(rig)] == [OutboxState.PENDING]
    rig.advance(3600 + 60)
    with caplog.at_level(logging.ERROR):
        await rig.worker.drain_once()
    (row,) = await _rows(rig)
    assert row.state is OutboxState.FAILED and "gave up by age" in (row.last_error or "")
    assert rig.worker.fates.gave_up == 1
    assert "message 1 (status) given up after 48 h" in caplog.text


@pytest.fixture
async def at_25(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Rig]:
    cfg = OutboxConfig(messages_per_second=25, per_chat_interval_s=1.0)
    async for r in _rig(db_url, tmp_path, clock, cfg):
        yield r


async def test_a_report_filed_after_a_large_broadcast_goes_first(at_25: Rig) -> None:
    """Before: the outbox went strictly in id order, and a card waited for the whole
    campaign (75 s behind 2,000 subscribers at 25/s)."""
    rig = at_25
    works = Topic("works", {"fr": "Travaux", "en": "Works"})
    ids = await add_residents(rig.svc, 300, 70_000)
    async with rig.svc.sessions() as s:
        for rid in ids:
            await subscriptions.subscribe(s, rid, "works", rig.clock())
        await campaigns.start_broadcast(s, rig.svc.texts, works, {"fr": "x"}, rig.clock())
        await s.commit()
    assert await campaigns.expand_all(rig.svc) == 300
    filed: list[int] = []
    tasks: list[asyncio.Task[None]] = []

    def file_reports(call: Call) -> None:
        if len(rig.api.of("sendMessage")) == 60:  # 2.4 s into the campaign: two reports
            filed.append(60)
            tasks.append(asyncio.create_task(_two_cards(rig)))

    rig.api.on_call = file_reports
    while await rig.worker.drain_once():
        pass
    await asyncio.gather(*tasks)
    sent = [str(c.params["text"]) for c in rig.api.of("sendMessage")]
    assert len(sent) == 302
    urgent, pothole = sent.index("gas leak card"), sent.index("pothole card")
    assert filed[0] < urgent < pothole  # urgent first, then the ticket
    # at most what was already claimed (about two seconds of sending) goes before them
    assert pothole - filed[0] <= 2 * rig.worker.batch_size() < 300 - filed[0]


async def test_a_woken_worker_sends_a_new_card_ahead_of_the_batch_it_claimed(
    at_25: Rig,
) -> None:
    """The inbox wakes the outbox after a commit that queued messages: the ticket lanes are
    claimed at once and go ahead of the campaign's rows already claimed (before: a card
    waited for up to two seconds of sending, a batch, and missed the 3 s target)."""
    rig = at_25
    works = Topic("works", {"fr": "Travaux", "en": "Works"})
    ids = await add_residents(rig.svc, 200, 70_000)
    async with rig.svc.sessions() as s:
        for rid in ids:
            await subscriptions.subscribe(s, rid, "works", rig.clock())
        await campaigns.start_broadcast(s, rig.svc.texts, works, {"fr": "x"}, rig.clock())
        await s.commit()
    await campaigns.expand_all(rig.svc)
    filed: list[int] = []
    pace = rig.worker.sleep

    async def file_while_waiting(seconds: float) -> None:
        """The worker waits for the rate (simulated time): the cards are filed meanwhile,
        early in the first batch, and the worker is woken as the inbox worker does."""
        n = len(rig.api.of("sendMessage"))
        if n >= 10 and not filed:
            filed.append(n)
            await _two_cards(rig)
            rig.worker.kick()
        await pace(seconds)

    rig.worker.sleep = file_while_waiting
    while await rig.worker.drain_once():
        pass
    sent = [str(c.params["text"]) for c in rig.api.of("sendMessage")]
    assert len(sent) == 202
    urgent, pothole = sent.index("gas leak card"), sent.index("pothole card")
    assert filed[0] < urgent < pothole
    # the calls already on their way, not the forty rows left of the claimed batch
    assert pothole - filed[0] <= 3 < rig.worker.batch_size() - filed[0]


async def _two_cards(rig: Rig) -> None:
    await rig.enqueue(WATER_CHAT, "pothole card", OutboxPurpose.CARD)
    async with rig.svc.sessions() as s:
        messages.enqueue(
            s,
            chat_id=-1002,
            text="gas leak card",
            purpose=OutboxPurpose.CARD,
            now=rig.clock(),
            urgent=True,
        )
        await s.commit()


async def test_pushes_wait_out_quiet_hours_when_due(rig: Rig) -> None:
    """A survey queued in the day and retried at night waits for the morning; a ticket's
    message does not."""
    rig.clock.now = rig.clock.now.replace(hour=21, minute=30)  # 22:30 in Paris
    await rig.enqueue(46, "how clean is the town?", OutboxPurpose.SURVEY)
    await rig.enqueue(47, "resolved", OutboxPurpose.STATUS)
    await rig.worker.drain_once()
    assert rig.api.texts(46) == [] and rig.api.texts(47) == ["resolved"]
    rig.advance(3600)
    await rig.worker.drain_once()
    assert rig.api.texts(46) == []  # still night
    rig.clock.now = datetime(2026, 11, 27, 8, 1, tzinfo=UTC)  # the next morning, 09:01 in Paris
    await rig.worker.drain_once()
    assert rig.api.texts(46) == ["how clean is the town?"]
    (survey, _) = await _rows(rig)
    assert survey.attempts == 1  # waiting for the morning is no attempt


async def test_an_edit_of_a_card_given_up_sends_the_card_as_it_is_now(rig: Rig) -> None:
    """A card that gave up (two days of outage) is not lost for good: the next change of the
    report sends it anew, as it stands, and later edits go to that message."""
    rig.api.outage = "502"
    svc = rig.svc
    async with svc.sessions() as s:
        await sync_catalogue(s, svc.catalogue)
        ana = await residents.touch(s, 42, 42, "Ana", "fr", svc.clock())
        new = reports.NewReport("Fuite d'eau rue Haute", "water", "fr", "water", 0.9)
        rv = await reports.submit(s, svc, ana, new, svc.clock())
        await s.commit()
    await _through_outage(rig, minutes=5, step_s=30)
    rig.advance(49 * 3600)
    await rig.worker.drain_once()
    assert [r.state for r in await _rows(rig)] == [OutboxState.FAILED]  # given up by age
    rig.api.end_outage()
    paul = AgentRef(WATER_AGENT, "Paul")
    async with svc.sessions() as s:
        await status.change_status(s, svc, paul, rv.id, ReportStatus.IN_PROGRESS, svc.clock())
        await s.commit()
    await _after_recovery(rig)
    (card,) = rig.api.of("sendMessage", WATER_CHAT)  # the card, sent by its edit
    assert "rue Haute" in card.params["text"]
    assert rig.api.of("editMessageText", WATER_CHAT) == []
    async with svc.sessions() as s:
        await status.change_status(s, svc, paul, rv.id, ReportStatus.RESOLVED, svc.clock())
        await s.commit()
    await _after_recovery(rig)
    (edit,) = rig.api.of("editMessageText", WATER_CHAT)
    assert edit.params["message_id"] == card.result["message_id"]


async def test_a_group_whose_mark_fails_goes_back_in_line_at_once(rig: Rig) -> None:
    """PostgreSQL marks rows ``sending`` on a connection of its own: cut by a database
    outage, the mark fails. Before: the group was dropped from the worker's hands and stayed
    claimed until the claim's lease ended, two minutes later (a card lost for that long)."""
    if not rig.worker.postgres:
        pytest.skip("the mark's own connection is PostgreSQL's")
    await rig.enqueue(42, "first")
    assert await rig.worker.drain_once() == 1  # the marking connection is open now
    marker = rig.worker._marker
    assert marker is not None
    pid = await marker.scalar(text("SELECT pg_backend_pid()"))
    async with rig.svc.engine.connect() as killer:
        await killer.execute(text(f"SELECT pg_terminate_backend({int(pid)})"))
    await rig.enqueue(43, "the card after the outage")
    with pytest.raises(Exception):  # noqa: B017 (the driver's class of a cut connection)
        await rig.worker.drain_once()
    rig.advance(1)
    assert await rig.worker.drain_once() == 1  # not two minutes later: now
    assert [c.params["text"] for c in rig.api.of("sendMessage", 43)] == [
        "the card after the outage"
    ]
    assert await rig.states() == [OutboxState.SENT, OutboxState.SENT]
