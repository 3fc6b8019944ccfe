"""Odd input found in review: presses in the wrong chat, forged ids, erased residents' traces,
long relayed words. Each gets a clear answer, changes nothing it should not, loses nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.demo.simulate import Person
from core.telegram_format import TEXT_LIMIT, visible_length
from storage.enums import ReportStatus
from storage.models import (
    Draft,
    InboxUpdate,
    OutboxMessage,
    Report,
    ReportEvent,
    Resident,
    Subscription,
)
from tests.conftest import WATER_CHAT
from tests.e2e.conftest import JOHN, MARIE, WATER_AGENT_P, Env
from tests.e2e.test_story import _report

#: Residents' buttons (and unknown data) that only make sense in the resident's private chat.
RESIDENT_PRESSES = ["p:export", "p:erase!", "l:en", "t:works", "c:train:y", "sv:1:y", "zzz"]


@pytest.mark.parametrize("data", RESIDENT_PRESSES)
async def test_a_resident_button_pressed_in_a_group_is_refused(env: Env, data: str) -> None:
    s, api = env.story, env.api
    rid = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    sent_to_group = len(api.of("sendMessage", WATER_CHAT))
    await s.post(s.updates.press(MARIE, s.updates.group(WATER_CHAT), 7, data))
    answer = api.of("answerCallbackQuery")[-1]
    assert answer.params["show_alert"] is True and "plus valable" in answer.params["text"]
    assert api.of("sendDocument") == []  # her data never lands in a group
    assert api.of("editMessageText", WATER_CHAT) == []
    assert api.of("editMessageReplyMarkup", WATER_CHAT) == []
    assert len(api.of("sendMessage", WATER_CHAT)) == sent_to_group
    async with env.runtime.deps.sessions() as db:
        who = await db.scalar(select(Resident))
        assert who is not None
        assert who.chat_id == MARIE.user_id  # her notices still come to her private chat
        assert who.language == "fr" and not who.language_chosen
        assert who.consent_training is not True
        assert await db.scalar(select(Subscription.id)) is None
        assert (await db.get_one(Report, rid)).text.startswith("Fuite")
    # And a status change still reaches her, not the agents' group.
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    assert "résolu" in api.texts(MARIE.user_id)[-1]


@pytest.mark.parametrize(
    ("who_is_agent", "data"),
    [
        (True, "a:res:²"),
        (True, "a:dupof:1:²"),
        (True, "i:msd:1:²"),
        (False, "d:ok:²"),
        (False, "m:²"),
        (False, "q:ans:²:yes"),
        (False, "sv:²:1"),
        (False, "i:sup:²:0"),
    ],
)
async def test_forged_non_ascii_digits_are_refused_at_once(
    env: Env, who_is_agent: bool, data: str
) -> None:
    """ "²" passes ``str.isdigit`` but not ``int``: the press must be refused, not crash."""
    s = env.story
    rid = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    who = WATER_AGENT_P if who_is_agent else MARIE
    chat = s.updates.group(WATER_CHAT) if who_is_agent else s.updates.private(MARIE)
    before = len(env.api.of("answerCallbackQuery"))
    await s.post(s.updates.press(who, chat, 7, data))
    answers = env.api.of("answerCallbackQuery")[before:]
    assert len(answers) == 1 and answers[0].params["show_alert"] is True
    async with env.runtime.deps.sessions() as db:
        row = await db.scalar(select(InboxUpdate).order_by(InboxUpdate.id.desc()).limit(1))
        assert row is not None and row.processed_at is not None
        assert row.attempts == 0 and row.last_error is None  # answered, not set aside
        assert (await db.get_one(Report, rid)).status is ReportStatus.NEW


async def test_erasure_leaves_no_words_in_the_inbox(env: Env) -> None:
    """The inbox keeps every update as Telegram sent it (text, name, ids): erasing a resident
    must remove their words from it too, not only from the reports."""
    s, me = env.story, MARIE.user_id
    await _report(env, MARIE, "Fuite d'eau devant chez moi, 3 rue des Lilas, 06 12 34 56 78")
    await s.say(MARIE, "/privacy")
    await s.press(MARIE, me, "p:erase")
    await s.press(MARIE, me, "p:erase!")
    assert "effacées" in env.api.texts(me)[-1]
    async with env.runtime.deps.sessions() as db:
        rows = (await db.scalars(select(InboxUpdate))).all()
    kept = json.dumps([r.payload for r in rows], ensure_ascii=False)
    assert "Lilas" not in kept and "06 12 34 56 78" not in kept
    assert "Marie" not in kept and str(me) not in kept
    async with env.runtime.deps.sessions() as db:  # nor in what was sent to or about her
        sent = (await db.scalars(select(OutboxMessage))).all()
    kept = json.dumps([r.payload for r in sent], ensure_ascii=False)
    assert "Lilas" not in kept and "Marie" not in kept
    assert any(r.telegram_message_id for r in sent)  # the history stays
    # Someone else's updates are kept as they were.
    await s.say(MARIE, "Bonjour")
    async with env.runtime.deps.sessions() as db:
        last = await db.scalar(select(InboxUpdate).order_by(InboxUpdate.id.desc()).limit(1))
    assert last is not None and last.payload["message"]["text"] == "Bonjour"


async def test_a_long_agent_reply_reaches_the_resident_whole(env: Env) -> None:
    """An agent may write up to 4096 characters; with the notice's header the message must
    still fit Telegram's limit (else it is refused and lost), and no word may be dropped."""
    s, me = env.story, MARIE.user_id
    await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    card = env.api.last_message_id(WATER_CHAT)
    words = " ".join(f"mot{i}" for i in range(800))[:4096]
    before = len(env.api.texts(me))
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, card, f"/reply {words}")
    assert len(env.api.texts(me)) == before  # shown to the agent first
    await s.press(WATER_AGENT_P, WATER_CHAT, "a:send:")
    got = env.api.texts(me)[before:]
    assert len(got) == 2 and all(visible_length(t) <= TEXT_LIMIT for t in got)
    assert all("#1" in t for t in got)
    assert _words(got) >= set(words.split())


