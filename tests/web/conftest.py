"""Web tests: the real aiohttp application (the webhook's, with ``web/``'s routes) served on
loopback by aiohttp's test server, over a database filled through the real ``core`` use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.factory import create_services
from bot.webhook import create_web_app
from core import reports, residents, status
from core.catalogue import sync_catalogue
from core.residents import ResidentRef
from core.services import Services
from core.status import AgentRef
from nlp.redact import redact
from storage.enums import ReportStatus
from storage.migrate import upgrade
from tests.conftest import WATER_AGENT, Clock, make_config
from web.app import WebContext, WebOptions, add_routes

WATER = AgentRef(WATER_AGENT, "Paul")


@pytest.fixture
async def svc(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Services]:
    services = create_services(make_config(db_url, tmp_path), clock)
    await upgrade(services.sessions.kw["bind"])
    async with services.sessions() as s:
        await sync_catalogue(s, services.catalogue)
        await s.commit()
    yield services
    await services.sessions.kw["bind"].dispose()


@asynccontextmanager
async def serve(svc: Services, **options: Any) -> AsyncIterator[TestClient[Any, Any]]:
    """The server ``bot/`` runs, with the web routes of ``options``, and a client for it."""

    async def store(update: dict[str, Any]) -> None:
        raise AssertionError("no update is expected here")

    app = create_web_app("/telegram", "secret", 1_000_000, lambda: None, store)
    add_routes(app, WebContext(svc, WebOptions(**options)))
    async with TestClient(TestServer(app)) as client:
        yield client


async def resident(svc: Services, uid: int, name: str = "Marie", lang: str = "fr") -> ResidentRef:
    async with svc.sessions() as s:
        who = await residents.touch(s, uid, uid, name, lang, svc.clock())
        await s.commit()
    return who


async def report(
    svc: Services,
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
        rv = await reports.submit(s, svc.desk, who, new, svc.clock())
        await s.commit()
    return rv.id


async def set_status(svc: Services, report_id: int, to: ReportStatus, by: AgentRef = WATER) -> None:
    async with svc.sessions() as s:
        await status.change_status(s, svc.desk, by, report_id, to, svc.clock())
        await s.commit()
