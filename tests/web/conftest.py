"""Web tests: the real aiohttp application (the webhook's, with ``web/``'s routes) served on
loopback by aiohttp's test server, over a database filled through the real ``core`` use cases."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.factory import create_deps
from bot.inbox.webhook import create_web_app
from core.actors import AgentRef
from core.catalogue import sync_catalogue
from core.deps import Deps
from core.reports import status
from core.reports import submit as reports
from core.residents import directory as residents
from core.residents.directory import ResidentRef
from nlp.redact import redact
from storage.enums import ReportStatus
from storage.migrate import upgrade
from tests.conftest import WATER_AGENT, Clock, make_config
from web.app import add_routes
from web.context import WebContext, WebOptions

WATER = AgentRef(WATER_AGENT, "Paul")


@pytest.fixture
async def svc(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Deps]:
    services = create_deps(make_config(db_url, tmp_path), clock)
    await upgrade(services.engine)
    async with services.sessions() as s:
        await sync_catalogue(s, services.catalogue)
        await s.commit()
    yield services
    await services.engine.dispose()


@asynccontextmanager
async def serve(
    svc: Deps, monotonic: Callable[[], float] = time.monotonic, **options: Any
) -> AsyncIterator[TestClient[Any, Any]]:
    """The server ``bot/`` runs, with the web routes of ``options``, and a client for it;
    ``monotonic``: the rate limits' clock."""

    async def store(update: dict[str, Any]) -> None:
        raise AssertionError("no update is expected here")

    app = create_web_app("/telegram", "secret", 1_000_000, lambda: None, store)
    add_routes(app, WebContext(svc, WebOptions(**options), monotonic=monotonic))
    async with TestClient(TestServer(app)) as client:
        yield client


async def resident(svc: Deps, uid: int, name: str = "Marie", lang: str = "fr") -> ResidentRef:
    async with svc.sessions() as s:
        who = await residents.touch(s, uid, uid, name, lang, svc.clock())
        await s.commit()
    return who


async def report(
    svc: Deps,
    who: ResidentRef,
    text: str,
    service: str = "water",
    address: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> int:
    """A report as the conversation submits it (its text masked for agents)."""
    new = reports.NewReport(
        text,
        service,
        who.language,
        service,
        0.9,
        redacted_text=redact(text, who.language),
        address=address,
        lat=lat,
        lon=lon,
    )
    async with svc.sessions() as s:
        rv = await reports.submit(s, svc, who, new, svc.clock())
        await s.commit()
    return rv.id


async def set_status(svc: Deps, report_id: int, to: ReportStatus, by: AgentRef = WATER) -> None:
    async with svc.sessions() as s:
        await status.change_status(s, svc, by, report_id, to, svc.clock())
        await s.commit()
