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

from bot.fake_telegram import FakeBotApi
from bot.runtime import Runtime
from bot.simulate import Story, UpdateFactory, post_update
from core import inbox
from storage.models import InboxUpdate
from tests.conftest import Clock, make_config
from tests.e2e.conftest import MARIE


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
secret_token = "s3cret-token"

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


async def _wait_healthy(
    http: aiohttp.ClientSession, port: int, proc: asyncio.subprocess.Process
) -> None:
    for _ in range(300):  # up to ~30 s for a cold start
        if proc.returncode is not None:
            raise AssertionError("the process exited early")
        try:
            async with http.get(f"http://127.0.0.1:{port}/health") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)  # polling a real process's readiness, not a timed wait
    raise AssertionError("the process never became healthy")


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
        "bot.cli",
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
            await _wait_healthy(http, port, proc)
            assert await post_update(http, url, "s3cret-token", raw) == 200
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert api.of("sendMessage", MARIE.user_id) == []

    cfg = make_config(db_url, tmp_path, api)
    async with Runtime(cfg, clock=clock) as rt:
        await rt.settle()
        async with rt.services.sessions() as s:
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
        async with rt.services.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(InboxUpdate)) == 1
    assert len(api.of("sendMessage", MARIE.user_id)) == 1
    await api.stop()


async def test_a_failing_update_is_rolled_back_and_retried(
    sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    """The first attempt fails inside the unit of work: nothing of it is kept; the retry works."""
    api = FakeBotApi("123:test")
    await api.start()
    cfg = make_config(sqlite_url, tmp_path, api)
    async with Runtime(cfg, clock=clock) as rt:
        calls = {"n": 0}
        real = rt.services.nlp

        class FlakyOnce:
            def classify(self, text: str, lang: str | None = None):  # type: ignore[no-untyped-def]
                calls["n"] += 1
                if calls["n"] == 1:
                    raise RuntimeError("boom")
                return real.classify(text, lang)

            def similarity(self, a: str, b: str) -> float:
                return real.similarity(a, b)

        rt.services.nlp = FlakyOnce()
        async with aiohttp.ClientSession() as http:
            story = Story(
                http,
                f"http://127.0.0.1:{rt.port}/telegram",
                cfg.webhook.secret_token,
                api,
                rt.settle,
            )
            await story.say(MARIE, "Fuite d'eau rue Victor Hugo")
        assert calls["n"] == 2
        (reply,) = api.of("sendMessage", MARIE.user_id)
        assert "Eau" in reply.params["text"]
        async with rt.services.sessions() as s:
            row = await s.scalar(select(InboxUpdate))
        assert row is not None and row.attempts == 1 and row.processed_at is not None
    await api.stop()


async def test_an_update_that_keeps_failing_is_set_aside_with_an_apology(
    sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    api = FakeBotApi("123:test")
    await api.start()
    cfg = make_config(sqlite_url, tmp_path, api)
    async with Runtime(cfg, clock=clock) as rt:

        class Broken:
            def classify(self, text: str, lang: str | None = None):  # type: ignore[no-untyped-def]
                raise RuntimeError("model file corrupted")

            def similarity(self, a: str, b: str) -> float:
                return 0.0

        real, rt.services.nlp = rt.services.nlp, Broken()
        async with aiohttp.ClientSession() as http:
            story = Story(
                http,
                f"http://127.0.0.1:{rt.port}/telegram",
                cfg.webhook.secret_token,
                api,
                rt.settle,
            )
            await story.say(MARIE, "Fuite d'eau rue Victor Hugo")
            (apology,) = api.of("sendMessage", MARIE.user_id)
            assert apology.params["text"].startswith("Désolé")
            assert (
                "Traceback" not in apology.params["text"]
                and "RuntimeError" not in apology.params["text"]
            )
            async with rt.services.sessions() as s:
                row = await s.scalar(select(InboxUpdate))
            assert row is not None and row.processed_at is not None
            assert row.last_error is not None and "RuntimeError" in row.last_error
            # The next message is handled normally: the chat is not stuck.
            rt.services.nlp = real
            await story.say(MARIE, "/help")
            assert (
                api.of("sendMessage", MARIE.user_id)[-1].params["text"].startswith("Décrivez-moi")
            )
    await api.stop()
