"""Direct replies (the next question of a report, "thanks, #123") are tried again on 429 and
transient failures: one refused call does not leave a resident's conversation in silence."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.demo.fake_telegram import Call
from bot.demo.simulate import post_update
from storage import inbox
from storage.models import OutboxMessage
from tests.conftest import Clock
from tests.e2e.conftest import MARIE, Env


async def test_a_reply_refused_with_429_goes_once_telegram_allows(env: Env) -> None:
    waits: list[float] = []

    async def pause(seconds: float) -> None:  # simulated time: the test does not sleep
        waits.append(seconds)

    env.runtime.app.bot_data.pause = pause
    env.api.throttle_next["sendMessage"] = 1  # Telegram: "retry after 1"
    await env.story.say(MARIE, "Fuite d'eau rue Victor Hugo")
    assert waits == [1.0]
    (asked,) = env.api.texts(MARIE.user_id)  # the next question of the report, once
    assert asked


async def test_a_reply_through_a_short_bot_api_outage(env: Env) -> None:
    waits: list[float] = []

    async def pause(seconds: float) -> None:
        waits.append(seconds)

    env.runtime.app.bot_data.pause = pause
    env.api.fail_next["sendMessage"] = 3  # three 500s, then Telegram answers
    await env.story.say(MARIE, "Fuite d'eau rue Victor Hugo")
    assert waits == [0.5, 1.0, 2.0]
    assert len(env.api.texts(MARIE.user_id)) == 1


async def test_a_reply_of_several_messages_sends_each_once(env: Env) -> None:
    """Each call is tried again, not the whole reply: its first message, delivered, is not
    sent twice when the second is refused."""
    waits: list[float] = []

    async def pause(seconds: float) -> None:
        waits.append(seconds)

    env.runtime.app.bot_data.pause = pause
    s, me = env.story, MARIE.user_id
    await s.say(MARIE, "Fuite d'eau rue Victor Hugo")
    await s.press(MARIE, me, "d:ok")
    before = len(env.api.texts(me))

    def refuse_the_second(call: Call) -> None:
        if call.method == "sendMessage" and len(env.api.texts(me)) == before + 1:
            env.api.throttle_next["sendMessage"] = 1  # the reply's next message: 429

    env.api.on_call = refuse_the_second
    await s.post(s.updates.location(MARIE, 45.76, 4.83))
    env.api.on_call = None
    said = env.api.texts(me)[before:]
    assert waits == [1.0]
    assert len(said) >= 2 and len(said) == len(set(said))  # every message, each once


async def test_a_reply_during_a_long_outage_goes_through_the_outbox(env: Env, clock: Clock) -> None:
    """Past the direct reply's own tries (about 30 s), what is left of it waits in the outbox
    and reaches the resident once Telegram is back: her conversation does not end in silence.
    Before: the reply was dropped, with a log line."""
    waits: list[float] = []

    async def pause(seconds: float) -> None:
        waits.append(seconds)

    env.runtime.app.bot_data.pause = pause
    env.api.outage = "502"
    raw = env.story.updates.text(MARIE, "Fuite d'eau rue Victor Hugo")
    assert await post_update(env.story.http, env.story.url, env.story.secret, raw) == 200
    async with asyncio.timeout(10):  # processed; its reply refused throughout, then handed over
        while True:
            async with env.runtime.deps.sessions() as s:
                waiting = await inbox.count(s, processed=False)
                handed = await s.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.chat_id == MARIE.user_id)
                )
            if waiting == 0 and handed:
                break
            await asyncio.sleep(0.01)
    assert len(waits) >= 3  # the direct reply's own tries, in simulated time
    assert env.api.texts(MARIE.user_id) == []  # nothing reached her during the outage
    env.api.end_outage()
    clock.advance(seconds=10)  # past the outbox's probe back-off
    await env.runtime.settle()
    (asked,) = env.api.texts(MARIE.user_id)  # the next question of her report, once
    assert "Eau" in asked
