"""Open311 POST on the running product: a CRM holding a key posts a report; its card reaches
the roads agents through the fake Bot API; an agent resolves it from the card, and nobody but
the agents is messaged (the submitter is a system, not a resident); the client reads the new
status back through the API."""

from __future__ import annotations

import aiohttp

from core.integrations import api_clients
from tests.conftest import ROADS_CHAT
from tests.e2e.conftest import ROADS_AGENT_P, Env


async def test_a_crm_posts_a_report_and_reads_its_resolution(env: Env) -> None:
    deps = env.runtime.deps
    async with deps.writing() as s:
        key = await api_clients.create(s, "crm-voirie", "fr", deps.clock())
        await s.commit()
    base = f"http://127.0.0.1:{env.runtime.port}/open311/v2"
    fields = {
        "api_key": key,
        "service_code": "roads",
        "description": "Nid-de-poule devant l'école, signalé par Mme Durand 06 12 34 56 78",
        "lat": "45.76",
        "long": "4.83",
        "email": "durand@example.org",  # the submitter's contact: not kept
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/requests.json", data=fields) as resp:
            assert resp.status == 200
            (made,) = await resp.json()
        rid = int(made["service_request_id"])
        await env.runtime.settle()
        card = env.api.texts(ROADS_CHAT)[-1]
        assert f"#{rid}" in card and "crm-voirie" in card and "06 12" not in card

        await env.story.press(ROADS_AGENT_P, ROADS_CHAT, f"a:res:{rid}")
        async with http.get(f"{base}/tokens/{made['token']}.json") as resp:
            assert (await resp.json())[0]["service_request_id"] == str(rid)
        async with http.get(f"{base}/requests/{rid}.json") as resp:
            (shown,) = await resp.json()
    assert shown["status"] == "closed" and shown["status_notes"] == "résolu"
    # Only agents' chats (negative ids) and the agent who pressed were written to.
    residents = {
        c.params.get("chat_id")
        for c in env.api.of("sendMessage") + env.api.of("sendPhoto")
        if int(c.params.get("chat_id", 0)) > 0
    }
    assert residents <= {ROADS_AGENT_P.user_id}
    async with deps.sessions() as s:
        assert [c.name for c in await api_clients.listed(s)] == ["crm-voirie"]
