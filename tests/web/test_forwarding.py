"""The dashboard's forwards page: an agent sees the forwards of their own services that wait
or gave up, with the last error; another service's agent does not; nobody logged out does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config.settings import Config
from bot.factory import create_deps
from core.catalogue import sync_catalogue
from core.deps import Deps
from storage import forwards
from storage.enums import ForwardState
from storage.migrate import upgrade
from tests.conftest import ROADS_AGENT, WATER_AGENT, Clock, make_config
from tests.web.conftest import report, resident, serve
from tests.web.test_dashboard import SITE, link_token, press_login, shown


def config(db_url: str, tmp_path: Path) -> Config:
    raw = make_config(db_url, tmp_path).model_dump(mode="json")
    for s in raw["services"]:
        if s["code"] == "water":
            s["forward"] = {"open311": {"endpoint": "http://127.0.0.1:9/open311/v2"}}
    return Config.model_validate(raw)


@pytest.fixture
async def town(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Deps]:
    deps = create_deps(config(db_url, tmp_path), clock)
    await upgrade(deps.engine)
    async with deps.sessions() as s:
        await sync_catalogue(s, deps.catalogue)
        await s.commit()
    yield deps
    await deps.engine.dispose()


async def fail_all(deps: Deps, error: str, give_up: timedelta) -> list[ForwardState]:
    async with deps.sessions() as s:
        claimed = await forwards.claim_due(s, deps.clock(), 10)
        states = [
            await forwards.mark_failed(
                s,
                c,
                deps.clock(),
                error,
                give_up_after=give_up,
                first_retry_s=30,
                max_retry_s=600,
            )
            for c in claimed
        ]
        await s.commit()
    return states


async def test_agents_see_their_services_forwards_waiting_or_failed(
    town: Deps, clock: Clock
) -> None:
    who = await resident(town, 1001)
    leak = await report(town, who, "Fuite d'eau rue Victor Hugo")
    await report(town, who, "Nid-de-poule", service="roads")  # roads forwards nowhere
    assert await fail_all(town, "HTTP 502", timedelta(hours=72)) == [ForwardState.PENDING]

    async with serve(town, **SITE) as client:
        resp = await client.get("/dashboard/forwards")
        assert resp.status == 401  # nobody logged in
        token = await link_token(town, WATER_AGENT)
        await press_login(client, token)
        page = await shown(await client.get("/dashboard/forwards"))
        assert f'href="/dashboard/tickets/{leak}"' in page
        assert "HTTP 502" in page and "en attente" in page and "Open311" in page
        assert 'href="/dashboard/forwards"' in await shown(await client.get("/dashboard"))

    clock.advance(hours=80)  # past its age: given up, and shown so
    assert await fail_all(town, "HTTP 500", timedelta(hours=72)) == [ForwardState.FAILED]
    async with serve(town, **SITE) as client:
        token = await link_token(town, WATER_AGENT)
        await press_login(client, token)
        page = await shown(await client.get("/dashboard/forwards"))
        assert "abandonnée" in page and "HTTP 500" in page

    async with serve(town, **SITE) as client:  # the roads agent sees none of water's
        token = await link_token(town, ROADS_AGENT, "Rita")
        await press_login(client, token)
        page = await shown(await client.get("/dashboard/forwards"))
        assert "HTTP 500" not in page and f"/dashboard/tickets/{leak}" not in page
        assert "Toutes les transmissions sont parties." in page
