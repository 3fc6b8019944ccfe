"""Several workers on one PostgreSQL: each update processed once, each chat in order."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.demo.simulate import Person, UpdateFactory
from bot.factory import create_application, create_deps
from bot.inbox.worker import InboxWorker
from core.catalogue import sync_catalogue
from storage import inbox
from storage.migrate import upgrade
from tests.conftest import PG_URL, Clock, make_config, reset_postgres
from tests.handlers.conftest import RecordingRequest


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
