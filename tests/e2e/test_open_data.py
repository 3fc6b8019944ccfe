"""The Open311 API on the running product: a report made through Telegram becomes open data
without its author, in webhook and in polling mode, and /privacy says so."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import UpdateFactory
from bot.runtime import Runtime
from tests.conftest import WATER_CHAT, Clock, make_config
from tests.e2e.conftest import MARIE, WATER_AGENT_P, Env
from tests.e2e.test_story import _report


async def test_a_telegram_report_as_open_data(env: Env) -> None:
    rid = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo, appelez le 06 12 34 56 78")
    await env.story.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    base = f"http://127.0.0.1:{env.runtime.port}/open311/v2"
    async with aiohttp.ClientSession() as http, http.get(f"{base}/requests.json") as resp:
        assert resp.status == 200
        raw = await resp.text()
        (shown,) = await resp.json()
    assert shown["service_request_id"] == str(rid) and shown["status"] == "closed"
    assert (shown["service_code"], shown["lat"], shown["long"]) == ("water", 45.76, 4.83)
    assert shown["address"] == "rue Victor Hugo"  # the place, as the words named it
    assert "description" not in shown  # the default: no text published
    for secret in ("Marie", str(MARIE.user_id), "06 12", "Fuite"):
        assert secret not in raw

    await env.story.say(MARIE, "/privacy")
    body = env.api.texts(MARIE.user_id)[-1]
    assert "données ouvertes (API Open311) : service, état, dates et lieu (le point arrondi" in body


async def test_served_in_polling_mode_and_privacy_tells_of_published_text(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(
        sqlite_url,
        tmp_path,
        api,
        telegram={"mode": "polling"},
        web={"open311": {"publish_descriptions": True}},
    )
    api.updates.append(UpdateFactory().text(MARIE, "/privacy"))
    async with (
        Runtime(cfg, clock=clock) as rt,
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{rt.port}/open311/v2/services.json") as resp,
    ):
        assert resp.status == 200 and len(await resp.json()) == len(cfg.services)
        async with http.post(f"http://127.0.0.1:{rt.port}/telegram", json={}) as hook:
            assert hook.status == 404  # no webhook route in polling mode
        await api.wait_for(lambda a: bool(a.of("sendMessage", MARIE.user_id)))
    body = api.texts(MARIE.user_id)[-1]
    assert "lieu (arrondi à environ 50 m), dates et texte, les numéros de téléphone" in body
