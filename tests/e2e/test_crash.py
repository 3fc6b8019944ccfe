"""A process killed between storing an update and processing it: processed once after restart."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import UpdateFactory, post_update, wait_healthy
from bot.runtime import Runtime
from nlp.types import Classification, Classifier
from storage import inbox
from storage.models import Draft, InboxUpdate
from tests.conftest import Clock, make_config
from tests.e2e.conftest import MARIE, Env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _toml(cfg_path: Path, db_url: str, api: FakeBotApi, port: int, media: Path) -> None:
    cfg_path.write_text(
        f"""
[telegram]
token = "123:test"
mode = "webhook"
api_base_url = "{api.base_url}"
api_file_url = "{api.file_url}"

[webhook]
listen = "127.0.0.1"
port = {port}
secret_token = "s3cret-token-0123456"

[database]
url = "{db_url}"
migrate_on_start = true

[bot]
media_dir = "{media}"

[nlp]
kind = "keywords"
""",
        encoding="utf-8",
    )


async def test_killed_after_storing_is_processed_once_after_restart(
    db_url: str, tmp_path: Path, clock: Clock
) -> None:
    api = FakeBotApi("123:test")
    await api.start()
    port = _free_port()
    cfg_path = tmp_path / "config.toml"
    _toml(cfg_path, db_url, api, port, tmp_path / "media")
    url = f"http://127.0.0.1:{port}/telegram"
    raw = UpdateFactory().text(MARIE, "Il y a une fuite d'eau rue Victor Hugo")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # A process that only stores updates (role "web") plays the part of a process that dies
    # after the webhook's 200 and before its worker gets to the update.
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "--config",
        str(cfg_path),
        "run",
        "--role",
        "web",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as http:
            await wait_healthy(http, f"http://127.0.0.1:{port}/health", proc)
            assert await post_update(http, url, "s3cret-token-0123456", raw) == 200
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert api.of("sendMessage", MARIE.user_id) == []

    cfg = make_config(db_url, tmp_path, api)
    async with Runtime(cfg, clock=clock) as rt:
        await rt.settle()
        async with rt.deps.sessions() as s:
            assert await inbox.count(s, processed=False) == 0
        assert len(api.of("sendMessage", MARIE.user_id)) == 1
        async with aiohttp.ClientSession() as http:  # Telegram redelivers: a no-op
            assert (
                await post_update(
                    http, f"http://127.0.0.1:{rt.port}/telegram", cfg.webhook.secret_token, raw
                )
                == 200
            )
        await rt.settle()
        async with rt.deps.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(InboxUpdate)) == 1
    assert len(api.of("sendMessage", MARIE.user_id)) == 1
    await api.stop()


class Failing:
    """The real classifier, failing its first ``times`` calls (every call when None)."""

    def __init__(self, real: Classifier, times: int | None) -> None:
        self.real, self.times, self.calls = real, times, 0

    def classify(self, text: str, lang: str | None = None) -> Classification:
        self.calls += 1
        if self.times is None or self.calls <= self.times:
            raise RuntimeError("model file corrupted")
        return self.real.classify(text, lang)

    def similarity(self, a: str, b: str) -> float:
        return self.real.similarity(a, b)


async def test_a_failing_update_is_rolled_back_and_retried(env: Env) -> None:
    """The first attempt fails inside the unit of work: nothing of it is kept; the retry works."""
    # Call 1: the worker classifies ahead of the unit, fails, and only logs it. Call 2: the
    # unit classifies itself and fails. Call 3: the retry's classification ahead works, and
    # the unit takes its result.
    flaky = Failing(env.runtime.deps.nlp, times=2)
    env.runtime.deps.nlp = flaky
    await env.story.say(MARIE, "Fuite d'eau rue Victor Hugo")
    assert flaky.calls == 3
    (reply,) = env.api.of("sendMessage", MARIE.user_id)
    assert "Eau" in reply.params["text"]
    async with env.runtime.deps.sessions() as s:
        row = await s.scalar(select(InboxUpdate))
        drafts = await s.scalar(select(func.count()).select_from(Draft))
    assert row is not None and row.attempts == 1 and row.processed_at is not None
    assert drafts == 1  # the failed attempt left nothing behind


async def test_an_update_that_keeps_failing_is_set_aside_with_an_apology(env: Env) -> None:
    real = env.runtime.deps.nlp
    env.runtime.deps.nlp = Failing(real, times=None)
    await env.story.say(MARIE, "Fuite d'eau rue Victor Hugo")
    (apology,) = env.api.of("sendMessage", MARIE.user_id)
    assert apology.params["text"].startswith("Désolé")
    assert (
        "Traceback" not in apology.params["text"] and "RuntimeError" not in apology.params["text"]
    )
    async with env.runtime.deps.sessions() as s:
        row = await s.scalar(select(InboxUpdate))
    assert row is not None and row.processed_at is not None
    assert row.last_error is not None and "RuntimeError" in row.last_error
    # The next message is handled normally: the chat is not stuck.
    env.runtime.deps.nlp = real
    await env.story.say(MARIE, "/help")
    assert env.api.of("sendMessage", MARIE.user_id)[-1].params["text"].startswith("Décrivez-moi")