async def test_a_long_resident_reply_reaches_the_agents_whole(env: Env) -> None:
    s, me = env.story, MARIE.user_id
    rid = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:prog:{rid}")
    notice = env.api.last_message_id(me)
    words = " ".join(f"mot{i}" for i in range(800))[:4096]
    before = len(env.api.texts(WATER_CHAT))
    await s.say(MARIE, words, reply_to=notice)
    got = [t for t in env.api.texts(WATER_CHAT)[before:] if "Marie" in t]
    assert len(got) == 2 and all(visible_length(t) <= TEXT_LIMIT for t in got)
    assert _words(got) >= set(words.split())
    assert "transmis" in env.api.texts(me)[-1]


def _words(messages: list[str]) -> set[str]:
    return {w for m in messages for w in m.split()}


@pytest.mark.parametrize("arg", ["r²_bad", "r999999_bad", "r1_" + "x" * 60, "r_", "r-1_x"])
async def test_a_start_link_with_an_odd_argument_greets(env: Env, arg: str) -> None:
    await env.story.say(MARIE, f"/start {arg}")
    texts = env.api.texts(MARIE.user_id)
    assert len(texts) == 2 and "Bonjour Marie" in texts[0]
    async with env.runtime.deps.sessions() as db:
        row = await db.scalar(select(InboxUpdate).order_by(InboxUpdate.id.desc()).limit(1))
    assert row is not None and row.processed_at is not None and row.attempts == 0


async def test_duplicate_pressed_twice_or_across_services_tells_once(env: Env) -> None:
    s, api = env.story, env.api
    first = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    second = await _report(env, JOHN, "Water leak on Victor Hugo street near the school")
    roads = await _report(env, JOHN, "Nid de poule énorme avenue Jean Jaurès")
    chat = s.updates.group(WATER_CHAT)
    before = len(api.texts(JOHN.user_id))
    for _ in range(2):  # a double tap, before the card's buttons are refreshed
        await s.post(s.updates.press(WATER_AGENT_P, chat, 7, f"a:dupof:{second}:{first}"))
    told = api.texts(JOHN.user_id)[before:]
    assert len(told) == 1 and f"#{first}" in told[0]
    assert (
        api.of("answerCallbackQuery")[-1].params["text"] == "Le signalement avait déjà ce statut."
    )
    # A forged press pointing at another service's report changes nothing.
    await s.post(s.updates.press(WATER_AGENT_P, chat, 7, f"a:dupof:{second}:{roads}"))
    assert api.of("answerCallbackQuery")[-1].params["show_alert"] is True
    assert len(api.texts(JOHN.user_id)) == before + 1
    async with env.runtime.deps.sessions() as db:
        assert (await db.get_one(Report, second)).duplicate_of == first
        events = await db.scalar(
            select(func.count())
            .select_from(ReportEvent)
            .where(ReportEvent.report_id == second)
            .where(ReportEvent.new_status == ReportStatus.DUPLICATE)
        )
    assert events == 1


def _edited(env: Env, who: Person, **content: Any) -> dict[str, Any]:
    update = env.story.updates._message(who, env.story.updates.private(who), **content)
    update["edited_message"] = {**update.pop("message"), "edit_date": 1}
    return update


async def test_an_edited_message_does_not_become_the_address(env: Env) -> None:
    s, me = env.story, MARIE.user_id
    await s.say(MARIE, "Trottoir défoncé devant la boulangerie")
    await s.press(MARIE, me, "d:ok")
    assert "Où est-ce" in env.api.texts(me)[-1]
    await s.post(_edited(env, MARIE, text="Trottoir défoncé devant la boulangerie du marché"))
    assert "nouveau message" in env.api.texts(me)[-1]
    async with env.runtime.deps.sessions() as db:
        draft = await db.scalar(select(Draft))
    assert draft is not None and draft.step == "place" and "address" not in draft.data
    # A live location's moves are edits too: they pass in silence.
    sent = len(env.api.texts(me))
    await s.post(_edited(env, MARIE, location={"latitude": 45.7, "longitude": 4.8}))
    assert len(env.api.texts(me)) == sent
    await s.post(s.updates.location(MARIE, 45.76, 4.83))  # the place, as a new message
    async with env.runtime.deps.sessions() as db:
        draft = await db.scalar(select(Draft))
    assert draft is not None and draft.data["lat"] == 45.76
