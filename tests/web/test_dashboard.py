"""The agents' dashboard over HTTP: login links, sessions, isolation between services, forms
refused when forged or stale, the CSV export."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.factory import create_deps
from core.agents import access as dashboard_access
from core.catalogue import sync_catalogue
from core.deps import Deps
from core.residents import privacy
from storage.enums import ReportStatus
from storage.migrate import upgrade
from storage.models import AgentLogin, AgentSession, OutboxMessage, Report
from tests.conftest import ROADS_AGENT, WATER_AGENT, Clock, make_config
from tests.web.conftest import report, resident, serve

#: Over plain HTTP on this machine, as the test server is (any other address makes the cookie
#: Secure, which the test client would not send back over http).
SITE = {"dashboard": True, "public_url": "http://127.0.0.1"}


async def link_token(svc: Deps, user_id: int, name: str = "Paul", lang: str = "fr") -> str:
    """What /dashboard hands out (the bot's handler calls the same use case)."""
    async with svc.sessions() as s:
        token = await dashboard_access.issue_login(
            s, svc.catalogue, user_id, name, lang, svc.clock()
        )
        await s.commit()
    return token


async def press_login(client: TestClient[Any, Any], token: str) -> ClientResponse:
    """Open a login link, then press its button (the response is not followed)."""
    opened = await client.get(f"/dashboard/login?token={token}")
    assert opened.status == 200, await shown(opened)
    button = {"csrf": csrf_of(await opened.text()), "token": token}
    return await client.post("/dashboard/login", data=button, allow_redirects=False)


async def log_in(client: TestClient[Any, Any], svc: Deps, user_id: int) -> str:
    """Log in through a fresh link; returns the CSRF token of the list page."""
    resp = await press_login(client, await link_token(svc, user_id))
    assert resp.status == 303 and resp.headers["Location"] == "/dashboard"
    listing = await client.get("/dashboard")
    assert listing.status == 200
    return csrf_of(await shown(listing))


async def shown(resp: ClientResponse) -> str:
    """The page's text as a reader sees it (entities decoded)."""
    return html.unescape(await resp.text())


def listed(page: str) -> set[int]:
    """The tickets a list page links to."""
    return {int(n) for n in re.findall(r'href="/dashboard/tickets/(\d+)"', page)}


def csrf_of(page: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert m is not None, "no form on the page"
    return m.group(1)


async def status_of(svc: Deps, rid: int) -> ReportStatus:
    async with svc.sessions() as s:
        row = await s.get_one(Report, rid)
    return row.status


async def outbox_rows(svc: Deps) -> int:
    async with svc.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def test_a_link_opens_a_session_once_with_a_safe_cookie(svc: Deps) -> None:
    token = await link_token(svc, WATER_AGENT)
    async with serve(svc, dashboard=True, public_url="https://town.example") as client:
        opened = await client.get(f"/dashboard/login?token={token}")
        assert "Secure" in opened.headers["Set-Cookie"]  # the login form's own cookie
        # A Secure cookie does not go back over the test's plain HTTP: sent by hand.
        nonce = opened.cookies["senscommun_login"].value
        button = {"csrf": csrf_of(await opened.text()), "token": token}
        resp = await client.post(
            "/dashboard/login",
            data=button,
            headers={"Cookie": f"senscommun_login={nonce}"},
            allow_redirects=False,
        )
        assert resp.status == 303 and resp.headers["Location"] == "/dashboard"
        cookie = resp.headers.getall("Set-Cookie")
        session = next(c for c in cookie if c.startswith("senscommun_dashboard="))
        for flag in ("HttpOnly", "SameSite=Lax", "Secure", "Path=/dashboard", "Max-Age=28800"):
            assert flag in session, flag
        again = await client.get(f"/dashboard/login?token={token}")
        assert again.status == 403 and "a déjà servi" in await shown(again)
        forged = await client.get("/dashboard/login?token=not-a-token")
        assert forged.status == 403 and "n'est pas valable" in await shown(forged)
    async with svc.sessions() as s:
        (stored,) = (await s.scalars(select(AgentLogin))).all()
        session = await s.scalar(select(AgentSession))
    assert stored.token_hash != token and token not in stored.token_hash  # only its hash
    assert session is not None and session.agent_name == "Paul"


async def test_every_page_and_action_asks_to_log_in_first(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    rid = await report(svc, marie, "Fuite d'eau")
    before = await outbox_rows(svc)
    async with serve(svc, **SITE) as client:
        for resp in (
            await client.get(f"/dashboard/tickets/{rid}"),
            await client.post(f"/dashboard/tickets/{rid}", data={"action": "res"}),
            await client.get("/dashboard/export.csv"),
        ):
            assert resp.status == 401 and "envoyez /dashboard au bot" in await shown(resp)
    assert await status_of(svc, rid) is ReportStatus.NEW
    assert await outbox_rows(svc) == before


async def test_an_expired_link_opens_nothing(svc: Deps, clock: Clock) -> None:
    token = await link_token(svc, WATER_AGENT)
    clock.advance(minutes=10, seconds=1)
    async with serve(svc, **SITE) as client:
        resp = await client.get(f"/dashboard/login?token={token}")
        assert resp.status == 403 and "a expiré" in await shown(resp)
        assert (await client.get("/dashboard")).status == 401


async def test_only_agents_get_a_link(svc: Deps) -> None:
    async with svc.sessions() as s:
        try:
            await dashboard_access.issue_login(s, svc.catalogue, 424242, "Eve", "fr", svc.clock())
        except dashboard_access.NotAllowed as exc:
            assert exc.key == "dashboard.agents_only"
        else:
            raise AssertionError("a non-agent got a login link")


async def test_sessions_end_after_eight_hours_and_on_logout(svc: Deps, clock: Clock) -> None:
    async with serve(svc, **SITE) as client:
        csrf = await log_in(client, svc, WATER_AGENT)
        for _ in range(9):  # busy all day: never idle for an hour, 7 h 57 in all
            clock.advance(minutes=53)
            assert (await client.get("/dashboard")).status == 200
        clock.advance(minutes=4)
        page = await client.get("/dashboard")
        assert page.status == 401 and "envoyez /dashboard au bot" in await shown(page)

        csrf = await log_in(client, svc, WATER_AGENT)
        refused = await client.post("/dashboard/logout", data={"csrf": "0" * 64})
        assert refused.status == 403 and (await client.get("/dashboard")).status == 200
        out = await client.post("/dashboard/logout", data={"csrf": csrf})
        assert out.status == 200 and "Vous êtes déconnecté" in await shown(out)
        assert (await client.get("/dashboard")).status == 401
    async with svc.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(AgentSession)) == 0


async def test_agents_see_and_act_on_their_services_only(svc: Deps) -> None:
    marie = await resident(svc, 1001, "Marie")
    water = await report(svc, marie, "Fuite d'eau, appelez le 06 12 34 56 78", lat=45.76, lon=4.83)
    road = await report(svc, marie, "Nid de poule énorme", service="roads")
    async with serve(svc, **SITE) as client:
        csrf = await log_in(client, svc, WATER_AGENT)
        listing = await shown(await client.get("/dashboard"))
        assert listed(listing) == {water}
        assert "06 12 34 56 78" not in listing and "[téléphone]" in listing
        page = await client.get(f"/dashboard/tickets/{road}")
        assert page.status == 403 and "Traceback" not in await shown(page)
        before = await outbox_rows(svc)
        forged = await client.post(
            f"/dashboard/tickets/{road}", data={"csrf": csrf, "action": "res"}
        )
        assert forged.status == 403
        picked = await client.get("/dashboard?service=roads")
        assert picked.status == 403
        missing = await client.get("/dashboard/tickets/999")
        assert missing.status == 404
    assert await status_of(svc, road) is ReportStatus.NEW
    assert await outbox_rows(svc) == before


async def test_a_forged_or_missing_csrf_token_changes_nothing(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    rid = await report(svc, marie, "Fuite d'eau")
    async with serve(svc, **SITE) as client:
        csrf = await log_in(client, svc, WATER_AGENT)
        before = await outbox_rows(svc)
        forged = csrf[:-1] + ("1" if csrf.endswith("0") else "0")  # never the real token
        for data in ({"action": "res"}, {"action": "res", "csrf": forged}):
            resp = await client.post(f"/dashboard/tickets/{rid}", data=data)
            assert resp.status == 403
            assert "rien n'a été changé" in await shown(resp)
        # Another agent's token does not open this agent's forms either.
        other = await link_token(svc, ROADS_AGENT)
        async with serve(svc, **SITE) as client2:
            await press_login(client2, other)
            resp = await client2.post(
                f"/dashboard/tickets/{rid}", data={"action": "res", "csrf": csrf}
            )
            assert resp.status == 403
    assert await status_of(svc, rid) is ReportStatus.NEW
    assert await outbox_rows(svc) == before


async def test_stale_and_malformed_actions_get_a_clear_page(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    rid = await report(svc, marie, "Fuite d'eau")
    async with serve(svc, **SITE) as client:
        csrf = await log_in(client, svc, WATER_AGENT)
        done = await client.post(f"/dashboard/tickets/{rid}", data={"csrf": csrf, "action": "res"})
        assert done.status == 200 and "C'est fait" in await shown(done)
        before = await outbox_rows(svc)
        for data, code, words in [
            ({"action": "prog"}, 409, "déjà clos"),
            ({"action": "mv", "service": "roads"}, 409, "déjà clos"),
            ({"action": "explode"}, 400, "pas comprise"),
            ({"action": "dupof", "original": "abc"}, 400, "pas comprise"),
            ({"action": "reply", "text": "   "}, 400, "pas comprise"),
            ({"action": "reply", "text": "x" * 4001}, 400, "pas comprise"),
        ]:
            resp = await client.post(f"/dashboard/tickets/{rid}", data={"csrf": csrf, **data})
            assert resp.status == code, data
            assert words in await shown(resp), data
    assert await status_of(svc, rid) is ReportStatus.RESOLVED
    assert await outbox_rows(svc) == before


async def test_the_export_is_masked_and_names_nobody(svc: Deps) -> None:
    marie = await resident(svc, 1001, "Marie")
    rid = await report(
        svc, marie, '=HYPERLINK("x") fuite, mail marie.d@example.org', address="3 rue des Lilas"
    )
    await report(svc, marie, "Nid de poule", service="roads")
    erased_owner = await resident(svc, 1002, "Jean")
    erased = await report(svc, erased_owner, "Fuite chez Jean", address="chez Jean")
    async with svc.sessions() as s:
        await privacy.erase(s, svc, erased_owner.id, svc.clock())
        await s.commit()
    async with serve(svc, **SITE) as client:
        await log_in(client, svc, WATER_AGENT)
        resp = await client.get("/dashboard/export.csv")
        assert resp.status == 200 and resp.content_type == "text/csv"
        assert "attachment" in resp.headers["Content-Disposition"]
        body = await shown(resp)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [int(r["reference"]) for r in rows] == [rid, erased]  # water only
    first = rows[0]
    assert first["text"] == '\'=HYPERLINK("x") fuite, mail [e-mail]'  # masked, never a formula
    assert (first["service"], first["status"], first["open311_status"]) == ("water", "new", "open")
    assert first["address"] == "3 rue des Lilas"
    assert rows[1]["text"] == "—" and rows[1]["address"] == ""
    for secret in ("Marie", "Jean", "1001", "marie.d"):
        assert secret not in body


async def test_an_agent_of_two_services_sees_both(
    db_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(db_url, tmp_path)
    services = [
        {**s.model_dump(), "agents": [*s.agents, WATER_AGENT]}
        if s.code == "roads"
        else s.model_dump()
        for s in cfg.services
    ]
    svc = create_deps(make_config(db_url, tmp_path, services=services), clock)
    await upgrade(svc.engine)
    async with svc.sessions() as s:
        await sync_catalogue(s, svc.catalogue)
        await s.commit()
    try:
        marie = await resident(svc, 1001)
        water = await report(svc, marie, "Fuite d'eau")
        road = await report(svc, marie, "Nid de poule", service="roads")
        light = await report(svc, marie, "Lampadaire éteint", service="lighting")
        async with serve(svc, **SITE) as client:
            await log_in(client, svc, WATER_AGENT)
            listing = await shown(await client.get("/dashboard"))
            only_roads = await shown(await client.get("/dashboard?service=roads"))
        assert listed(listing) == {water, road} and light not in listed(listing)
        assert listed(only_roads) == {road}
    finally:
        await svc.engine.dispose()


async def test_not_served_without_a_public_address_or_when_off(svc: Deps) -> None:
    async with serve(svc) as client:
        assert (await client.get("/dashboard")).status == 404


async def test_a_session_ends_after_an_idle_hour_and_each_request_moves_it_on(
    svc: Deps, clock: Clock
) -> None:
    async with serve(svc, **SITE, idle_minutes=60) as client:
        await log_in(client, svc, WATER_AGENT)
        clock.advance(minutes=59)
        assert (await client.get("/dashboard")).status == 200  # sliding: an hour from now
        clock.advance(minutes=59)
        assert (await client.get("/dashboard")).status == 200
        clock.advance(minutes=61)
        assert (await client.get("/dashboard")).status == 401
    async with svc.sessions() as s:
        seen = await s.scalar(select(AgentSession.last_seen))
    assert seen == clock() - timedelta(minutes=61)


async def test_log_out_everywhere_ends_every_session_of_that_agent_only(svc: Deps) -> None:
    async with (
        serve(svc, **SITE) as laptop,
        serve(svc, **SITE) as phone,
        serve(svc, **SITE) as colleague,
    ):
        csrf = await log_in(laptop, svc, WATER_AGENT)
        await log_in(phone, svc, WATER_AGENT)
        await log_in(colleague, svc, ROADS_AGENT)
        out = await laptop.post("/dashboard/logout", data={"csrf": csrf, "everywhere": "1"})
        assert out.status == 200 and "tous vos appareils" in await shown(out)
        assert (await laptop.get("/dashboard")).status == 401
        assert (await phone.get("/dashboard")).status == 401
        assert (await colleague.get("/dashboard")).status == 200


async def test_the_cookie_is_secure_unless_the_site_is_plain_http_on_this_machine(
    svc: Deps,
) -> None:
    for url, secure in (
        ("http://town.example", True),
        ("https://town.example", True),
        ("http://127.0.0.1:8080", False),
        ("http://localhost", False),
    ):
        token = await link_token(svc, WATER_AGENT)
        async with serve(svc, dashboard=True, public_url=url) as client:
            resp = await client.get(f"/dashboard/login?token={token}", allow_redirects=False)
            assert ("Secure" in resp.headers["Set-Cookie"]) is secure, url
            hsts = resp.headers.get("Strict-Transport-Security", "")
            assert ("max-age=" in hsts) is url.startswith("https://"), url


async def test_hsts_on_every_page_over_https(svc: Deps) -> None:
    async with serve(svc, dashboard=True, public_url="https://town.example") as client:
        for path in ("/dashboard", "/open311/v2/services.json", "/nowhere"):
            resp = await client.get(path)
            assert "max-age=31536000" in resp.headers["Strict-Transport-Security"], path
