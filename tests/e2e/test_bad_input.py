"""Bad input gets a clear answer and loses nothing: forged requests, stale buttons, odd media."""

from __future__ import annotations

import io

import aiohttp
from sqlalchemy import func, select

from bot.inbox.webhook import SECRET_HEADER
from core.telegram_format import visible_length
from storage import inbox
from storage.enums import ReportStatus
from storage.models import Draft, InboxUpdate, Report
from tests.conftest import WATER_CHAT
from tests.e2e.conftest import ANON_ADMIN, MARIE, STRANGER, Env
from tests.e2e.test_story import _report


async def test_wrong_or_missing_secret_is_refused_and_nothing_stored(env: Env) -> None:
    update = env.story.updates.text(MARIE, "Fuite d'eau")
    async with aiohttp.ClientSession() as http:
        for headers in ({SECRET_HEADER: "wrong"}, {}):
            async with http.post(env.url, json=update, headers=headers) as resp:
                assert resp.status == 403
    async with env.runtime.deps.sessions() as db:
        assert await inbox.count(db) == 0


async def test_non_json_and_oversized_bodies_are_rejected(env: Env) -> None:
    headers = {SECRET_HEADER: env.config.webhook.secret_token}
    async with aiohttp.ClientSession() as http:
        async with http.post(env.url, data=b"{not json", headers=headers) as resp:
            assert resp.status == 400
        async with http.post(env.url, json={"no": "update_id"}, headers=headers) as resp:
            assert resp.status == 400
        big = b'{"update_id": 1, "x": "' + b"a" * 2_000_000 + b'"}'
        async with http.post(env.url, data=io.BytesIO(big), headers=headers) as resp:
            assert resp.status == 413
    async with env.runtime.deps.sessions() as db:
        assert await inbox.count(db) == 0


async def test_health_answers_once_ready(env: Env) -> None:
    health = env.url.replace("/telegram", "/health")
    async with aiohttp.ClientSession() as http, http.get(health) as resp:
        assert resp.status == 200
        assert (await resp.json())["status"] == "ok"


async def test_a_replayed_update_is_processed_once(env: Env) -> None:
    update = env.story.updates.text(MARIE, "Il y a une fuite d'eau rue Victor Hugo")
    assert await env.story.post(update) == 200
    assert await env.story.post(update) == 200  # Telegram redelivers the same update_id
    assert len(env.api.of("sendMessage", MARIE.user_id)) == 1
    async with env.runtime.deps.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(InboxUpdate)) == 1


async def test_stranger_and_anonymous_admin_are_refused_politely(env: Env) -> None:
    rid = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    before = len(env.api.texts(MARIE.user_id))
    for intruder in (STRANGER, ANON_ADMIN):
        await env.story.press(intruder, WATER_CHAT, f"a:res:{rid}")
        answer = env.api.of("answerCallbackQuery")[-1]
        assert answer.params["show_alert"] is True
        assert "seuls les agents" in answer.params["text"]
    async with env.runtime.deps.sessions() as db:
        assert (await db.get_one(Report, rid)).status is ReportStatus.NEW
    assert len(env.api.texts(MARIE.user_id)) == before  # the resident was told nothing
    assert env.api.of("editMessageText", WATER_CHAT) == []


async def test_stranger_reply_to_a_card_does_not_reach_the_resident(env: Env) -> None:
    await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    card = env.api.last_message_id(WATER_CHAT)
    before = len(env.api.texts(MARIE.user_id))
    await env.story.agent_reply(STRANGER, WATER_CHAT, card, "haha")
    assert len(env.api.texts(MARIE.user_id)) == before
    assert "seuls les agents" in env.api.texts(WATER_CHAT)[-1]


async def test_forged_and_stale_buttons_change_nothing(env: Env) -> None:
    s, me = env.story, MARIE.user_id
    chat = s.updates.private(MARIE)
    forged = ["a:res:999999", "a:zzz:1", "d:ok:1:notaservice", "x" * 64, "a:res:1:2:3", "l:klingon"]
    for data in forged:
        await s.post(s.updates.press(MARIE, chat, 1, data))
    answers = env.api.of("answerCallbackQuery")
    assert len(answers) == len(forged)
    assert all(a.params.get("show_alert") is True for a in answers)
    # A button of a cancelled draft is stale.
    await s.say(MARIE, "Fuite d'eau rue Victor Hugo")
    message_id, data = env.api.button(me, "d:ok:")
    await s.say(MARIE, "/cancel")
    await s.post(s.updates.press(MARIE, chat, message_id, data))
    assert "plus valable" in env.api.of("answerCallbackQuery")[-1].params["text"]
    async with env.runtime.deps.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(Report)) == 0
        assert await db.scalar(select(func.count()).select_from(Draft)) == 0


async def test_empty_emoji_and_sticker_get_a_clear_answer(env: Env) -> None:
    s, me = env.story, MARIE.user_id
    await s.say(MARIE, "   ")
    await s.say(MARIE, "👍🙂🔥")
    assert all("quelques mots" in t for t in env.api.texts(me)[-2:])
    await s.post(s.updates.sticker(MARIE))
    assert "photos et les positions" in env.api.texts(me)[-1]
    async with env.runtime.deps.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(Draft)) == 0
        assert await inbox.count(db, processed=False) == 0


async def test_a_10000_character_message_is_refused_with_the_limit(env: Env) -> None:
    """Past ``bot.max_text_chars`` (4,096) a message is refused, the limit stated; one just
    within it is kept whole, and its card shortened to Telegram's limit."""
    me = MARIE.user_id
    long = ("Fuite d'eau devant l'école, le trottoir est inondé. " * 200)[:10_000]
    await env.story.say(MARIE, long)
    assert "10000 caractères ; j'en accepte 4096" in env.api.texts(me)[-1]
    within = long[:3_990].strip()
    rid = await _report(env, MARIE, within)
    async with env.runtime.deps.sessions() as db:
        report = await db.get_one(Report, rid)
    assert report.text == within
    (card,) = env.api.of("sendMessage", WATER_CHAT)
    assert visible_length(card.params["text"]) <= 4096


async def test_a_sticker_in_the_middle_of_a_report_loses_nothing(env: Env) -> None:
    s, me = env.story, MARIE.user_id
    await s.say(MARIE, "Fuite d'eau rue Victor Hugo")
    await s.press(MARIE, me, "d:ok:")
    await s.post(s.updates.sticker(MARIE))
    await s.post(s.updates.location(MARIE, 45.0, 4.0))
    await s.press(MARIE, me, "d:nophoto")
    await s.press(MARIE, me, "d:send")
    assert "#1" in env.api.texts(me)[-2]  # then the one-time question about surveys
