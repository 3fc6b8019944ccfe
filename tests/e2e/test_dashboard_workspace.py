"""The workspace on the dashboard: the same use cases as the card (take, hand over, note,
reply shown then sent, template, reopen), the "mine" filter, the templates page for
administrators; another service's agent and a forged form change nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Story
from bot.runtime import Runtime
from storage.enums import EventKind, ReportStatus
from storage.models import AnswerTemplate, Report, ReportEvent
from tests.conftest import ROADS_CHAT, WATER_CHAT, Clock, make_config
from tests.e2e.conftest import JOHN, MARIE, ROADS_AGENT_P, WATER_AGENT_P, Env
from tests.e2e.test_dashboard import PUBLIC, dashboard_link, log_in, page, post
from tests.e2e.test_story import _report
from tests.e2e.test_workspace import PIA, TEMPLATES


@pytest.fixture
async def site(api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Env]:
    cfg = make_config(
        db_url,
        tmp_path,
        api,
        web={"public_url": PUBLIC},
        bot={"administrators": [WATER_AGENT_P.user_id]},
        templates=TEMPLATES,
    )
    services = [
        s.model_copy(update={"agents": [WATER_AGENT_P.user_id, PIA.user_id]})
        if s.code == "water"
        else s
        for s in cfg.services
    ]
    cfg = cfg.model_copy(update={"services": services})
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


async def _row(env: Env, rid: int) -> Report:
    async with env.runtime.deps.sessions() as s:
        return await s.get_one(Report, rid)


def _base(env: Env) -> str:
    return f"http://127.0.0.1:{env.runtime.port}/dashboard"


async def test_work_a_ticket_from_the_dashboard(site: Env) -> None:
    env, api, me = site, site.api, JOHN.user_id
    rid = await _report(env, JOHN, "Water leak on Victor Hugo street")
    await env.story.press(PIA, WATER_CHAT, f"a:ack:{rid}")  # Pia's name is known
    link = await dashboard_link(env, WATER_AGENT_P, WATER_CHAT)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        code, _, _ = await log_in(http, link)
        assert code == 200
        code, shown = await post(env, http, rid, True, action="take")
        assert code == 200 and "Paul" in shown
        assert "Pris par Paul" in api.of("editMessageText", WATER_CHAT)[-1].params["text"]
        async with http.get(f"{_base(env)}?mine=1") as resp:
            listing = await page(resp)
        assert f'href="/dashboard/tickets/{rid}"' in listing and "Pris par Paul" in listing

        told = len(api.texts(me))
        code, shown = await post(env, http, rid, True, action="note", text="Voir avec Pia")
        assert code == 200 and len(api.texts(me)) == told
        notes = shown.split("Notes internes")[1]
        assert "Voir avec Pia" in notes

        code, shown = await post(
            env, http, rid, True, action="tpl", arg=_template(shown, "On passe")
        )
        assert code == 200 and len(api.texts(me)) == told  # shown first, in English
        assert f"A team is coming for #{rid} (Water)" in shown
        draft = re.search(r'value="send"><input type="hidden" name="arg" value="(\d+)"', shown)
        assert draft is not None
        code, shown = await post(env, http, rid, True, action="send", arg=draft.group(1))
        assert f"A team is coming for #{rid} (Water)" in api.texts(me)[-1]
        assert "Voir avec Pia" not in api.texts(me)[-1]

        code, shown = await post(env, http, rid, True, action="to", arg=str(PIA.user_id))
        assert (await _row(env, rid)).assignee_telegram_id == PIA.user_id
        async with http.get(f"{_base(env)}?mine=1") as resp:
            assert f'href="/dashboard/tickets/{rid}"' not in await page(resp)
        code, shown = await post(env, http, rid, True, action="to", arg=str(ROADS_AGENT_P.user_id))
        assert code == 403 and (await _row(env, rid)).assignee_telegram_id == PIA.user_id

        code, _ = await post(env, http, rid, action="res")
        code, shown = await post(env, http, rid, True, action="reopen", text="Still leaking")
        assert code == 200 and (await _row(env, rid)).status is ReportStatus.REOPENED
        assert "Still leaking" in api.texts(me)[-1]
        history = shown.split("Historique")[1]
        assert "Attribution → Pia · Paul" in history
        assert "Still leaking" in history and "Attribution → Paul · Paul" in history

    async with env.runtime.deps.sessions() as s:
        kinds = (
            await s.scalars(select(ReportEvent.kind).where(ReportEvent.report_id == rid))
        ).all()
    assert {EventKind.NOTE, EventKind.REPLY, EventKind.ASSIGN, EventKind.REOPEN} <= set(kinds)


def _template(shown: str, label: str) -> str:
    m = re.search(r'<option value="(\d+)">' + re.escape(label), shown)
    assert m is not None, label
    return m.group(1)


async def test_another_services_agent_and_forged_forms_change_nothing(site: Env) -> None:
    env, api = site, site.api
    rid = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    told = len(api.texts(MARIE.user_id))
    link = await dashboard_link(env, ROADS_AGENT_P, ROADS_CHAT)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        code, _, _ = await log_in(http, link)
        assert code == 200
        async with http.get(_base(env)) as resp:
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', await resp.text())
        assert csrf is not None
        for form in (
            {"action": "take"},
            {"action": "note", "text": "hop"},
            {"action": "reply", "text": "hop"},
            {"action": "reopen", "text": "hop"},
        ):
            async with http.post(
                f"{_base(env)}/tickets/{rid}/work", data={"csrf": csrf.group(1), **form}
            ) as resp:
                assert resp.status == 403, form
        async with http.post(
            f"{_base(env)}/tickets/{rid}/work", data={"csrf": "0" * 64, "action": "take"}
        ) as resp:
            assert resp.status == 403
        async with http.get(f"{_base(env)}/templates") as resp:
            assert resp.status == 403  # not an administrator
    row = await _row(env, rid)
    assert row.assignee_telegram_id is None and len(api.texts(MARIE.user_id)) == told


async def test_an_administrator_edits_a_template(site: Env) -> None:
    env = site
    link = await dashboard_link(env, WATER_AGENT_P, WATER_CHAT)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        code, _, _ = await log_in(http, link)
        assert code == 200
        async with http.get(f"{_base(env)}/templates") as resp:
            listing = await page(resp)
        assert resp.status == 200 and "Une équipe passe pour {ref}" in listing
        tid = re.search(r'action="/dashboard/templates/(\d+)"', listing)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', listing)
        assert tid is not None and csrf is not None
        url = f"{_base(env)}/templates/{tid.group(1)}"
        form = {"csrf": csrf.group(1), "label": "On vient", "body": "Bonjour {nom}"}
        async with http.post(url, data=form) as resp:
            assert resp.status == 400  # an unknown placeholder
        form["body"] = "On vient pour {ref}."
        async with http.post(url, data=form) as resp:
            assert resp.status == 200 and "On vient pour {ref}." in await page(resp)
    async with env.runtime.deps.sessions() as s:
        row = await s.get_one(AnswerTemplate, int(tid.group(1)))
    assert row.body == "On vient pour {ref}." and row.updated_by == "Paul"
