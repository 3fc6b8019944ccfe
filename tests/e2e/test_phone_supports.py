"""Supports that are people (``ideas.require_phone``, on by default): a support counts once
its resident has shared her own phone number through Telegram's contact button; one resident
per number; only a salted hash is kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Person, Story
from bot.runtime import Runtime
from storage.models import Idea, Resident
from tests.conftest import DESK_AGENT, DESK_CHAT, WATER_CHAT, Clock, make_config
from tests.e2e.conftest import JOHN, MARIE, WATER_AGENT_P, Env

LEA = Person(1003, "Léa", "fr")
AMY = Person(1004, "Amy", "en")
DESK_P = Person(DESK_AGENT, "Zoé")
NUMBER = "+33 6 12 34 56 78"


@pytest.fixture
async def checked(api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Env]:
    cfg = make_config(db_url, tmp_path, api, ideas={"require_phone": True, "support_threshold": 1})
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


def _contact(env: Env, who: Person, number: str, user_id: int) -> dict[str, Any]:
    u = env.story.updates
    contact = {"phone_number": number, "first_name": who.first_name, "user_id": user_id}
    return u._message(who, u.private(who), contact=contact)


async def _supports(env: Env) -> int:
    async with env.runtime.deps.sessions() as db:
        return int(await db.scalar(select(Idea.supports)) or 0)


async def test_a_support_counts_once_the_phone_is_shared(checked: Env) -> None:
    env, s, api = checked, checked.story, checked.api
    await s.say(MARIE, "/idea Une fontaine d'eau potable place Bellecour")
    await s.press(WATER_AGENT_P, WATER_CHAT, "i:ok:1")
    await s.say(JOHN, "/ideas")
    await s.press(JOHN, JOHN.user_id, "i:sup:")
    asked = api.of("sendMessage", JOHN.user_id)[-1].params
    assert asked["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert await _supports(env) == 0  # noted, not counted yet
    agenda_before = len(api.texts(WATER_CHAT))

    await s.post(_contact(env, JOHN, NUMBER, user_id=MARIE.user_id))  # someone else's card
    assert (
        "votre propre numéro" in api.texts(JOHN.user_id)[-1].lower()
        or "own number" in (api.texts(JOHN.user_id)[-1])
    )
    assert await _supports(env) == 0
    await s.post(_contact(env, JOHN, NUMBER, user_id=JOHN.user_id))
    assert api.texts(JOHN.user_id)[-1].startswith("Thank you: your supports now count")
    assert await _supports(env) == 1
    assert len(api.texts(WATER_CHAT)) > agenda_before  # the threshold (1) is reached
    async with env.runtime.deps.sessions() as db:
        hashes = (await db.scalars(select(Resident.phone_hash))).all()
    assert [h for h in hashes if h] and all("612345678" not in (h or "") for h in hashes)

    # Léa, another account with the same number: told so, her support does not count.
    await s.say(LEA, "/ideas")
    await s.press(LEA, LEA.user_id, "i:sup:")
    await s.post(_contact(env, LEA, "33612345678", user_id=LEA.user_id))
    assert "déjà utilisé" in api.texts(LEA.user_id)[-1]
    assert await _supports(env) == 1


async def test_supporting_a_similar_idea_instead_asks_for_the_phone(checked: Env) -> None:
    env, s, api = checked, checked.story, checked.api
    await s.say(JOHN, "/idea more benches in the park")
    await s.press(DESK_P, DESK_CHAT, "i:ok:1")  # green spaces: the desk reviews it
    await s.say(AMY, "/idea more benches in the park")
    await s.press(AMY, AMY.user_id, "d:isup:")
    asked = api.of("sendMessage", AMY.user_id)[-1].params
    assert asked["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert await _supports(env) == 0
    await s.post(_contact(env, AMY, NUMBER, user_id=AMY.user_id))
    assert await _supports(env) == 1
