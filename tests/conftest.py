"""Shared fixtures: a database per test (SQLite file, and PostgreSQL when configured), a
controllable clock, a test configuration with three agents chats."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.config.settings import Config, default_services
from storage.db import create_engine

PG_URL = os.environ.get("SENSCOMMUN_TEST_PG_URL")
os.environ["PTB_TIMEDELTA"] = "true"  # as the CLI does: PTB's durations as timedelta

WATER_CHAT, ROADS_CHAT, DESK_CHAT = -1001, -1002, -1009
WATER_AGENT, ROADS_AGENT, DESK_AGENT = 501, 502, 509


class Clock:
    """A clock the tests move by hand: nothing waits for real time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each test that asks for it runs on SQLite, and on PostgreSQL when configured."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need SENSCOMMUN_TEST_PG_URL (CI sets it)")
    await reset_postgres(PG_URL)
    yield PG_URL


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


def make_config(db_url: str, tmp_path: Path, api: Any = None, **sections: Any) -> Config:
    """Water, roads and the general desk have their agents chats; the rest fall to the desk."""
    chats = {
        "water": (WATER_CHAT, [WATER_AGENT]),
        "roads": (ROADS_CHAT, [ROADS_AGENT]),
        "other": (DESK_CHAT, [DESK_AGENT]),
    }
    services = []
    for s in default_services():
        chat, agents = chats.get(s.code, (None, []))
        services.append({**s.model_dump(), "agents_chat_id": chat, "agents": agents})
    raw: dict[str, Any] = {
        "telegram": {"token": "123:test", "mode": "webhook"},
        # A loaded test machine can take seconds to commit: only the fault tests, which set
        # their own, expect the webhook's 503.
        "webhook": {"port": 0, "secret_token": "s3cret-token-0123456", "store_timeout_ms": 60_000},
        "database": {"url": db_url, "migrate_on_start": True},
        "bot": {"media_dir": str(tmp_path / "media")},
        "nlp": {"kind": "keywords"},
        "outbox": {"per_chat_interval_s": 0, "messages_per_second": 1000},
        "services": services,
        # A story sends dozens of messages within one minute of the test clock; the limits and
        # the phone check have their own tests.
        "limits": {"reports_per_hour": 0, "messages_per_minute": 0},
        "ideas": {"require_phone": False},
    }
    if api is not None:
        raw["telegram"]["api_base_url"] = api.base_url
        raw["telegram"]["api_file_url"] = api.file_url
    for section, values in sections.items():
        if isinstance(values, list):
            raw[section] = values
        else:
            raw.setdefault(section, {}).update(values)
    return Config.model_validate(raw)
