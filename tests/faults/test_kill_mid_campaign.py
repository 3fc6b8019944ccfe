"""``kill -9`` of the sending worker in the middle of a broadcast: nothing is sent twice, every
subscriber is served, and what was on the wire at the kill is left in doubt (``unknown``: a
broadcast is at-most-once by default), never silently lost. On PostgreSQL a second worker,
standing by, takes the sending over; on SQLite (one process) the worker is started again."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.broadcast_load import FIRST_CHAT, populate, send_broadcast, worker, write_config
from bot.demo.fake_telegram import Call, FakeBotApi, RateLimit
from bot.outbox.batch import batch_for
from storage.db import create_engine
from storage.enums import OutboxState
from storage.models import OutboxMessage
from tests.conftest import reset_postgres

RECIPIENTS = 240
RATE = 100.0


async def _until(
    what: Callable[[], Awaitable[bool]], procs: list[asyncio.subprocess.Process]
) -> None:
    """Wait (on other processes: there is no clock to move) until ``what`` holds."""
    deadline = time.monotonic() + 60
    while not await what():
        for p in procs:
            assert p.returncode is None, "a worker ended by itself"
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def _states(db_url: str) -> dict[OutboxState, int]:
    engine = create_engine(db_url)
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        )
        states = {state: int(n) for state, n in rows.all()}
    await engine.dispose()
    return states


async def _in_doubt(db_url: str) -> set[str]:
    engine = create_engine(db_url)
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(OutboxMessage.chat_id).where(OutboxMessage.state == OutboxState.UNKNOWN)
        )
        chats = {str(c) for c in rows.scalars()}
    await engine.dispose()
    return chats


async def test_a_worker_killed_mid_campaign(db_url: str, tmp_path: Path) -> None:
    postgres = db_url.startswith("postgresql")
    if postgres:
        await reset_postgres(db_url)
    api = FakeBotApi("123:bench", RateLimit(per_second=RATE * 1.2, per_chat_interval=1.0))
    await api.start()
    seen: list[str] = []

    def on_call(call: Call) -> None:
        if call.method == "sendMessage":
            seen.append(str(call.params.get("chat_id")))

    api.on_call = on_call
    cfg = write_config(tmp_path, db_url, api, RATE)
    await populate(db_url, RECIPIENTS)
    first = await worker(cfg)
    procs = [first]
    try:
        assert f"{RECIPIENTS} message(s) queued" in await send_broadcast(cfg)

        def delivered(n: int) -> Callable[[], Awaitable[bool]]:
            async def reached() -> bool:
                return len(seen) >= n

            return reached

        await _until(delivered(RECIPIENTS // 3), procs)
        if postgres:  # a second worker stands by: it cannot send while the first one lives
            procs.append(await worker(cfg))
            await _until(delivered(len(seen) + 20), procs)
        first.send_signal(signal.SIGKILL)
        assert await first.wait() == -signal.SIGKILL
        procs.remove(first)
        killed_after = len(seen)
        assert killed_after < RECIPIENTS  # the kill landed mid-campaign
        if not postgres:
            procs.append(await worker(cfg))

        async def settled() -> bool:  # every message sent or in doubt, none waiting
            states = await _states(db_url)
            sent = states.get(OutboxState.SENT, 0)
            return sent + states.get(OutboxState.UNKNOWN, 0) == RECIPIENTS and len(seen) >= sent

        await _until(settled, procs)
    finally:
        for p in procs:
            if p.returncode is None:
                p.send_signal(signal.SIGTERM)
                await p.wait()
        await api.stop()

    per_chat = Counter(seen)
    assert max(per_chat.values()) == 1  # nothing twice
    assert len(seen) > killed_after  # the sending went on after the kill
    everyone = {str(FIRST_CHAT + i) for i in range(RECIPIENTS)}
    in_doubt = await _in_doubt(db_url)
    # Every subscriber received the message, or its message is recorded as in doubt (it was
    # on the wire at the kill); no more in doubt than one claimed batch.
    assert set(per_chat) | in_doubt == everyone
    assert len(in_doubt) <= batch_for(RATE)
