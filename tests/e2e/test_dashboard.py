"""The agents' dashboard on the running product: /dashboard to the bot, the link in private,
and each action doing what the card's button does (the resident told, the card updated)."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Person, Story
from bot.runtime import Runtime
from storage.enums import ReportStatus
from storage.models import Report
from tests.conftest import ROADS_CHAT, WATER_CHAT, Clock, make_config
from tests.e2e.conftest import JOHN, MARIE, STRANGER, WATER_AGENT_P, Env
from tests.e2e.test_story import _report

PUBLIC = "http://localhost"


@pytest.fixture
async def site(api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Env]:
    cfg = make_config(db_url, tmp_path, api, web={"public_url": PUBLIC})
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


async def command(env: Env, who: Person, chat_id: int, text: str) -> None:
    f = env.story.updates
    upd = f.group_text(who, chat_id, text) if chat_id < 0 else f.text(who, text)
    upd["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    await env.story.post(upd)


def local(env: Env, link: str) -> str:
    return link.replace(PUBLIC, f"http://127.0.0.1:{env.runtime.port}")


async def dashboard_link(env: Env, who: Person, chat_id: int) -> str:
    await command(env, who, chat_id, "/dashboard")
    m = re.search(r"http://localhost/dashboard/login\?token=[\w-]+", env.api.texts(who.user_id)[-1])
    assert m is not None, "no link in private"
    return local(env, m.group(0))


async def page(resp: aiohttp.ClientResponse) -> str:
    return html.unescape(await resp.text())


async def log_in(http: aiohttp.ClientSession, link: str) -> tuple[int, str, str]:
    """Open the link (a page with a button), then press the button: the status, the path
    and the page reached."""
    async with http.get(link) as resp:
        form = await resp.text()
        assert resp.status == 200, await page(resp)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form)
    token = re.search(r'name="token" value="([\w-]+)"', form)
    assert csrf is not None and token is not None
    button = {"csrf": csrf.group(1), "token": token.group(1)}
    async with http.post(link.split("?")[0], data=button) as resp:
        return resp.status, resp.url.path, await page(resp)


async def post(
    env: Env, http: aiohttp.ClientSession, rid: int, work: bool = False, **form: str
) -> tuple[int, str]:
    """A form of the ticket page (``work``: one of the workspace's, ``web.workspace``)."""
    base = f"http://127.0.0.1:{env.runtime.port}/dashboard/tickets/{rid}"
    async with http.get(base) as resp:
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', await resp.text())
    assert csrf is not None
    to = f"{base}/work" if work else base
    async with http.post(to, data={"csrf": csrf.group(1), **form}) as resp:
        text = await page(resp)
        code = resp.status
    await env.runtime.settle()
    return code, text


async def status_of(env: Env, rid: int) -> tuple[ReportStatus, str, int | None]:
    async with env.runtime.deps.sessions() as s:
        r = await s.scalar(select(Report).where(Report.id == rid))
    assert r is not None
    return r.status, r.service_code, r.duplicate_of


async def test_login_by_link_then_every_action_reaches_the_resident_and_the_card(
    site: Env,
) -> None:
    env, api = site, site.api
    rid = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo, appelez le 06 12 34 56 78")
    other = await _report(env, JOHN, "Water leak on Victor Hugo street")

    link = await dashboard_link(env, WATER_AGENT_P, WATER_CHAT)
    assert "Je vous ai envoyé le lien" in api.texts(WATER_CHAT)[-1]  # said in the group
    (sent,) = api.of("sendMessage", WATER_AGENT_P.user_id)
    assert sent.params.get("link_preview_options", {}).get("is_disabled") or sent.params.get(
        "disable_web_page_preview"
    )  # a preview would spend the link
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        code, path, listing = await log_in(http, link)
        assert code == 200 and path == "/dashboard"
        assert f'href="/dashboard/tickets/{rid}"' in listing
        async with http.get(link) as again:
            assert again.status == 403 and "a déjà servi" in await page(again)

        async with http.get(f"http://127.0.0.1:{env.runtime.port}/dashboard/tickets/{rid}") as r:
            ticket = await page(r)
        assert "appelez le [téléphone]" in ticket and "06 12 34 56 78" not in ticket
        assert "openstreetmap.org/?mlat=45.760000&amp;mlon=4.830000" in await r.text()
        assert "Marie" in ticket  # the first name, as on the card

        # Take it: Marie hears of it and the card shows who, as with the button.
        code, _ = await post(env, http, rid, action="ack")
        assert code == 200
        assert "pris en compte" in api.texts(MARIE.user_id)[-1]
        card = api.of("editMessageText", WATER_CHAT)[-1]
        assert f"#{rid}" in card.params["text"] and "Paul" in card.params["text"]

        code, _ = await post(env, http, rid, action="prog")
        assert "en cours" in api.texts(MARIE.user_id)[-1]

        told = len(api.texts(MARIE.user_id))
        code, shown = await post(env, http, rid, True, action="reply", text="On arrive à 14h.")
        assert code == 200 and len(api.texts(MARIE.user_id)) == told  # shown first
        assert "Réponse à confirmer" in shown and "On arrive à 14h." in shown
        draft = re.search(r'value="send"><input type="hidden" name="arg" value="(\d+)"', shown)
        assert draft is not None
        code, shown = await post(env, http, rid, True, action="send", arg=draft.group(1))
        assert code == 200 and "On arrive à 14h." in api.texts(MARIE.user_id)[-1]
        assert "On arrive à 14h." in shown  # the conversation on the ticket page
        assert "Réponse à confirmer" not in shown

        code, _ = await post(env, http, rid, action="res")
        assert "résolu" in api.texts(MARIE.user_id)[-1]
        assert (await status_of(env, rid))[0] is ReportStatus.RESOLVED
        before = len(api.texts(MARIE.user_id))
        code, shown = await post(env, http, rid, action="prog")  # a stale page
        assert code == 409 and "déjà clos" in shown
        assert len(api.texts(MARIE.user_id)) == before
        assert (await status_of(env, rid))[0] is ReportStatus.RESOLVED

        # John's is the same leak: duplicate of Marie's.
        code, _ = await post(env, http, other, action="dupof", original=f"#{rid}")
        assert f"#{rid}" in api.texts(JOHN.user_id)[-1]
        assert await status_of(env, other) == (ReportStatus.DUPLICATE, "water", rid)


async def test_not_ours_moves_the_card_to_the_other_service(site: Env) -> None:
    env, api = site, site.api
    rid = await _report(env, JOHN, "Water leak on Elm Street")
    link = await dashboard_link(env, WATER_AGENT_P, WATER_AGENT_P.user_id)  # in private
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await log_in(http, link)
        code, shown = await post(env, http, rid, action="mv", service="roads")
    assert code == 200 and "C'est fait" in shown
    assert "passed to Roads" in api.texts(JOHN.user_id)[-2]
    assert any(f"#{rid}" in t for t in api.texts(ROADS_CHAT))  # the roads agents' new card
    assert await status_of(env, rid) == (ReportStatus.NOT_OURS, "roads", None)


async def test_non_agents_are_refused_a_link(site: Env) -> None:
    await command(site, STRANGER, STRANGER.user_id, "/dashboard")
    assert "réservé aux agents" in site.api.texts(STRANGER.user_id)[-1]
    assert "token=" not in " ".join(site.api.texts(STRANGER.user_id))


async def test_without_a_public_address_the_bot_says_the_dashboard_is_off(env: Env) -> None:
    await command(env, WATER_AGENT_P, WATER_AGENT_P.user_id, "/dashboard")
    assert "pas activé" in env.api.texts(WATER_AGENT_P.user_id)[-1]
