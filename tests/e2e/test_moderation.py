"""Moderation in Telegram: an agent hides a report's text with the card's button; an
administrator blocks a report's author with /block in the agents' chat: her messages are
kept, not processed, and she is told once. Each act leaves an audit line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Story
from bot.runtime import Runtime
from storage.models import AuditLine, Draft, InboxUpdate, Report
from tests.conftest import WATER_AGENT, WATER_CHAT, Clock, make_config
from tests.e2e.conftest import MARIE, STRANGER, WATER_AGENT_P, Env
from tests.e2e.test_story import _report


@pytest.fixture
async def moderated(
    api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock
) -> AsyncIterator[Env]:
    cfg = make_config(db_url, tmp_path, api, bot={"administrators": [WATER_AGENT]})
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


async def _command(env: Env, who, text: str) -> str:  # type: ignore[no-untyped-def]
    update = env.story.updates.group_text(who, WATER_CHAT, text)
    update["message"]["entities"] = [
        {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
    ]
    await env.story.post(update)
    return env.api.texts(WATER_CHAT)[-1]


async def test_the_cards_button_hides_the_text(moderated: Env) -> None:
    env = moderated
    rid = await _report(env, MARIE, "Fuite d'eau rue Pasteur, mon voisin Jean Dupont")
    labels = [b["text"] for row in env.api.last_buttons(WATER_CHAT) for b in row]
    assert "🙈 Masquer le texte au public" in labels
    await env.story.press(WATER_AGENT_P, WATER_CHAT, f"a:hidet:{rid}")
    async with env.runtime.deps.sessions() as db:
        assert (await db.get_one(Report, rid)).text_hidden
        assert await db.scalar(select(func.count()).select_from(AuditLine)) == 1


async def test_an_administrator_blocks_a_resident_who_is_told_once(moderated: Env) -> None:
    env, me = moderated, MARIE.user_id
    rid = await _report(env, MARIE, "Fuite d'eau rue Pasteur")
    assert "administrateur" in await _command(env, STRANGER, f"/block #{rid}")
    assert "est bloqué" in await _command(env, WATER_AGENT_P, f"/block #{rid}")
    before = len(env.api.texts(me))
    await env.story.say(MARIE, "Encore une fuite rue Victor Hugo")
    await env.story.say(MARIE, "Et une autre rue Pasteur")
    told = env.api.texts(me)[before:]
    assert len(told) == 1 and "suspendu" in told[0]  # once
    async with env.runtime.deps.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(Draft)) == 0  # not processed
        kept = (await db.scalars(select(InboxUpdate.payload))).all()
        lines = (await db.scalars(select(AuditLine.action))).all()
    assert any("Et une autre" in str(p) for p in kept)  # kept
    assert lines == ["block"]
    assert "peut de nouveau écrire" in await _command(env, WATER_AGENT_P, f"/unblock {rid}")
    await env.story.say(MARIE, "Encore une fuite rue Victor Hugo")
    assert "suspendu" not in env.api.texts(me)[-1]
