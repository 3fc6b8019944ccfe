"""PostgreSQL goes away behind a TCP proxy while 40 residents write: the webhook answers 503
within ``webhook.store_timeout_ms`` (Telegram delivers again), /ready says what fails, and once
the database is back every resident is answered, nothing acknowledged is lost, and /ready is
200 again, without a restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Person, UpdateFactory, post_update
from bot.runtime import Runtime
from storage import inbox
from tests.conftest import PG_URL, Clock, make_config, reset_postgres
from tests.faults.proxy import Proxy

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="cuts PostgreSQL behind a proxy: needs SENSCOMMUN_TEST_PG_URL"
)

RESIDENTS = [Person(20_000 + i, f"R{i}") for i in range(40)]


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[Proxy, str]]:
    assert PG_URL is not None
    await reset_postgres(PG_URL)
    p, url = Proxy.before(PG_URL)
    await p.start()
    yield p, p.url(url)
    await p.stop()


async def _ready(http: aiohttp.ClientSession, base: str) -> tuple[int, Any]:
    async with http.get(f"{base}/ready") as resp:
        return resp.status, await resp.json()


async def test_forty_residents_write_through_a_database_outage(
    api: FakeBotApi, proxy: tuple[Proxy, str], tmp_path: Path, clock: Clock
) -> None:
    cut, url = proxy
    cfg = make_config(url, tmp_path, api, webhook={"store_timeout_ms": 300})
    f = UpdateFactory()
    updates = [f.text(p, "/help") for p in RESIDENTS]
    loop = asyncio.get_running_loop()
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        base = f"http://127.0.0.1:{rt.port}"
        hook = base + cfg.webhook.path
        secret = cfg.webhook.secret_token
        assert (await _ready(http, base))[0] == 200

        await cut.cut()
        started = loop.time()
        first = await asyncio.gather(*(post_update(http, hook, secret, u) for u in updates))
        assert set(first) == {503}  # none acknowledged while the database is away
        assert loop.time() - started < 3.0  # each within the store timeout, not hanging
        status, body = await _ready(http, base)
        assert status == 503 and "database" in body["failing"]
        assert (await http.get(f"{base}/health")).status == 200  # alive all the same

        await asyncio.sleep(0.3)  # a while later the database is back
        await cut.restore()
        # Telegram delivers again what was not acknowledged, until it is.
        acknowledged: set[int] = set()
        deadline = loop.time() + 15
        while len(acknowledged) < len(updates):
            assert loop.time() < deadline, f"{len(acknowledged)} acknowledged"
            todo = [u for u in updates if u["update_id"] not in acknowledged]
            codes = await asyncio.gather(*(post_update(http, hook, secret, u) for u in todo))
            acknowledged |= {u["update_id"] for u, c in zip(todo, codes, strict=True) if c == 200}
            if len(acknowledged) < len(updates):
                await asyncio.sleep(0.1)
        await rt.settle(within=15)
        async with rt.deps.sessions() as s:
            assert await inbox.count(s, processed=True) == len(updates)  # 0 lost
        answered = {p.user_id for p in RESIDENTS if api.of("sendMessage", p.user_id)}
        assert len(answered) == len(RESIDENTS)
        status, body = await _ready(http, base)
        assert status == 200, body
        assert all(v["alive"] for v in body["loops"].values())
    assert cut.connections > 1  # the app did reconnect through the proxy


async def test_a_cut_while_updates_wait_loses_none(
    api: FakeBotApi, proxy: tuple[Proxy, str], tmp_path: Path, clock: Clock
) -> None:
    """Stored, then the database goes away before they are processed: processed once back."""
    cut, url = proxy
    cfg = make_config(url, tmp_path, api)
    f = UpdateFactory()
    async with Runtime(cfg, clock=clock, role="web") as web, aiohttp.ClientSession() as http:
        hook = f"http://127.0.0.1:{web.port}{cfg.webhook.path}"
        for p in RESIDENTS[:10]:
            assert (
                await post_update(http, hook, cfg.webhook.secret_token, f.text(p, "/help")) == 200
            )
    async with Runtime(cfg, clock=clock, role="worker") as worker:
        await cut.cut()
        await asyncio.sleep(0.3)  # its loops fail meanwhile, and go on
        assert worker.inbox.alive and worker.outbox.alive
        await cut.restore()
        await worker.settle(within=15)
    assert all(api.of("sendMessage", p.user_id) for p in RESIDENTS[:10])
