"""The Open311 client of a service's CRM, against a fake CRM served by aiohttp: a timeout, an
answer that is not JSON and an error status are failures that name no data; an answer with
only a token is kept as ``token:…`` and turned into the request's id when pulling statuses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.config.settings import Config
from bot.factory import create_deps
from bot.forwarding import crm
from bot.forwarding.pull import Puller
from core.catalogue import Open311Target, sync_catalogue
from core.deps import Deps
from storage import forwards
from storage.enums import ForwardChannel, ReportStatus
from storage.migrate import upgrade
from storage.models import Forward, Report
from tests.conftest import Clock, make_config
from tests.web.conftest import report, resident


class Crm:
    def __init__(self) -> None:
        self.mode = "token"
        self.release = asyncio.Event()
        self.url = ""

    async def post(self, request: web.Request) -> web.Response:
        if self.mode == "slow":
            await self.release.wait()
        if self.mode == "html":
            return web.Response(text="<html>maintenance</html>")
        if self.mode == "refuse":
            return web.json_response([{"code": 400, "description": "bad"}], status=400)
        return web.json_response([{"token": "tok-1"}])

    async def token(self, request: web.Request) -> web.Response:
        assert request.match_info["token"] == "tok-1"
        return web.json_response([{"service_request_id": "CRM-9", "token": "tok-1"}])

    async def requests(self, request: web.Request) -> web.Response:
        assert request.query["service_request_id"] == "CRM-9"
        assert request.query["api_key"] == "k"
        return web.json_response([{"service_request_id": "CRM-9", "status": "in_progress"}])


@pytest.fixture
async def fake() -> AsyncIterator[Crm]:
    c = Crm()
    app = web.Application()
    app.router.add_post("/v2/requests.json", c.post)
    app.router.add_get("/v2/requests.json", c.requests)
    app.router.add_get("/v2/tokens/{token}.json", c.token)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    c.url = f"http://127.0.0.1:{runner.addresses[0][1]}/v2"
    yield c
    c.release.set()
    await runner.cleanup()


async def test_failures_name_no_data(fake: Crm) -> None:
    target = Open311Target(fake.url, "k")
    async with aiohttp.ClientSession() as http:
        assert await crm.post(http, target, {"description": "x"}, 5) == "token:tok-1"
        for mode, says in [("html", "not JSON"), ("refuse", "HTTP 400"), ("slow", "Timeout")]:
            fake.mode = mode
            with pytest.raises(crm.CrmError, match=says):
                await crm.post(http, target, {"description": "secret words"}, 0.2)


@pytest.fixture
async def town(db_url: str, tmp_path: Path, clock: Clock, fake: Crm) -> AsyncIterator[Deps]:
    raw = make_config(db_url, tmp_path).model_dump(mode="json")
    for s in raw["services"]:
        if s["code"] == "water":
            s["forward"] = {"open311": {"endpoint": fake.url, "api_key": "k"}}
    deps = create_deps(Config.model_validate(raw), clock)
    await upgrade(deps.engine)
    async with deps.sessions() as s:
        await sync_catalogue(s, deps.catalogue)
        await s.commit()
    yield deps
    await deps.engine.dispose()


async def test_a_token_becomes_an_id_and_its_status_comes_back(town: Deps) -> None:
    rid = await report(town, await resident(town, 1001), "Fuite d'eau")
    async with town.sessions() as s:
        (c,) = await forwards.claim_due(s, town.clock(), 5)
        assert c.channel is ForwardChannel.OPEN311  # written by submit, from the config
        await forwards.mark_sent(s, c.id, town.clock(), "token:tok-1")
        await s.commit()
    assert await Puller(5)(town) == 1
    async with town.sessions() as s:
        row = await s.scalar(select(Forward))
        assert row is not None and (row.external_id, row.external_status) == (
            "CRM-9",
            "in_progress",
        )
        assert (await s.get_one(Report, rid)).status is ReportStatus.IN_PROGRESS
    assert await Puller(5)(town) == 0  # the same status again: nothing
