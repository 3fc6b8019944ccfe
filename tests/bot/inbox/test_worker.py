"""Several workers on one PostgreSQL: each update processed once, each chat in order."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.demo.simulate import Person, UpdateFactory
from bot.factory import create_application, create_deps
from bot.inbox.worker import InboxWorker
from core.catalogue import sync_catalogue
from core.reports import submit as reports
from core.residents import directory as residents
from storage import inbox
from storage.migrate import upgrade
from storage.models import InboxUpdate
from tests.conftest import PG_URL, WATER_AGENT, WATER_CHAT, Clock, make_config, reset_postgres
from tests.handlers.conftest import Bot, RecordingRequest, bot  # noqa: F401


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (SENSCOMMUN_TEST_PG_URL; CI sets it)")
async def test_two_workers_share_the_inbox(tmp_path: Path, clock: Clock) -> None:
    assert PG_URL is not None
    await reset_postgres(PG_URL)
    cfg = make_config(PG_URL, tmp_path)
    workers, requests, services = [], [], []
    for _ in range(2):  # two processes' worth: each its own engine, application and bot
        svc = create_deps(cfg, clock)
        request = RecordingRequest()
        app = create_application(cfg, svc, request=request)
        await app.initialize()
        workers.append(InboxWorker(app, svc, concurrency=4))
        requests.append(request)
        services.append(svc)
    await upgrade(services[0].engine)
    f = UpdateFactory()
    people = [Person(7000 + i, f"P{i}") for i in range(6)]
    raws = [f.text(p, f"/help {n}") for n in range(5) for p in people]  # 5 updates per chat
    async with services[0].sessions() as s:
        await sync_catalogue(s, services[0].catalogue)
        await inbox.store_many(s, raws, clock())
        await s.commit()

    for _ in range(20):  # both drain at once until nothing is left
        await asyncio.gather(*(w.drain_once() for w in workers))
        async with services[0].sessions() as s:
            if await inbox.count(s, processed=False) == 0:
                break
    sent = [(p["chat_id"], p["text"]) for r in requests for p in r.sent()]
    assert len(sent) == len(raws)  # each update answered once, by one of the two workers
    async with services[0].sessions() as s:
        rows = await inbox.pending(s)
        assert rows == [] and await inbox.count(s, processed=True) == len(raws)
    for w, svc in zip(workers, services, strict=True):
        await w.app.shutdown()
        await svc.engine.dispose()


async def test_a_commit_that_queued_messages_wakes_the_outbox(bot: Bot) -> None:  # noqa: F811
    woken: list[int] = []
    worker = InboxWorker(bot.app, bot.svc, on_queued=lambda: woken.append(1))
    f = UpdateFactory()
    ana, paul = Person(3001, "Ana"), Person(WATER_AGENT, "Paul")
    async with bot.svc.sessions() as s:
        await inbox.store(s, f.text(ana, "/help"), clock_now(bot))
        await s.commit()
    await worker.drain_once()
    assert woken == []  # /help answers directly: nothing queued
    async with bot.svc.sessions() as s:
        who = await residents.touch(s, ana.user_id, ana.user_id, "Ana", "fr", clock_now(bot))
        new = reports.NewReport("Fuite rue Haute", "water", "fr", "water", 0.9)
        rv = await reports.submit(s, bot.svc, who, new, clock_now(bot))
        await inbox.store(
            s, f.press(paul, f.group(WATER_CHAT), 9, f"a:ack:{rv.id}"), clock_now(bot)
        )
        await s.commit()
    await worker.drain_once()
    assert woken == [1]  # the card's edit and the resident's notice wait no poll


def clock_now(rig: Bot) -> datetime:
    return rig.svc.clock()


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (SENSCOMMUN_TEST_PG_URL; CI sets it)")
async def test_an_update_stuck_on_a_transient_failure_gives_up_by_age(
    tmp_path: Path, clock: Clock
) -> None:
    """A lock that is never released (here a trigger that always answers "lock not
    available", a transient class): the update waits without counting, then is set aside once
    older than ``inbox.give_up_after_hours``, and the resident is told."""
    assert PG_URL is not None
    await reset_postgres(PG_URL)
    cfg = make_config(PG_URL, tmp_path)
    svc = create_deps(cfg, clock)
    request = RecordingRequest()
    app = create_application(cfg, svc, request=request)
    await app.initialize()
    worker = InboxWorker(app, svc, give_up_after=timedelta(hours=48))
    await upgrade(svc.engine)
    ana = Person(3101, "Ana")
    async with svc.engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE FUNCTION stuck() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'row held elsewhere' USING ERRCODE = 'lock_not_available'; "
                "END $$"
            )
        )
        await conn.execute(
            text(
                "CREATE TRIGGER stuck BEFORE INSERT OR UPDATE ON residents EXECUTE FUNCTION stuck()"
            )
        )
    async with svc.sessions() as s:
        await sync_catalogue(s, svc.catalogue)
        await inbox.store(s, UpdateFactory().text(ana, "Fuite d'eau rue Haute"), clock())
        await s.commit()
    try:
        for hours in (0, 24, 23):  # tried at 0 h, 24 h and 47 h
            clock.advance(hours=hours)
            assert await worker.drain_once() == 0  # postponed, not counted
        async with svc.sessions() as s:
            (p,) = await inbox.pending(s)
        assert p.attempts == 0 and worker.gave_up == 0
        clock.advance(hours=2)  # now 49 h old
        assert await worker.drain_once() == 1
        async with svc.sessions() as s:
            assert await inbox.pending(s) == []
            error = await s.scalar(select(InboxUpdate.last_error))
        assert error is not None and error.startswith("gave up after 49 h")
        assert worker.gave_up == 1
        (apology,) = request.sent()
        assert apology["chat_id"] == ana.user_id
    finally:
        await app.shutdown()
        await svc.engine.dispose()
