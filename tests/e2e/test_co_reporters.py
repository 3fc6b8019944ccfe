"""A problem already reported nearby: the resident joins it instead of opening a new report."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import CoReporter, Report
from tests.conftest import WATER_CHAT
from tests.e2e.conftest import JOHN, MARIE, WATER_AGENT_P, Env
from tests.e2e.test_story import _report


async def test_same_problem_nearby_makes_a_co_reporter_who_hears_of_the_fix(env: Env) -> None:
    s, api = env.story, env.api
    rid = await _report(env, MARIE, "Grosse fuite d'eau sur le trottoir rue Victor Hugo")
    me = JOHN.user_id
    await s.say(JOHN, "There is a water leak on the pavement of rue Victor Hugo")
    await s.press(JOHN, me, "d:ok:")
    await s.post(s.updates.location(JOHN, 45.7605, 4.8301))  # about 15 m away
    offer = api.texts(me)[-1]
    assert f"#{rid}" in offer and "same problem" in offer
    await s.press(JOHN, me, "d:same:")
    assert f"You now follow report #{rid}" in api.texts(me)[-1]
    async with env.runtime.deps.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(Report)) == 1
        (co,) = (await db.scalars(select(CoReporter))).all()
    assert co.report_id == rid
    card_edit = api.of("editMessageText", WATER_CHAT)[-1]
    assert "1 autre(s) habitant(s)" in card_edit.params["text"]

    await s.say(JOHN, "/myreports")
    assert "Reports you follow" in api.texts(me)[-1] and f"#{rid}" in api.texts(me)[-1]

    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    assert "résolu" in api.texts(MARIE.user_id)[-1]
    assert f"#{rid}" in api.texts(me)[-1] and "resolved" in api.texts(me)[-1]


async def test_far_away_or_different_words_are_not_offered(env: Env) -> None:
    s, api, me = env.story, env.api, JOHN.user_id
    await _report(env, MARIE, "Grosse fuite d'eau sur le trottoir rue Victor Hugo")
    await s.say(JOHN, "Water leak on the pavement")
    await s.press(JOHN, me, "d:ok:")
    await s.post(s.updates.location(JOHN, 45.80, 4.83))  # about 4.4 km away
    assert not any(
        b["callback_data"].startswith("d:same") for row in api.last_buttons(me) for b in row
    )
    assert "photo" in api.texts(me)[-1].lower()
