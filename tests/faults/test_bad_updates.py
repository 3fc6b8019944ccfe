"""Updates that carry what the database cannot hold are set aside, never block the inbox."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Person, UpdateFactory, post_update
from bot.runtime import Runtime
from storage import inbox
from storage.models import InboxUpdate
from tests.conftest import PG_URL, Clock, make_config
from tests.e2e.conftest import MARIE, Env


async def _row(env: Env, update_id: int) -> InboxUpdate:
    async with env.runtime.deps.sessions() as s:
        return (
            await s.scalars(select(InboxUpdate).where(InboxUpdate.update_id == update_id))
        ).one()


async def test_a_chat_id_beyond_64_bits_is_set_aside(env: Env) -> None:
    f = env.story.updates
    bad = f.text(MARIE, "Fuite d'eau")
    bad["message"]["chat"]["id"] = 10**30
    assert await env.story.post(bad) == 200  # stored, set aside: Telegram stops sending it
    row = await _row(env, bad["update_id"])
    assert row.processed_at is not None and row.last_error == "chat id out of range"
    assert await env.story.say(MARIE, "/help") == 200  # later updates are processed
    assert env.api.of("sendMessage", MARIE.user_id)
    async with env.runtime.deps.sessions() as s:
        assert await inbox.count(s, processed=False) == 0


async def test_an_update_id_no_column_holds_is_refused_and_the_writer_goes_on(env: Env) -> None:
    f = env.story.updates
    bad = f.text(MARIE, "/help")
    bad["update_id"] = 2**70
    assert await env.story.post(bad) == 400
    with pytest.raises(ValueError):  # straight to the writer: refused, and it lives on
        await env.runtime.writer.store(bad)
    batch = [f.text(MARIE, "/help"), bad, f.text(MARIE, "/help")]  # one bad in a group commit
    results = await asyncio.gather(*map(env.runtime.writer.store, batch), return_exceptions=True)
    assert [isinstance(r, ValueError) for r in results] == [False, True, False]
    assert env.runtime.writer.alive
    await env.runtime.settle()
    assert len(env.api.of("sendMessage", MARIE.user_id)) == 2


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL refuses a NUL character in text")
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_what_postgresql_refuses_is_counted_then_set_aside_with_an_apology(
    env: Env,
) -> None:
    """The error used to be taken for a database outage: retried for ever, its chat stuck."""
    nul = Person(4242, "Ma\x00rie", "fr")
    assert await env.story.say(nul, "/help") == 200
    async with env.runtime.deps.sessions() as s:
        (row,) = (await s.scalars(select(InboxUpdate))).all()
    assert row.attempts == inbox.MAX_ATTEMPTS and row.processed_at is not None
    (apology,) = env.api.texts(nul.user_id)
    assert "désolé" in apology.lower() or "erreur" in apology.lower()
    assert await env.story.say(Person(4242, "Marie", "fr"), "/help") == 200  # served again
    assert len(env.api.texts(nul.user_id)) == 2


async def test_the_webhook_answers_503_within_the_store_timeout(
    api: FakeBotApi, tmp_path: Path, clock: Clock
) -> None:
    db = tmp_path / "slow.db"
    cfg = make_config(
        f"sqlite+aiosqlite:///{db}",
        tmp_path,
        api,
        database={"busy_timeout_ms": 5_000},
        webhook={"store_timeout_ms": 200},
    )
    raw = UpdateFactory().text(MARIE, "/help")
    loop = asyncio.get_running_loop()
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        other = sqlite3.connect(db, timeout=0)
        other.execute("BEGIN EXCLUSIVE")  # the database holds every writer back for 5 s
        try:
            started = loop.time()
            assert await post_update(http, url, cfg.webhook.secret_token, raw) == 503
            assert loop.time() - started < 1.5  # not the 5 s of the busy timeout
        finally:
            other.rollback()
            other.close()
        for _ in range(50):  # Telegram delivers again
            if await post_update(http, url, cfg.webhook.secret_token, raw) == 200:
                break
            await asyncio.sleep(0.05)
        await rt.settle()
    assert len(api.of("sendMessage", MARIE.user_id)) == 1
