"""/health is liveness; /ready says whether the process can do its work now, and what fails."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bot.demo.fake_telegram import FakeBotApi
from bot.health import Readiness
from bot.runtime import Runtime
from core import messages
from storage.enums import OutboxPurpose
from tests.conftest import Clock, make_config
from tests.e2e.conftest import Env


async def _get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, await resp.json()


async def test_ready_names_the_database_the_loops_and_the_failed_messages(env: Env) -> None:
    ready = env.url.replace(env.config.webhook.path, "/ready")
    status, body = await _get(ready)
    assert status == 200, body
    assert body["database"] == "ok" and body["failing"] == []
    assert set(body["loops"]) == {"inbox-writer", "inbox", "outbox"}
    assert body["outbox"] == {"failed": 0, "oldest_due_s": None}


async def test_a_loop_that_ended_makes_the_process_not_ready_until_restarted(env: Env) -> None:
    ready = env.url.replace(env.config.webhook.path, "/ready")
    task = env.runtime.inbox._task
    assert task is not None
    task.cancel()  # as if it had ended on a bug
    await asyncio.gather(task, return_exceptions=True)
    status, body = await _get(ready)
    assert status == 503 and body["failing"] == ["loop inbox"]
    assert env.runtime.supervisor.check() == 1
    assert (await _get(ready))[0] == 200


async def test_an_outbox_that_lags_makes_the_process_not_ready(env: Env, clock: Clock) -> None:
    deps = env.runtime.deps
    readiness = Readiness(deps, lambda: [], max_lag_s=60)
    async with deps.writing() as s:
        messages.enqueue(
            s,
            chat_id=1,
            text="hi",
            purpose=OutboxPurpose.NOTICE,
            now=clock(),
            not_before=clock() + timedelta(days=1),
        )
        await s.commit()
    ok, body = await readiness.check()
    assert ok, body  # not due yet
    clock.advance(days=1, seconds=120)
    ok, body = await readiness.check()
    assert not ok and body["failing"] == ["outbox lag"]
    assert 119 <= body["outbox"]["oldest_due_s"] <= 121


async def test_a_worker_serves_health_and_ready_on_its_own_port(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(sqlite_url, tmp_path, api)
    async with Runtime(cfg, clock=clock, role="worker", health_port=0) as rt:
        base = f"http://127.0.0.1:{rt.health_port_bound}"
        assert (await _get(f"{base}/health"))[0] == 200
        status, body = await _get(f"{base}/ready")
        assert status == 200, body
        assert set(body["loops"]) == {"inbox", "outbox"}
