"""Direct replies (the next question of a report, "thanks, #123") are tried again on 429 and
transient failures: one refused call does not leave a resident's conversation in silence."""

from __future__ import annotations

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
