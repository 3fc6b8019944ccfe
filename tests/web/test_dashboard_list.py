"""The dashboard's list: every ticket, page by page; search by reference, words and place;
filters by status, service, urgency and dates; the map of the open tickets."""

from __future__ import annotations

import html
import json
import re

from core.deps import Deps
from core.reports.due import Stage
from storage.enums import ReportStatus
from storage.models import Report
from tests.conftest import WATER_AGENT, Clock
from tests.web.conftest import report, resident, serve, set_status
from tests.web.test_dashboard import SITE, listed, log_in, shown


def pins(page: str) -> list[dict[str, object]]:
    m = re.search(r'data-pins="([^"]*)"', page)
    return [] if m is None else list(json.loads(html.unescape(m.group(1))))


async def test_the_list_pages_through_every_ticket(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    ids = [await report(svc, marie, f"Fuite numéro {i}") for i in range(120)]
    async with serve(svc, **SITE) as client:
        await log_in(client, svc, WATER_AGENT)
        seen: set[int] = set()
        for n in (1, 2, 3):
            page = await shown(await client.get(f"/dashboard?page={n}"))
            assert f"Page {n} sur 3" in page
            seen |= listed(page)
        assert seen == set(ids)  # no cap: all 120, 50 a page
        first = await shown(await client.get("/dashboard"))
        assert "120 signalement(s)" in first and 'rel="next"' in first and 'rel="prev"' not in first
        past = await shown(await client.get("/dashboard?page=99"))
        assert "Page 3 sur 3" in past  # a page past the last shows the last
        assert (await client.get("/dashboard?page=-1")).status == 400


async def test_search_by_reference_words_and_place(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    leak = await report(svc, marie, "Fuite d'eau devant l'école", address="12 rue des Lilas")
    hydrant = await report(svc, marie, "Bouche d'incendie ouverte", address="place Bellecour")
    phone = await report(svc, marie, "Appelez le 06 12 34 56 78 pour la fuite")
    async with serve(svc, **SITE) as client:
        await log_in(client, svc, WATER_AGENT)

        async def found(q: str) -> set[int]:
            resp = await client.get("/dashboard", params={"q": q})
            assert resp.status == 200
            return listed(await shown(resp))

        assert await found(f"#{hydrant}") == {hydrant}
        assert await found("école") == {leak}
        assert await found("LILAS") == {leak}  # case-insensitive
        assert await found("fuite") == {leak, phone}
        assert await found("06 12 34") == set()  # the masked text only: no resident's number
        assert await found("100%_") == set()  # LIKE's wildcards are plain characters
        assert (await client.get("/dashboard", params={"q": "x" * 101})).status == 400


async def test_filters_by_status_service_urgency_and_dates(svc: Deps, clock: Clock) -> None:
    marie = await resident(svc, 1001)
    old = await report(svc, marie, "Fuite ancienne")
    clock.advance(days=10)
    done = await report(svc, marie, "Fuite réparée")
    await set_status(svc, done, ReportStatus.RESOLVED)
    maybe = await report(svc, marie, "Un homme menace les passants près de la fontaine")
    async with svc.sessions() as s:
        urgent_row = await s.get_one(Report, old)
        urgent_row.urgent, urgent_row.danger = True, "flooding"
        (await s.get_one(Report, maybe)).danger = "violence"  # the learnt score alone
        await s.commit()
    today = svc.settings.local(clock()).date().isoformat()
    async with serve(svc, **SITE) as client:
        await log_in(client, svc, WATER_AGENT)

        async def found(**q: str) -> set[int]:
            resp = await client.get("/dashboard", params=q)
            assert resp.status == 200, q
            return listed(await shown(resp))

        assert await found() == {old, maybe}  # open by default
        assert await found(status="all") == {old, done, maybe}
        assert await found(status="resolved") == {done}
        assert await found(status="all", urgency="urgent") == {old}
        assert await found(status="all", urgency="maybe") == {maybe}
        assert await found(status="all", urgency="normal") == {done}
        assert await found(status="all", **{"from": today}) == {done, maybe}
        assert await found(status="all", until=today) == {old, done, maybe}
        assert await found(status="all", service="water") == {old, done, maybe}
        page = await shown(await client.get("/dashboard"))
        assert "URGENT (inondation)" in page and "URGENT ? (violence, menace)" in page
        for bad in ({"status": "nope"}, {"urgency": "someday"}, {"from": "yesterday"}):
            assert (await client.get("/dashboard", params=bad)).status == 400
        assert (await client.get("/dashboard", params={"service": "roads"})).status == 403


async def test_the_map_shows_the_open_tickets_with_a_place(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    placed = await report(svc, marie, "Fuite place Bellecour", lat=45.7578, lon=4.832)
    await report(svc, marie, "Fuite sans lieu")
    closed = await report(svc, marie, "Fuite réparée", lat=45.76, lon=4.83)
    await set_status(svc, closed, ReportStatus.RESOLVED)
    await report(svc, marie, "Nid de poule", service="roads", lat=45.7, lon=4.8)
    async with serve(svc, **SITE, tile_url="") as client:
        await log_in(client, svc, WATER_AGENT)
        resp = await client.get("/dashboard", params={"status": "all"})
        page = await resp.text()
    (pin,) = pins(page)
    assert (pin["id"], pin["lat"], pin["lon"]) == (placed, 45.7578, 4.832)
    assert '<script src="/dashboard/static/leaflet/leaflet.js">' in page
    assert 'data-tiles=""' in page
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "img-src 'self' data:;" in csp  # no tile server


async def test_a_tile_server_is_allowed_by_the_pages_policy(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    await report(svc, marie, "Fuite", lat=45.7578, lon=4.832)
    tiles = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    async with serve(svc, **SITE, tile_url=tiles, tile_attribution="© OSM") as client:
        await log_in(client, svc, WATER_AGENT)
        resp = await client.get("/dashboard")
        page = await shown(resp)
    assert f'data-tiles="{tiles}"' in page and 'data-attribution="© OSM"' in page
    assert (
        "img-src 'self' data: https://*.tile.example.org;"
        in resp.headers["Content-Security-Policy"]
    )


async def test_filters_by_who_has_it_and_overdue(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    mine = await report(svc, marie, "Fuite prise par Paul")
    hers = await report(svc, marie, "Fuite prise par Léa")
    free = await report(svc, marie, "Fuite que personne n'a prise")
    async with svc.sessions() as s:
        for rid, uid, name in ((mine, WATER_AGENT, "Paul"), (hers, 777, "Léa")):
            row = await s.get_one(Report, rid)
            row.assignee_telegram_id, row.assignee_name = uid, name
        late = await s.get_one(Report, free)
        late.deadline_stage = int(Stage.ACK_LATE)  # still new past its time to acknowledge
        await s.commit()
    async with serve(svc, **SITE) as client:
        await log_in(client, svc, WATER_AGENT)

        async def found(**query: str) -> set[int]:
            resp = await client.get("/dashboard", params=query)
            assert resp.status == 200
            return listed(await shown(resp))

        assert await found() == {mine, hers, free}
        assert await found(assignee="me") == {mine} == await found(mine="1")
        assert await found(assignee="777") == {hers}
        assert await found(assignee="none") == {free}
        assert await found(overdue="1") == {free}
        assert await found(assignee="none", overdue="1") == {free}
        page = await shown(await client.get("/dashboard"))
        assert '<option value="777">Léa</option>' in page  # a colleague who has tickets
        for bad in ({"assignee": "-5"}, {"assignee": "x" * 30}, {"overdue": "yes"}):
            assert (await client.get("/dashboard", params=bad)).status == 400
