"""Ideas end to end: /idea → review card in the agents chat → approve or decline → /ideas, where
other residents support them; strangers, forged buttons and one's own idea are refused."""

from __future__ import annotations

from sqlalchemy import select

from bot.simulate import Person
from core import ideas
from storage.enums import IdeaState
from storage.models import Idea, Resident
from tests.conftest import WATER_CHAT
from tests.e2e.conftest import JOHN, MARIE, STRANGER, WATER_AGENT_P, Env


async def _state(env: Env, idea_id: int) -> IdeaState:
    async with env.runtime.services.sessions() as s:
        state = await s.scalar(select(Idea.state).where(Idea.id == idea_id))
    assert state is not None
    return state


def _last_alert(env: Env) -> tuple[str, bool]:
    call = env.api.of("answerCallbackQuery")[-1]
    return str(call.params.get("text", "")), bool(call.params.get("show_alert"))


async def _forge(env: Env, who: Person, chat_id: int, data: str) -> None:
    s = env.story
    chat = s.updates.private(who) if chat_id > 0 else s.updates.group(chat_id)
    await s.post(s.updates.press(who, chat, env.api.last_message_id(chat_id), data))


async def test_idea_story_submit_review_publish_and_support(env: Env) -> None:
    api, s = env.api, env.story
    await s.say(MARIE, "/idea")
    assert "<code>/idea" in api.texts(MARIE.user_id)[-1]  # how to use it

    await s.say(MARIE, "/idea Installer une fontaine d'eau potable place Bellecour")
    thanks = api.texts(MARIE.user_id)[-1]
    assert "#1" in thanks and "Eau" in thanks and "relecture" in thanks
    (card,) = api.of("sendMessage", WATER_CHAT)
    assert "Idée #1" in card.params["text"] and "Marie" in card.params["text"]
    assert "fontaine" in card.params["text"]
    assert [b["callback_data"] for b in api.last_buttons(WATER_CHAT)[0]] == ["i:ok:1", "i:no:1"]

    # A stranger in the agents chat cannot approve: a polite alert, nothing changes.
    await s.press(STRANGER, WATER_CHAT, "i:ok:1")
    text, alert = _last_alert(env)
    assert alert and "seuls les agents" in text
    assert await _state(env, 1) is IdeaState.PENDING_REVIEW
    await s.say(JOHN, "/ideas")
    assert "No published idea yet" in api.texts(JOHN.user_id)[-1]

    await s.press(WATER_AGENT_P, WATER_CHAT, "i:ok:1")
    assert await _state(env, 1) is IdeaState.PUBLISHED
    assert "Publiée par Paul" in api.of("editMessageText", WATER_CHAT)[-1].params["text"]
    assert "est publiée" in api.texts(MARIE.user_id)[-1]

    # Another resident sees it and supports it; pressing again withdraws the support.
    await s.say(JOHN, "/ideas")
    listing = api.texts(JOHN.user_id)[-1]
    assert "most supported first" in listing and "fontaine" in listing
    await s.press(JOHN, JOHN.user_id, "i:sup:1:")
    assert _last_alert(env) == ("👍 Thank you for your support (1).", False)
    assert api.last_buttons(JOHN.user_id)[0][0]["text"] == "👍 Support #1 (1)"
    await s.press(JOHN, JOHN.user_id, "i:sup:1:")
    assert _last_alert(env) == ("Support withdrawn (0).", False)
    assert api.last_buttons(JOHN.user_id)[0][0]["text"] == "👍 Support #1 (0)"

    # Its author may not support her own idea.
    await s.say(MARIE, "/ideas")
    await s.press(MARIE, MARIE.user_id, "i:sup:1:")
    assert _last_alert(env) == ("Vous ne pouvez pas soutenir votre propre idée.", True)


async def test_decline_forged_buttons_and_unpublished_ideas(env: Env) -> None:
    api, s = env.api, env.story
    await s.say(MARIE, "/idea Une fontaine d'eau au parc")
    await s.say(JOHN, "/ideas")
    await _forge(env, JOHN, JOHN.user_id, "i:sup:1:0")  # not published yet
    assert _last_alert(env) == ("This idea is not open to support.", True)
    await _forge(env, JOHN, JOHN.user_id, "i:zap:1")  # not one of ours
    assert _last_alert(env) == ("This button is no longer valid.", True)
    await _forge(env, JOHN, JOHN.user_id, "i:ok:1")  # a resident forging an agent's button
    assert _last_alert(env)[1] is True
    assert await _state(env, 1) is IdeaState.PENDING_REVIEW

    await s.press(WATER_AGENT_P, WATER_CHAT, "i:no:1")
    assert await _state(env, 1) is IdeaState.DECLINED
    assert "compétences de la commune" in api.texts(MARIE.user_id)[-1]
    await _forge(env, WATER_AGENT_P, WATER_CHAT, "i:ok:1")  # reviewed already
    assert _last_alert(env) == ("Cette idée a déjà été examinée.", True)


async def test_ideas_are_paged_five_at_a_time(env: Env) -> None:
    api, s, svc = env.api, env.story, env.runtime.services
    await s.say(MARIE, "/start")
    async with svc.writing() as ses:
        marie = await ses.scalar(select(Resident.id))
        assert marie is not None
        for n in range(7):
            v = await ideas.submit(ses, marie, f"Idée numéro {n}", "water", "fr", svc.clock())
            idea = await ses.get(Idea, v.id)
            assert idea is not None
            ideas.publish(idea, svc.clock())
        await ses.commit()
    await s.say(JOHN, "/ideas")
    rows = api.last_buttons(JOHN.user_id)
    assert len(rows) == 6 and [b["callback_data"] for b in rows[-1]] == ["i:pg:1"]
    await s.press(JOHN, JOHN.user_id, "i:pg:1")
    rows = api.last_buttons(JOHN.user_id)
    assert len(rows) == 3 and [b["callback_data"] for b in rows[-1]] == ["i:pg:0"]
    assert "numéro 0" in api.texts(JOHN.user_id)[-1]  # oldest last (all at 0 supports)
