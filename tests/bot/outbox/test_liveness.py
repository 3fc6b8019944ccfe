"""A worker's liveness lock on PostgreSQL (``storage.liveness``): when its connection drops, the
others take the worker for dead and its claims back, so it must send nothing more of what it
claimed, and take the lock again before it claims anything. The connection is ended from the
server's side, as a restart or an operator would (``pg_terminate_backend``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.config.settings import OutboxConfig
from bot.demo.fake_telegram import Call
from bot.outbox.worker import OutboxWorker
from storage import outbox
from storage.enums import OutboxState
from storage.models import OutboxMessage
from tests.bot.outbox.test_worker import Rig, _rig
from tests.conftest import Clock


@pytest.fixture
async def rig(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Rig]:
    if "postgresql" not in db_url:
        pytest.skip("the liveness lock is PostgreSQL's (SQLite serves one process)")
    cfg = OutboxConfig(messages_per_second=30, per_chat_interval_s=1.0)
    async for r in _rig(db_url, tmp_path, clock, cfg):
        yield r


async def _holder(rig: Rig, worker_id: int) -> int | None:
    """The backend holding ``worker_id``'s liveness lock, if any."""
    async with rig.svc.engine.connect() as conn:
        pid = await conn.scalar(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 7280"
                " AND objid = :id AND granted"
            ),
            {"id": worker_id},
        )
    return None if pid is None else int(pid)


async def _cut(rig: Rig, worker_id: int) -> None:
    pid = await _holder(rig, worker_id)
    assert pid is not None
    async with rig.svc.engine.connect() as conn:
        assert await conn.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})


async def _states(rig: Rig) -> list[OutboxState]:
    async with rig.svc.sessions() as s:
        return list(await s.scalars(select(OutboxMessage.state).order_by(OutboxMessage.id)))


async def test_the_lock_is_taken_again_before_a_claim(rig: Rig) -> None:
    await rig.worker.recover()
    first = rig.worker.worker_id
    assert first is not None and await _holder(rig, first) is not None
    await _cut(rig, first)
    await rig.enqueue(9, "after the cut")
    assert await rig.worker.drain_once() == 1
    second = rig.worker.worker_id
    assert second is not None and second != first
    assert await _holder(rig, second) is not None  # held again, under a new id
    assert rig.api.texts(9) == ["after the cut"]


async def test_a_worker_that_lost_its_lock_sends_nothing_more_of_its_claims(rig: Rig) -> None:
    await rig.worker.recover()
    first = rig.worker.worker_id
    assert first is not None
    rig.worker.max_in_flight = 1  # one call at a time: the cut falls between two of them
    for chat in range(1, 31):
        await rig.enqueue(chat, f"m{chat}")
    cut: list[asyncio.Task[None]] = []

    def on_call(call: Call) -> None:
        if len(rig.api.of("sendMessage")) == 1:  # during the first call, the connection is cut
            rig.api.hold = asyncio.Event()
            cut.append(asyncio.create_task(_cut_then_answer(rig, first)))

    rig.api.on_call = on_call
    assert await rig.worker.drain_once() == 1  # the call on the wire; the rest abandoned
    await asyncio.gather(*cut)
    rig.api.on_call = None
    assert len(rig.api.of("sendMessage")) == 1
    assert (await _states(rig)).count(OutboxState.CLAIMED) == 29  # abandoned, never sent
    # The next drain takes the lock again, finds its old claims orphaned, and sends them.
    assert await rig.worker.drain_once() == 29
    assert rig.worker.worker_id != first
    assert await _states(rig) == [OutboxState.SENT] * 30
    chats = sorted(int(c.params["chat_id"]) for c in rig.api.of("sendMessage"))
    assert chats == list(range(1, 31))  # each once


async def _cut_then_answer(rig: Rig, worker_id: int) -> None:
    await _cut(rig, worker_id)
    rig.time.t += 2  # past the interval between two checks of the lock
    assert rig.api.hold is not None
    rig.api.hold.set()


async def test_one_worker_sends_for_a_token_another_takes_over_when_it_dies(rig: Rig) -> None:
    """Telegram's limits are per token: two workers each with its own budget sent twice the
    limit. One sender is elected per token; the others send nothing until it dies."""
    other = OutboxWorker(rig.worker.bot, rig.svc, rig.worker.cfg, postgres=True)
    await rig.worker.recover()
    await other.recover()
    await rig.enqueue(9, "one")
    assert await rig.worker.drain_once() == 1  # the first to ask is the sender
    await rig.enqueue(10, "two")
    assert await other.drain_once() == 0  # not the sender: it leaves the row alone
    assert await _states(rig) == [OutboxState.SENT, OutboxState.PENDING]
    await rig.worker.stop()  # the sender's process dies: its locks go with its connection
    assert await other.drain_once() == 1
    assert rig.api.texts(10) == ["two"]
    await other.stop()


async def test_outcomes_kept_through_an_outage_are_recorded_before_the_sweep(rig: Rig) -> None:
    """A message went out while the database was away: its outcome waits in memory, and the
    lock was lost meanwhile (a new worker id). The sweep at the next claim must not take it
    for a call in doubt: before, it was sent again (a duplicate card in the outage
    benchmark)."""
    await rig.enqueue(42, "delivered during the outage")
    (row,) = await rig.worker._claim(None)
    async with rig.svc.sessions() as s:
        await outbox.mark_sending(s, [row.id])
        await s.commit()
    rig.worker.fates.sent(row, 7)  # Telegram took it; the database could not be told
    rig.worker._new_id()  # the liveness lock was lost with the connection
    await rig.worker.drain_once()
    assert rig.api.of("sendMessage", 42) == []  # not sent a second time
    assert await rig.states() == [OutboxState.SENT]
