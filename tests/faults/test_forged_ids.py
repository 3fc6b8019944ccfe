"""Forged ids in every button family and in /start links: refused politely before any query,
and the chat is served afterwards (on PostgreSQL, an id past int4 in a query used to fail the
update as if the database were down: retried for ever, its chat never served again)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.demo.simulate import Person
from core.reports import metoo
from storage import inbox
from storage.models import InboxUpdate
from tests.conftest import WATER_AGENT, WATER_CHAT
from tests.e2e.conftest import MARIE, Env

WATER_AGENT_P = Person(WATER_AGENT, "Paul")
FORGED = ("123456789012345678", "2147483648")  # 18 digits; one past the int4 columns

#: Presses in the agents' group, by an agent.
IN_GROUP = ["a:res:{id}", "a:dupof:1:{id}", "i:ok:{id}", "i:ans:{id}:under_study", "i:msd:1:{id}"]
#: Presses in a resident's private chat.
IN_PRIVATE = [
    "d:send:{id}",
    "d:same:1:{id}",
    "m:{id}",
    "q:ans:{id}:yes",
    "q:rate:{id}:5",
    "sv:{id}:1",
    "sv:1:c{id}",
    "i:sup:{id}:0",
    "i:pg:{id}:n:",
]


async def _all_done(env: Env) -> None:
    async with env.runtime.deps.sessions() as s:
        assert await inbox.count(s, processed=False) == 0
        failed = (await s.scalars(select(InboxUpdate.last_error))).all()
    assert [e for e in failed if e is not None] == []  # refused, not failed and set aside


@pytest.mark.parametrize("forged", FORGED)
@pytest.mark.parametrize("data", IN_GROUP)
async def test_a_forged_id_pressed_in_the_agents_group(env: Env, data: str, forged: str) -> None:
    f = env.story.updates
    press = f.press(WATER_AGENT_P, f.group(WATER_CHAT), 1, data.format(id=forged))
    assert await env.story.post(press) == 200
    (answer,) = env.api.of("answerCallbackQuery")  # a polite pop-up, nothing else
    assert answer.params.get("text")
    await _all_done(env)
    # The group is served afterwards.
    queue = f.group_text(WATER_AGENT_P, WATER_CHAT, "/queue")
    queue["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
    assert await env.story.post(queue) == 200
    assert env.api.of("sendMessage", WATER_CHAT)


@pytest.mark.parametrize("forged", FORGED)
@pytest.mark.parametrize("data", IN_PRIVATE)
async def test_a_forged_id_pressed_in_a_private_chat(env: Env, data: str, forged: str) -> None:
    f = env.story.updates
    press = f.press(MARIE, f.private(MARIE), 1, data.format(id=forged))
    assert await env.story.post(press) == 200
    (answer,) = env.api.of("answerCallbackQuery")
    assert answer.params.get("text")
    await _all_done(env)
    assert await env.story.say(MARIE, "/help") == 200
    assert env.api.of("sendMessage", MARIE.user_id)


@pytest.mark.parametrize("forged", FORGED)
async def test_a_start_link_with_a_forged_id_greets(env: Env, forged: str) -> None:
    """Even signed as the bot would sign it: the id is checked before any query."""
    secret = env.runtime.deps.settings.link_secret
    payload = metoo.link("senscommun_bot", int(forged), secret).rpartition("start=")[2]
    assert await env.story.say(MARIE, f"/start {payload}") == 200
    await _all_done(env)
    assert env.api.texts(MARIE.user_id)[0].startswith("Bonjour Marie")


@pytest.mark.parametrize("forged", FORGED)
async def test_open311_refuses_an_id_past_the_columns(env: Env, forged: str) -> None:
    import aiohttp

    base = env.url.replace(env.config.webhook.path, "")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/open311/v2/requests/{forged}.json") as resp:
            assert resp.status in (400, 404)
        async with http.get(f"{base}/open311/v2/requests.json?service_request_id={forged}") as r:
            assert r.status in (400, 404)
        async with http.get(f"{base}/open311/v2/requests.json") as r:
            assert r.status == 200  # and the API serves on
