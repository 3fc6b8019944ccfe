"""A danger in words no rule lists, read by the shipped model: the resident sees the emergency
numbers first, the agents' card says why it may be urgent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Story
from bot.runtime import Runtime
from storage.models import Report
from tests.conftest import DESK_CHAT, Clock, make_config
from tests.e2e.conftest import MARIE, Env
from tests.e2e.test_story import _report


@pytest.fixture
async def model_env(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> AsyncIterator[Env]:
    cfg = make_config(sqlite_url, tmp_path, api, nlp={"kind": "spacy"})
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


async def test_a_danger_only_the_model_sees_reaches_the_agents_as_may_be_urgent(
    model_env: Env,
) -> None:
    """The score is tuned for recall, so its hit alone is not pinned nor marked URGENT; it is
    shown as "URGENT ?" with its reason, and the report keeps the reason."""
    api, me = model_env.api, MARIE.user_id
    text = "Un homme avec un couteau menace les passants devant la boulangerie"
    rid = await _report(model_env, MARIE, text)
    assert "112" in api.texts(me)[0]  # before any other question
    (card,) = api.of("sendMessage", DESK_CHAT)
    assert "URGENT ? (violence, menace)" in card.params["text"]
    assert not api.of("pinChatMessage", DESK_CHAT)
    async with model_env.runtime.deps.sessions() as db:
        report = await db.get_one(Report, rid)
    assert report.danger == "violence" and not report.urgent


async def test_a_rule_marks_the_card_urgent_with_its_reason(model_env: Env) -> None:
    api = model_env.api
    rid = await _report(model_env, MARIE, "Odeur de gaz très forte dans la cage d'escalier")
    (card,) = api.of("sendMessage", DESK_CHAT)
    assert "⚠️ URGENT (gaz)" in card.params["text"]
    assert api.of("pinChatMessage", DESK_CHAT)
    async with model_env.runtime.deps.sessions() as db:
        report = await db.get_one(Report, rid)
    assert report.danger == "gas" and report.urgent
