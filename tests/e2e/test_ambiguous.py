"""When the classifier is unsure the bot does not guess: the resident picks the service."""

from __future__ import annotations

from tests.conftest import DESK_CHAT, WATER_CHAT
from tests.e2e.conftest import MARIE, Env


async def test_an_ambiguous_message_makes_the_bot_ask_to_pick(env: Env) -> None:
    s, api, me = env.story, env.api, MARIE.user_id
    await s.say(MARIE, "ça marche pas dans ma rue depuis hier")
    assert "pas sûr" in api.texts(me)[-1]
    rows = api.last_buttons(me)
    picks = [b["callback_data"].split(":")[-1] for row in rows for b in row]
    assert len(picks) == 5 and picks[-2] == "other" and picks[-1].isdigit()  # 3 + other + "more"
    await s.press(MARIE, me, "d:more:")
    offered = {b["callback_data"].split(":")[-1] for row in api.last_buttons(me) for b in row}
    assert offered == set(env.runtime.deps.catalogue.codes)
    await s.press(MARIE, me, "d:ok:")  # the first of the full list: cleanliness
    await s.say(MARIE, "rue des Lilas")
    await s.press(MARIE, me, "d:nophoto")
    await s.press(MARIE, me, "d:send")
    thanks, consent = api.texts(me)[-2:]
    assert "Propreté" in thanks
    assert "une seule fois" in consent  # her pick corrected the classifier: asked once
    # Cleanliness has no agents chat of its own here: the town hall desk receives it.
    (card,) = api.of("sendMessage", DESK_CHAT)
    assert "Propreté" in card.params["text"]
    assert api.of("sendMessage", WATER_CHAT) == []
