"""Limits per resident: a text too long, a description that keeps growing, messages too fast,
reports too many within an hour. Each is answered, and nothing she wrote is lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Story
from bot.runtime import Runtime
from storage.models import Draft, Report
from tests.conftest import Clock, make_config
from tests.e2e.conftest import MARIE, Env
from tests.e2e.test_story import _report


@pytest.fixture
async def limited(api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Env]:
    cfg = make_config(
        db_url,
        tmp_path,
        api,
        bot={"max_text_chars": 200},
        limits={"reports_per_hour": 1, "messages_per_minute": 12},
    )
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


async def _count(env: Env, model: type) -> int:
    async with env.runtime.deps.sessions() as db:
        return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_text_too_long_is_refused_with_the_limit(limited: Env) -> None:
    env, me = limited, MARIE.user_id
    await env.story.say(MARIE, "Fuite d'eau rue Pasteur " + "très grave " * 30)
    said = env.api.texts(me)[-1]
    assert "j'en accepte 200 au plus" in said and "Rien n'a été enregistré" in said
    assert await _count(env, Draft) == 0


async def test_a_description_stops_growing_at_the_limit(limited: Env) -> None:
    env, me = limited, MARIE.user_id
    await env.story.say(MARIE, "Fuite d'eau rue Pasteur, ça coule depuis ce matin")
    for _ in range(3):
        await env.story.say(MARIE, "Et encore une précision sur cette fuite d'eau " * 2)
    assert "a atteint 200 caractères" in env.api.texts(me)[-1]
    async with env.runtime.deps.sessions() as db:
        draft = await db.scalar(select(Draft))
    assert draft is not None and len(draft.data["text"]) <= 200


async def test_messages_too_fast_are_answered_then_read_a_minute_later(
    limited: Env, clock: Clock
) -> None:
    env, me = limited, MARIE.user_id
    for _ in range(12):
        await env.story.say(MARIE, "/help")
    before = len(env.api.texts(me))
    await env.story.say(MARIE, "/help")
    assert len(env.api.texts(me)) == before + 1  # answered, not dropped
    assert "plus vite que je ne peux lire" in env.api.texts(me)[-1]
    clock.advance(seconds=61)
    await env.story.say(MARIE, "/help")
    assert "plus vite" not in env.api.texts(me)[-1]


async def test_a_report_over_the_hourly_limit_stays_a_draft(limited: Env, clock: Clock) -> None:
    env, me = limited, MARIE.user_id
    await _report(env, MARIE, "Fuite d'eau rue Pasteur")
    await env.story.say(MARIE, "Lampadaire éteint rue Victor Hugo depuis trois jours")
    await env.story.press(MARIE, me, "d:ok")
    await env.story.post(env.story.updates.location(MARIE, 45.70, 4.80))
    await env.story.press(MARIE, me, "d:nophoto")
    await env.story.press(MARIE, me, "d:send")
    alert = env.api.of("answerCallbackQuery")[-1].params
    assert "1 signalements en une heure" in alert["text"] and alert["show_alert"]
    assert await _count(env, Report) == 1 and await _count(env, Draft) == 1
    clock.advance(hours=1, seconds=1)
    await env.story.press(MARIE, me, "d:send")
    assert await _count(env, Report) == 2 and await _count(env, Draft) == 0
