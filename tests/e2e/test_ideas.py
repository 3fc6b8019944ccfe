"""Ideas end to end, over the webhook and a fake Bot API: a resident proposes, an agent edits
and publishes, others support it up to the threshold, the agents answer and add milestones by
replying in their chat, and the author and every supporter hear of each step, in their language.
Strangers, forged buttons, one's own idea and unpublished ideas are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Person, Story
from bot.runtime import Runtime
from core.ideas import proposals as ideas
from storage.enums import IdeaState
from storage.models import Idea, Resident
from tests.conftest import DESK_AGENT, DESK_CHAT, WATER_CHAT, Clock, make_config
from tests.e2e.conftest import JOHN, MARIE, STRANGER, WATER_AGENT_P, Env

LUCIE = Person(1003, "Lucie", "fr")
DESK_P = Person(DESK_AGENT, "Zoé")
AMY = Person(1004, "Amy", "en")


@pytest.fixture
async def env(api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Env]:
    """Two supports put an idea on the agenda here (25 by default)."""
    cfg = make_config(db_url, tmp_path, api, ideas={"support_threshold": 2})
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


async def _state(env: Env, idea_id: int) -> IdeaState:
    async with env.runtime.deps.sessions() as s:
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


async def _answer_by_reply(env: Env, prefix: str, text: str) -> str:
    """An agent presses a button on the idea, then replies to the prompt; what the bot says."""
    api, s = env.api, env.story
    await s.press(WATER_AGENT_P, WATER_CHAT, prefix)
    prompt = api.of("sendMessage", WATER_CHAT)[-1]
    assert prompt.params["reply_markup"] == {"force_reply": True}
    before = len(api.texts(WATER_CHAT))
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, int(prompt.result["message_id"]), text)
    return "\n".join(api.texts(WATER_CHAT)[before:])


async def test_the_whole_story_of_an_idea_in_both_languages(env: Env) -> None:
    api, s = env.api, env.story
    await s.say(MARIE, "/idea")
    assert "Écrivez votre idée" in api.texts(MARIE.user_id)[-1]
    await s.say(MARIE, "Une fontaine d'eau potable place Bellecour, appelez-moi au 0612345678")
    thanks = api.texts(MARIE.user_id)[-1]
    assert "#1" in thanks and "Eau" in thanks and "relecture" in thanks
    (card,) = api.of("sendMessage", WATER_CHAT)
    assert "Idée #1" in card.params["text"] and "Marie" in card.params["text"]
    assert "À relire avant publication" in card.params["text"]
    assert [b["callback_data"] for row in api.last_buttons(WATER_CHAT) for b in row] == [
        "i:ok:1",
        "i:edit:1",
        "i:no:1",
    ]

    # A stranger cannot review it; an agent edits the phone number out by replying.
    await s.press(STRANGER, WATER_CHAT, "i:edit:1")
    assert _last_alert(env)[1] and await _state(env, 1) is IdeaState.PENDING_REVIEW
    said = await _answer_by_reply(env, "i:edit:1", "Une fontaine d'eau potable place Bellecour")
    assert "publiée avec ce texte" in said
    assert await _state(env, 1) is IdeaState.PUBLISHED
    edited = api.of("editMessageText", WATER_CHAT)[-1]  # the card: verdict and answer buttons
    assert edited.params["message_id"] == card.result["message_id"]
    assert "Publiée par Paul avec ce texte" in edited.params["text"]
    assert "À relire" not in edited.params["text"]  # the card says where the idea stands now
    assert "les habitants peuvent la soutenir" in edited.params["text"]
    assert "i:ans:1:planned" in str(edited.params["reply_markup"])
    assert "est publiée" in api.texts(MARIE.user_id)[-1]

    # Others find it in /ideas and support it; the second support puts it on the agenda.
    await s.say(JOHN, "/ideas")
    listing = api.texts(JOHN.user_id)[-1]
    assert "most supported first" in listing and "Bellecour" in listing
    assert "0612345678" not in listing
    await s.press(JOHN, JOHN.user_id, "i:sup:1:")
    assert _last_alert(env) == ("👍 Thank you for your support (1).", False)
    await s.press(JOHN, JOHN.user_id, "i:sup:1:")  # pressed again: withdrawn
    assert _last_alert(env) == ("Support withdrawn (0).", False)
    assert api.last_buttons(JOHN.user_id)[0][0]["text"] == "👍 Support #1 (0)"
    await s.press(JOHN, JOHN.user_id, "i:sup:1:")
    assert api.last_buttons(JOHN.user_id)[0][0]["text"] == "👍 Support #1 (1)"
    await s.say(MARIE, "/ideas")  # its author may not support her own idea
    await s.press(MARIE, MARIE.user_id, "i:sup:1:")
    assert _last_alert(env) == ("Vous ne pouvez pas soutenir votre propre idée.", True)
    await s.say(LUCIE, "/ideas")
    await s.press(LUCIE, LUCIE.user_id, "i:sup:1:")
    agenda = api.texts(WATER_CHAT)[-1]
    assert "2 soutiens" in agenda and "ordre du jour" in agenda
    kinds = [b["callback_data"] for row in api.last_buttons(WATER_CHAT) for b in row]
    assert "i:ans:1:planned" in kinds and "i:ms:1" in kinds

    # The agents answer, add a milestone, mark it reached, then say it is done.
    said = await _answer_by_reply(env, "i:ans:1:planned", "Au budget 2027")
    assert "3 habitant(s)" in said
    edited = api.of("editMessageText", WATER_CHAT)[-1]  # the card shows the answer given
    assert edited.params["message_id"] == card.result["message_id"]
    assert "Réponse officielle : <b>prévue</b> (Paul)" in edited.params["text"]
    assert (
        "prévue" in api.texts(MARIE.user_id)[-1]
        and "Au budget 2027" in api.texts(LUCIE.user_id)[-1]
    )
    assert "planned" in api.texts(JOHN.user_id)[-1]
    said = await _answer_by_reply(env, "i:ms:1", "Pose de la fontaine, 15/04/2027")
    assert "Étape ajoutée" in said
    assert "Pose de la fontaine (due on April 15, 2027)" in api.texts(JOHN.user_id)[-1]
    await s.press(WATER_AGENT_P, WATER_CHAT, "i:msd:1:")
    assert "Atteinte, marquée par Paul" in api.texts(WATER_CHAT)[-1]
    assert "Step reached" in api.texts(JOHN.user_id)[-1]
    await s.press(WATER_AGENT_P, WATER_CHAT, "i:msd:1:")  # the same button again
    assert _last_alert(env) == ("Cette étape est déjà marquée comme atteinte.", True)
    await _answer_by_reply(env, "i:ans:1:done", "La fontaine coule !")
    for who, words in ((MARIE, "grâce à vous"), (LUCIE, "grâce à vous"), (JOHN, "helped")):
        last = api.texts(who.user_id)[-1]
        assert "La fontaine coule" in last and words in last

    # A reply to the idea with no button pressed first gets a hint, and nothing is sent.
    before = len(api.texts(MARIE.user_id))
    agenda_id, _ = api.button(WATER_CHAT, "i:ans:1:planned")
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, agenda_id, "hello")
    assert "appuyez d'abord sur un bouton" in api.texts(WATER_CHAT)[-1]
    assert len(api.texts(MARIE.user_id)) == before


async def test_an_idea_spotted_in_a_message_and_a_similar_one_supported_instead(
    env: Env,
) -> None:
    api, s = env.api, env.story
    await s.say(JOHN, "It would be great to have more benches in the park")
    offer = api.texts(JOHN.user_id)[-1]
    assert "sounds like an idea" in offer
    verbs = [
        b["callback_data"].split(":")[1] for row in api.last_buttons(JOHN.user_id) for b in row
    ]
    assert verbs == ["idea", "asreport", "cancel"]
    await s.press(JOHN, JOHN.user_id, "d:idea:")
    assert "#1" in api.texts(JOHN.user_id)[-1]
    # Green spaces have no agents chat here: the town hall desk reviews it.
    await s.press(DESK_P, DESK_CHAT, "i:ok:1")
    assert await _state(env, 1) is IdeaState.PUBLISHED

    # Amy has the same idea: she is offered to support John's instead, and does.
    await s.say(AMY, "/idea more benches in the park")
    offer = api.texts(AMY.user_id)[-1]
    assert "Similar ideas" in offer and "#1" in offer
    await s.press(AMY, AMY.user_id, "d:isup:")
    assert "You support idea <b>#1</b> (1 supports)" in api.texts(AMY.user_id)[-1]
    async with env.runtime.deps.sessions() as ses:
        assert len((await ses.scalars(select(Idea))).all()) == 1


async def test_decline_by_reply_forged_buttons_and_unpublished_ideas(env: Env) -> None:
    api, s = env.api, env.story
    await s.say(MARIE, "/idea Une fontaine d'eau au parc")
    await s.say(JOHN, "/ideas")
    await _forge(env, JOHN, JOHN.user_id, "i:sup:1:0:s:")  # not published yet
    assert _last_alert(env) == ("This idea is not open to support.", True)
    await _forge(env, JOHN, JOHN.user_id, "i:zap:1")  # not one of ours
    assert _last_alert(env) == ("This button is no longer valid.", True)
    await _forge(env, JOHN, JOHN.user_id, "i:ok:1")  # a resident forging an agent's button
    assert _last_alert(env)[1] is True
    await _forge(env, JOHN, JOHN.user_id, "i:ans:1:planned")
    assert _last_alert(env)[1] is True
    assert await _state(env, 1) is IdeaState.PENDING_REVIEW

    said = await _answer_by_reply(env, "i:no:1", "Un projet de fontaine est déjà voté.")
    assert "refusée" in said
    assert await _state(env, 1) is IdeaState.DECLINED
    edited = api.of("editMessageText", WATER_CHAT)[-1]
    assert "Refusée par Paul : Un projet de fontaine" in edited.params["text"]
    assert "inline_keyboard" not in str(edited.params.get("reply_markup"))
    assert "déjà voté" in api.texts(MARIE.user_id)[-1]
    await _forge(env, WATER_AGENT_P, WATER_CHAT, "i:ok:1")  # reviewed already
    assert _last_alert(env) == ("Cette idée a déjà été examinée.", True)
    await _forge(env, WATER_AGENT_P, WATER_CHAT, "i:ans:1:planned")  # never published
    assert _last_alert(env) == ("Cette idée n'est pas ouverte au soutien.", True)


async def test_ideas_are_paged_sorted_and_filtered_by_service(env: Env) -> None:
    api, s, svc = env.api, env.story, env.runtime.deps
    await s.say(MARIE, "/start")
    async with svc.writing() as ses:
        marie = await ses.scalar(select(Resident.id))
        assert marie is not None
        for n in range(7):
            service = "water" if n < 6 else "culture"
            v = await ideas.submit(ses, marie, f"Idée numéro {n}", service, "fr", svc.clock())
            idea = await ses.get_one(Idea, v.id)
            ideas.publish(idea, svc.clock())
        await ses.commit()
    await s.say(JOHN, "/ideas")
    rows = api.last_buttons(JOHN.user_id)
    assert len(rows) == 7 and [b["callback_data"] for b in rows[-2]] == ["i:pg:1:s:"]
    assert [b["callback_data"] for b in rows[-1]] == ["i:pg:0:n:", "i:flt:s"]
    await s.press(JOHN, JOHN.user_id, "i:pg:1:s:")
    rows = api.last_buttons(JOHN.user_id)
    assert len(rows) == 4 and [b["callback_data"] for b in rows[-2]] == ["i:pg:0:s:"]

    await s.press(JOHN, JOHN.user_id, "i:flt:s")
    assert "Ideas for which service?" in api.texts(JOHN.user_id)[-1]
    await s.press(JOHN, JOHN.user_id, "i:pg:0:s:culture")
    page = api.texts(JOHN.user_id)[-1]
    assert "Culture" in page and "numéro 6" in page and "numéro 5" not in page
    await s.press(JOHN, JOHN.user_id, "i:pg:0:n:culture")
    assert "newest first" in api.texts(JOHN.user_id)[-1]


async def test_a_very_long_idea_still_fits_every_message(env: Env) -> None:
    api, s = env.api, env.story
    # Within bot.max_text_chars (4,000 with "/idea "): past it the message is refused.
    long = ("Des bancs et des fontaines dans tous les parcs de la ville, et de l'ombre. " * 140)[
        :3_990
    ].strip()
    await s.say(MARIE, f"/idea {long}")
    assert "#1" in api.texts(MARIE.user_id)[-1]
    (card,) = api.of("sendMessage", DESK_CHAT)  # parks have no agents chat here: the desk's
    assert 2_000 < len(card.params["text"]) <= 4_096 and card.params["text"].count("…") == 1
    await s.press(DESK_P, DESK_CHAT, "i:ok:1")
    assert await _state(env, 1) is IdeaState.PUBLISHED
    for _ in range(5):  # a page of five long ideas is still one message
        await s.say(MARIE, f"/idea {long}")
    for n in range(2, 7):
        await s.press(DESK_P, DESK_CHAT, f"i:ok:{n}")
    await s.say(JOHN, "/ideas")
    page = api.of("sendMessage", JOHN.user_id)[-1].params["text"]
    assert len(page) <= 4_096 and page.count("…") == 5  # five ideas, each cut
    async with env.runtime.deps.sessions() as ses:
        kept = await ses.scalar(select(Idea.text).where(Idea.id == 1))
    assert kept == long  # the whole text is kept; only what is shown is cut
