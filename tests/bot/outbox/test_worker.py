"""Delivery within limits: retry_after honoured, failures retried, blocked users skipped,
nothing sent twice, per-chat order kept. Time is simulated: nothing sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config.settings import OutboxConfig
from bot.demo.fake_telegram import FakeBotApi, RateLimit
from bot.factory import create_application, create_deps
from bot.outbox.limits import Limits
from bot.outbox.worker import OutboxWorker
from core import messages
from core.deps import Deps
from storage import outbox
from storage.enums import OutboxKind, OutboxPurpose, OutboxState
from storage.migrate import upgrade
from storage.models import OutboxMessage
from tests.conftest import Clock, make_config


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds
        self.slept += seconds


@dataclass
class Rig:
    api: FakeBotApi
    svc: Deps
    worker: OutboxWorker
    clock: Clock
    time: FakeTime

    async def enqueue(
        self, chat_id: int, text: str, purpose: OutboxPurpose = OutboxPurpose.NOTICE
    ) -> None:
        async with self.svc.sessions() as s:
            messages.enqueue(s, chat_id=chat_id, text=text, purpose=purpose, now=self.clock())
            await s.commit()

    async def states(self) -> list[OutboxState]:
        async with self.svc.sessions() as s:
            return list(
                (await s.scalars(select(OutboxMessage.state).order_by(OutboxMessage.id))).all()
            )

    async def die_mid_call(self) -> None:
        """Every due row on the wire when the process "dies"; on PostgreSQL its claims are
        then past their lease (other workers may be alive)."""
        async with self.svc.sessions() as s:
            claimed = await outbox.claim_due(s, self.clock(), 10, postgres=False)
            await outbox.mark_sending(s, [c.id for c in claimed])
            await s.commit()
        if self.worker.postgres:
            self.advance(outbox.CLAIM_LEASE.total_seconds() + 1)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)
        self.time.t += seconds


async def _rig(
    db_url: str, tmp_path: Path, clock: Clock, cfg: OutboxConfig, limit: RateLimit | None = None
) -> AsyncIterator[Rig]:
    t = FakeTime()
    if limit is not None:
        limit.clock = t  # the fake Telegram lives in the same simulated time
    api = FakeBotApi("123:test", rate_limit=limit)
    await api.start()
    config = make_config(db_url, tmp_path, api)
    svc = create_deps(config, clock)
    await upgrade(svc.engine)
    app = create_application(config, svc)
    await app.bot.initialize()
    worker = OutboxWorker(
        app.bot, svc, cfg, postgres="postgresql" in db_url, monotonic=t, sleep=t.sleep
    )
    yield Rig(api, svc, worker, clock, t)
    await worker.stop()
    await app.bot.shutdown()
    await svc.engine.dispose()
    await api.stop()


@pytest.fixture
async def rig(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Rig]:
    async for r in _rig(db_url, tmp_path, clock, OutboxConfig(per_chat_interval_s=1.0)):
        yield r


async def test_a_server_error_is_retried_and_sent_once(rig: Rig) -> None:
    rig.api.fail_next["sendMessage"] = 1
    await rig.enqueue(42, "hello")
    assert await rig.worker.drain_once() == 1  # the attempt that failed
    assert await rig.states() == [OutboxState.PENDING]
    assert await rig.worker.drain_once() == 0  # not due yet: backing off
    rig.advance(5)
    assert await rig.worker.drain_once() == 1
    assert await rig.states() == [OutboxState.SENT]
    assert [c.params["text"] for c in rig.api.of("sendMessage", 42)] == ["hello"]


async def test_retry_after_is_honoured(db_url: str, tmp_path: Path, clock: Clock) -> None:
    limit = RateLimit(per_second=1000, per_chat_interval=10, retry_after=7)
    async for rig in _rig(db_url, tmp_path, clock, OutboxConfig(per_chat_interval_s=0), limit):
        await rig.enqueue(42, "one")
        await rig.enqueue(42, "two")
        await rig.worker.drain_once()
        # "two" hit the fake's 10 s per-chat limit: Telegram said wait 7 s.
        assert rig.api.throttled == 1
        assert await rig.states() == [OutboxState.SENT, OutboxState.PENDING]
        rig.advance(3)
        assert await rig.worker.drain_once() == 0  # still inside retry_after
        rig.advance(8)
        await rig.worker.drain_once()
        assert await rig.states() == [OutboxState.SENT, OutboxState.SENT]
        assert [c.params["text"] for c in rig.api.of("sendMessage", 42)] == ["one", "two"]
        async with rig.svc.sessions() as s:
            attempts = (await s.scalars(select(OutboxMessage.attempts))).all()
        assert list(attempts) == [1, 1]  # waiting on Telegram's word is not a failed attempt


async def test_blocked_user_is_marked_and_skipped(rig: Rig) -> None:
    rig.api.blocked.add(43)  # the resident blocked the bot: Telegram answers 403
    await rig.enqueue(43, "bye")
    await rig.worker.drain_once()
    assert await rig.states() == [OutboxState.BLOCKED]
    rig.advance(600)
    assert await rig.worker.drain_once() == 0
    assert rig.api.of("sendMessage", 43) == []


async def test_per_chat_spacing_and_order(rig: Rig) -> None:
    for i in range(3):
        await rig.enqueue(7, f"m{i}")
    await rig.enqueue(8, "other chat")
    await rig.worker.drain_once()
    assert [c.params["text"] for c in rig.api.calls if c.method == "sendMessage"] == [
        "m0",
        "other chat",
    ]
    rig.advance(1.0)
    await rig.worker.drain_once()
    rig.advance(1.0)
    await rig.worker.drain_once()
    assert [c.params["text"] for c in rig.api.of("sendMessage", 7)] == ["m0", "m1", "m2"]
    stamps = [c.params["text"] for c in rig.api.of("sendMessage", 7)]
    assert len(stamps) == len(set(stamps))


async def test_a_message_is_marked_sending_before_it_reaches_telegram(rig: Rig) -> None:
    for chat in range(1, 6):
        await rig.enqueue(chat, f"m{chat}")
    rig.api.hold = asyncio.Event()  # Telegram has the calls and has not answered yet
    drain = asyncio.create_task(rig.worker.drain_once())
    await rig.api.wait_for(lambda api: len(api.of("sendMessage")) == 5)
    # committed before the calls: a crash now would leave them in doubt, never resent
    assert await rig.states() == [OutboxState.SENDING] * 5
    rig.api.hold.set()
    assert await drain == 5
    assert await rig.states() == [OutboxState.SENT] * 5


async def test_campaign_messages_interrupted_mid_call_are_never_resent(rig: Rig) -> None:
    await rig.enqueue(9, "maybe delivered", OutboxPurpose.BROADCAST)
    await rig.enqueue(10, "claimed, not on the wire yet")
    async with rig.svc.sessions() as s:
        claimed = await outbox.claim_due(s, rig.clock(), 10, postgres=False)
        on_the_wire = [c.id for c in claimed if c.purpose is OutboxPurpose.BROADCAST]
        await outbox.mark_sending(s, on_the_wire)
        await s.commit()
    assert len(claimed) == 2  # the process "dies" here: one row SENDING, one only CLAIMED
    if rig.worker.postgres:  # other workers may be alive: only claims past the lease are orphans
        assert await rig.worker.recover() == 0
        assert await rig.states() == [OutboxState.SENDING, OutboxState.CLAIMED]
        rig.advance(outbox.CLAIM_LEASE.total_seconds() + 1)
    assert await rig.worker.recover() == 1
    assert await rig.states() == [OutboxState.UNKNOWN, OutboxState.PENDING]
    assert await rig.worker.drain_once() == 1
    assert rig.api.of("sendMessage", 9) == []
    assert [c.params["text"] for c in rig.api.of("sendMessage", 10)] == [
        "claimed, not on the wire yet"
    ]
    assert await rig.states() == [OutboxState.UNKNOWN, OutboxState.SENT]


async def test_conversation_messages_interrupted_mid_call_are_sent_again(rig: Rig) -> None:
    """``outbox.resend_in_doubt``: an agent's answer in doubt goes again (perhaps twice, never
    lost); a survey question in doubt does not (never twice)."""
    await rig.enqueue(9, "your report is resolved", OutboxPurpose.AGENT_MESSAGE)
    await rig.enqueue(10, "how satisfied are you?", OutboxPurpose.SURVEY)
    await rig.die_mid_call()
    assert await rig.worker.recover() == 1
    assert await rig.states() == [OutboxState.PENDING, OutboxState.UNKNOWN]
    assert await rig.worker.drain_once() == 1
    assert [c.params["text"] for c in rig.api.of("sendMessage", 9)] == ["your report is resolved"]
    assert rig.api.of("sendMessage", 10) == []
    # An operator who wants at-most-once everywhere:
    rig.worker.cfg = rig.worker.cfg.model_copy(update={"resend_in_doubt": []})
    await rig.enqueue(9, "another answer", OutboxPurpose.AGENT_MESSAGE)
    async with rig.svc.sessions() as s:  # a card's edit: a second one changes nothing
        messages.enqueue(
            s,
            chat_id=-100,
            text="card",
            purpose=OutboxPurpose.CARD,
            now=rig.clock(),
            kind=OutboxKind.EDIT_CARD,
        )
        await s.commit()
    await rig.die_mid_call()
    assert await rig.worker.recover() == 1
    assert (await rig.states())[-2:] == [OutboxState.UNKNOWN, OutboxState.PENDING]


async def test_a_message_in_doubt_past_its_attempts_is_not_sent_again(rig: Rig) -> None:
    """A message whose sending kills the process would take it down at every restart: past
    ``max_attempts`` it stays unknown, even when its purpose is sent again."""
    rig.worker.cfg = rig.worker.cfg.model_copy(update={"max_attempts": 2})
    await rig.enqueue(9, "an answer", OutboxPurpose.AGENT_MESSAGE)
    await rig.die_mid_call()  # first attempt
    assert await rig.worker.recover() == 0
    assert await rig.states() == [OutboxState.PENDING]
    await rig.die_mid_call()  # second attempt: the last one
    assert await rig.worker.recover() == 1
    assert await rig.states() == [OutboxState.UNKNOWN]


def test_limits_group_twenty_per_minute() -> None:
    t = FakeTime()
    limits = Limits(OutboxConfig(per_chat_interval_s=0, per_group_per_minute=20), t)
    sent = 0
    for _ in range(25):
        if limits.chat_ready(-100):
            limits.took(-100)
            sent += 1
    assert sent == 20
    assert limits.ready_in(-100) == pytest.approx(60)
    assert limits.ready_in(-200) == 0  # another group is not held back
    t.t += 60
    assert limits.chat_ready(-100)


def test_limits_global_rate() -> None:
    t = FakeTime()
    limits = Limits(OutboxConfig(messages_per_second=25, per_chat_interval_s=0), t)
    waited = 0.0
    for i in range(100):
        w = limits.wait_global()
        t.t += w
        waited += w
        limits.took(i)
    assert 3.5 <= waited <= 4.1  # 100 messages at 25/s take about 4 s


async def test_a_dead_workers_claims_are_taken_back_at_once_a_live_ones_never(
    rig: Rig,
) -> None:
    if not rig.worker.postgres:
        pytest.skip("several workers share one outbox only on PostgreSQL")
    other = OutboxWorker(rig.worker.bot, rig.svc, rig.worker.cfg, postgres=True)
    await other.recover()  # it is alive: holds its liveness lock
    await rig.enqueue(9, "claimed by the other worker")
    async with rig.svc.sessions() as s:
        assert len(await outbox.claim_due(s, rig.clock(), 10, True, other.worker_id)) == 1
        await s.commit()
    await rig.worker.recover()
    assert await rig.states() == [OutboxState.CLAIMED]  # alive: its claim stays its own
    await other.stop()  # its process dies: the lock goes with its connection
    await rig.worker.recover()
    assert await rig.states() == [OutboxState.PENDING]
    assert await rig.worker.drain_once() == 1
    assert [c.params["text"] for c in rig.api.of("sendMessage", 9)] == [
        "claimed by the other worker"
    ]


def test_the_guard_widens_on_a_429_and_narrows_when_calm() -> None:
    t = FakeTime()
    limits = Limits(OutboxConfig(messages_per_second=1000, per_chat_interval_s=0), t)
    assert limits.guard == Limits.GUARD_MIN
    limits.back_off(5, 1.0)
    limits.back_off(6, 1.0)  # the same burst: widened once
    assert limits.guard == pytest.approx(Limits.GUARD_MIN * Limits.WIDEN)
    t.t += 1.0 + Limits.CALM_S
    limits.wait_global()
    assert limits.guard == pytest.approx(Limits.GUARD_MIN * Limits.WIDEN / Limits.NARROW)
    t.t += 10 * Limits.CALM_S
    for _ in range(10):
        t.t += Limits.CALM_S
        limits.wait_global()
    assert limits.guard == Limits.GUARD_MIN  # never below its floor


def test_a_message_counts_from_when_it_goes_out_not_from_when_it_was_taken() -> None:
    t = FakeTime()
    limits = Limits(OutboxConfig(messages_per_second=2, per_chat_interval_s=0), t)
    for chat in (1, 2):
        t.t += limits.wait_global()
        limits.took(chat)
    assert limits.wait_global() > 0  # taken, not sent yet: they already count
    t.t += 0.8  # the database write before the calls, the event loop's other work
    limits.on_wire()
    limits.on_wire()
    # Telegram sees them now: the sliding second runs from here, not from the take
    assert limits.wait_global() == pytest.approx(1.0 * Limits.GUARD_MIN)
    limits.took(3)
    limits.untake(1)  # its group could not be marked: it did not go out
    assert limits.wait_global() == pytest.approx(1.0 * Limits.GUARD_MIN)


async def test_the_next_batch_is_claimed_while_one_goes_out(
    db_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = OutboxConfig(messages_per_second=30, per_chat_interval_s=1.0)
    async for rig in _rig(db_url, tmp_path, clock, cfg):
        assert rig.worker.batch_size() == 60
        for chat in range(1, 151):
            await rig.enqueue(chat, f"m{chat}")
        drained = [await rig.worker.drain_once()]
        while drained[-1]:
            drained.append(await rig.worker.drain_once())
        # PostgreSQL claims ahead (a claim is round trips to the server: a pause in
        # sending each time otherwise); SQLite claims batch after batch.
        assert drained == ([150, 0] if rig.worker.postgres else [60, 60, 30, 0])
        assert await rig.states() == [OutboxState.SENT] * 150
        assert sorted(int(c.params["chat_id"]) for c in rig.api.of("sendMessage")) == list(
            range(1, 151)
        )


async def test_a_dead_workers_claims_are_taken_back_in_the_middle_of_a_long_campaign(
    db_url: str, tmp_path: Path, clock: Clock
) -> None:
    if "postgresql" not in db_url:
        pytest.skip("several workers share one outbox only on PostgreSQL")
    cfg = OutboxConfig(messages_per_second=30, per_chat_interval_s=1.0)
    async for rig in _rig(db_url, tmp_path, clock, cfg):
        other = OutboxWorker(rig.worker.bot, rig.svc, cfg, postgres=True)
        await other.recover()  # alive: holds its liveness lock
        await rig.enqueue(999, "claimed by a worker that then died")
        async with rig.svc.sessions() as s:
            assert len(await outbox.claim_due(s, rig.clock(), 10, True, other.worker_id)) == 1
            await s.commit()
        await other.stop()
        for chat in range(1, 151):
            await rig.enqueue(chat, f"m{chat}")
        rig.worker._swept_at = rig.time.t - 58  # the last sweep was 58 s ago
        # 150 messages at 30/s: the sweep comes due about 2 s into the drain, and the dead
        # worker's message goes out in the same drain
        assert await rig.worker.drain_once() == 151
        assert [c.params["text"] for c in rig.api.of("sendMessage", 999)] == [
            "claimed by a worker that then died"
        ]
