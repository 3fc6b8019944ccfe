"""Direct replies (the next question of a report, "thanks, #123") are tried again on 429 and
transient failures: one refused call does not leave a resident's conversation in silence."""

from __future__ import annotations

from bot.demo.fake_telegram import Call
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
