"""A database that is briefly locked: the webhook says "try again" (Telegram will), nothing is
lost, and the update is processed once the lock is gone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiohttp

from bot.config.settings import Config
from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Story, UpdateFactory, post_update
from bot.runtime import Runtime
from storage import inbox
from tests.conftest import Clock, make_config
from tests.e2e.conftest import MARIE


def _config(api: FakeBotApi, tmp_path: Path) -> tuple[Path, Config]:
    """A SQLite file whose writers give up after 100 ms, and its config."""
    db_file = tmp_path / "locked.db"
    url = f"sqlite+aiosqlite:///{db_file}"
    return db_file, make_config(url, tmp_path, api, database={"busy_timeout_ms": 100})


async def test_locked_sqlite_gives_503_then_the_redelivery_is_processed(
    api: FakeBotApi, tmp_path: Path, clock: Clock
) -> None:
    db_file, cfg = _config(api, tmp_path)
    raw = UpdateFactory().text(MARIE, "Fuite d'eau rue Victor Hugo")
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        other = sqlite3.connect(db_file, timeout=0)
        other.execute("BEGIN EXCLUSIVE")  # another process holds the database
        try:
            assert await post_update(http, url, cfg.webhook.secret_token, raw) == 503
        finally:
            other.rollback()
            other.close()
        story = Story(http, url, cfg.webhook.secret_token, api, rt.settle)
        assert await story.post(raw) == 200  # Telegram delivers it again
        async with rt.deps.sessions() as s:
            assert await inbox.count(s, processed=True) == 1
    (reply,) = api.of("sendMessage", MARIE.user_id)
    assert "Eau" in reply.params["text"]


async def test_a_lock_during_processing_postpones_without_counting_a_failure(
    api: FakeBotApi, tmp_path: Path, clock: Clock
) -> None:
    db_file, cfg = _config(api, tmp_path)
    raw = UpdateFactory().text(MARIE, "Fuite d'eau rue Victor Hugo")
    rt = Runtime(cfg, clock=clock, role="web")  # stores only: the worker is driven by hand
    async with rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        assert await post_update(http, url, cfg.webhook.secret_token, raw) == 200
        other = sqlite3.connect(db_file, timeout=0)
        other.execute("BEGIN EXCLUSIVE")
        try:
            assert await rt.inbox.drain_once() == 0  # postponed
        finally:
            other.rollback()
            other.close()
        async with rt.deps.sessions() as s:
            (p,) = await inbox.pending(s)
        assert p.attempts == 0  # a locked database is not the update's fault
        assert await rt.inbox.drain_once() == 1
    assert len(api.of("sendMessage", MARIE.user_id)) == 1
