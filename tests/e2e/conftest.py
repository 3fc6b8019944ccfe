from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.config.settings import Config
from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Person, Story
from bot.runtime import Runtime
from tests.conftest import Clock, make_config

MARIE = Person(1001, "Marie", "fr")
JOHN = Person(1002, "John", "en-GB")
WATER_AGENT_P = Person(501, "Paul")
ROADS_AGENT_P = Person(502, "Rita")
STRANGER = Person(666, "Mallory")
ANON_ADMIN = Person(1087968824, "Group")  # Telegram's GroupAnonymousBot


@dataclass
class Env:
    api: FakeBotApi
    runtime: Runtime
    story: Story
    config: Config
    url: str


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(token="123:test")
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def env(api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Env]:
    cfg = make_config(db_url, tmp_path, api)
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)
