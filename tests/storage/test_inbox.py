from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs import forget_inbox
from core.deps import Deps
from storage import inbox
from storage.db import create_engine, create_sessionmaker
from storage.migrate import upgrade
from tests.conftest import Clock
from tests.core.conftest import svc  # noqa: F401  (the fixture: a migrated database)


@pytest.fixture
async def session(db_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(db_url)
    await upgrade(engine)
    async with create_sessionmaker(engine)() as s:
        yield s
    await engine.dispose()


def test_chat_of_each_kind_of_update() -> None:
    assert inbox.chat_of({"update_id": 1, "message": {"chat": {"id": 5}}}) == 5
    assert (
        inbox.chat_of(
            {"update_id": 1, "callback_query": {"from": {"id": 7}, "message": {"chat": {"id": -9}}}}
        )
        == -9
    )
    assert inbox.chat_of({"update_id": 1, "callback_query": {"from": {"id": 7}}}) == 7
    assert inbox.chat_of({"update_id": 1, "poll": {}}) is None
    assert inbox.chat_of({"update_id": 1, "message": {"chat": "bad"}}) is None
    assert inbox.out_of_range({"update_id": 1, "message": {"chat": {"id": 10**30}}})
    assert inbox.out_of_range({"update_id": 2**70}) == "update_id out of range"
    assert inbox.out_of_range({"update_id": 1, "message": {"chat": {"id": -(2**63)}}}) is None


async def test_an_update_is_stored_once(session: AsyncSession, clock: Clock) -> None:
    raw = {"update_id": 42, "message": {"chat": {"id": 5}, "text": "hi"}}
    assert await inbox.store(session, raw, clock()) is True
    assert await inbox.store(session, raw, clock()) is False
    await session.commit()
    (p,) = await inbox.pending(session)
    assert (p.update_id, p.chat_id, p.payload["message"]["text"]) == (42, 5, "hi")
    await inbox.mark_processed(session, p.id, clock(), None)
    await session.commit()
    assert await inbox.pending(session) == []
    assert await inbox.count(session, processed=True) == 1


async def test_pending_is_in_arrival_order(session: AsyncSession, clock: Clock) -> None:
    for uid in (3, 1, 2):
        await inbox.store(session, {"update_id": uid, "message": {"chat": {"id": 1}}}, clock())
    await session.commit()
    assert [p.update_id for p in await inbox.pending(session)] == [3, 1, 2]


async def test_a_long_queue_in_one_chat_leaves_room_for_the_others(
    session: AsyncSession, clock: Clock
) -> None:
    """250 updates waiting in one chat (its first failing, say) used to fill the whole batch:
    nobody else was served until they were all done."""
    busy = [{"update_id": i, "message": {"chat": {"id": 1}}} for i in range(250)]
    await inbox.store_many(session, busy, clock())
    await inbox.store(session, {"update_id": 999, "message": {"chat": {"id": 2}}}, clock())
    await session.commit()
    batch = await inbox.pending(session, limit=200, per_chat=20)
    assert [p.update_id for p in batch] == [*range(20), 999]  # each chat still in order


async def test_processed_updates_are_forgotten_after_keep_days(
    svc: Deps,  # noqa: F811
    clock: Clock,
) -> None:
    """Raw updates hold residents' words: once processed, they go after ``inbox.keep_days``
    (7 by default); those still waiting stay whatever their age."""
    async with svc.sessions() as s:
        for uid in (1, 2, 3):
            await inbox.store(s, {"update_id": uid, "message": {"chat": {"id": uid}}}, clock())
        await s.commit()
        old, waiting, _ = await inbox.pending(s)
        await inbox.mark_processed(s, old.id, clock(), None)
        await s.commit()
    clock.advance(days=6)
    async with svc.sessions() as s:
        (_, recent) = await inbox.pending(s)
        await inbox.mark_processed(s, recent.id, clock(), None)
        await s.commit()
    assert await forget_inbox(svc) == 0
    clock.advance(days=1, seconds=1)
    assert await forget_inbox(svc) == 1  # processed 7 days ago
    async with svc.sessions() as s:
        assert await inbox.count(s) == 2 and await inbox.count(s, processed=False) == 1
        assert waiting in await inbox.pending(s)
    clock.advance(days=30)
    assert await forget_inbox(svc) == 1  # the recent one in its turn, never the waiting
    async with svc.sessions() as s:
        assert await inbox.count(s) == 1
