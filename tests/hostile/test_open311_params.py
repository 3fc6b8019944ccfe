"""Open311 parameters a stranger can send: every answer a 200 or an Open311 error (400 or
404), never a 500; JSON that parses, XML that is well-formed; nothing written."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.factory import create_deps
from bot.inbox.webhook import create_web_app
from core.catalogue import sync_catalogue
from core.deps import Deps
from storage.migrate import upgrade
from storage.models import Report
from tests.conftest import Clock, make_config
from tests.hostile import HOSTILE
from tests.web.conftest import report, resident
from web.app import add_routes
from web.context import WebContext, WebOptions
from web.ratelimit import Rate

UNLIMITED = Rate(per_minute=1e12, burst=10**9)

NAMES = [
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "lat",
    "long",
    "radius",
    "jurisdiction_id",
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(-(2**80), 2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "open",
            "closed",
            "water",
            "0001-01-01",
            "9999-12-31T23:59:59+14:00",
            "1e308",
            "-0",
            "²",
            "\\x00",
            "%00",
            "2026-02-30",
            "NaN",
            "inf",
            "water,roads",
            ",,,",
            " ",
        ]
    ),
)
QUERY = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=6)
PATHS = st.sampled_from(
    ["requests.json", "requests.xml", "requests/1.json", "requests/1.xml", "services.xml"]
)
ODD_PATHS = st.builds(
    lambda rid, fmt: f"requests/{quote(rid, safe='')}.{fmt}",
    st.one_of(st.integers(-(2**70), 2**70).map(str), st.text(min_size=1, max_size=12)),
    st.sampled_from(["json", "xml", "html", ""]),
)


async def _setup(db: str, tmp_path: Path) -> tuple[Deps, TestClient[Any, Any]]:
    svc = create_deps(make_config(db, tmp_path), Clock())
    await upgrade(svc.engine)
    async with svc.sessions() as s:
        await sync_catalogue(s, svc.catalogue)
        await s.commit()
    marie = await resident(svc, 1001)
    await report(
        svc, marie, "Fuite\\x01 d'eau \\x1b[31m <b>&", address="3\\x0c rue", lat=48.85, lon=2.35
    )
    await report(svc, marie, "Nid de poule", service="roads")

    async def store(raw: dict[str, Any]) -> None:
        raise AssertionError("no update here")

    app = create_web_app("/telegram", "secret-0123456789abc", 1_000_000, lambda: None, store)
    add_routes(
        app,
        WebContext(svc, WebOptions(descriptions=True, max_page_size=50, open311_rate=UNLIMITED)),
    )
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    return svc, client


def test_hostile_parameters_never_get_a_500_nor_a_broken_page(
    sqlite_url: str, tmp_path: Path
) -> None:
    with asyncio.Runner() as runner:
        svc, client = runner.run(_setup(sqlite_url, tmp_path))

        async def get(path: str) -> tuple[int, str]:
            async with client.get(path) as resp:
                return resp.status, await resp.text()

        async def reports() -> int:
            async with svc.sessions() as s:
                return int(await s.scalar(select(func.count()).select_from(Report)) or 0)

        @settings(HOSTILE, max_examples=600)
        @given(path=st.one_of(PATHS, ODD_PATHS), query=QUERY)
        def case(path: str, query: list[tuple[str, str]]) -> None:
            url = f"/open311/v2/{path}?{urlencode(query)}"
            status, body = runner.run(get(url))
            assert status in (200, 400, 404), (status, url, body[:300])
            if path.endswith(".xml"):
                ET.fromstring(body)  # well-formed, whatever the answer
            elif path.endswith(".json"):
                json.loads(body)

        try:
            case()
            assert runner.run(reports()) == 2  # nothing written
        finally:
            runner.run(client.close())
            runner.run(svc.engine.dispose())
