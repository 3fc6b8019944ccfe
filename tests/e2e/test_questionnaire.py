"""'Was it fixed?' end to end: resolved by an agent, asked a day later, "no" reopens it."""

from __future__ import annotations

from sqlalchemy import select

from bot.demo.simulate import Person
from storage.enums import ActorKind, QuestionnaireState, ReportStatus
from storage.models import Questionnaire, Report, ReportEvent
from tests.conftest import WATER_CHAT, Clock
from tests.e2e.conftest import JOHN, MARIE, WATER_AGENT_P, Env
from tests.e2e.test_story import _report


def _button(env: Env, chat: int, suffix: str) -> str:
    """The callback data of the newest button of ``chat`` ending with ``suffix``."""
    for row in env.api.last_buttons(chat):
        for b in row:
            if str(b["callback_data"]).endswith(suffix):
                return str(b["callback_data"])
    raise LookupError(suffix)


def _questions(env: Env, chat: int) -> list[str]:
    """The questionnaire questions ``chat`` received (messages with answer buttons)."""
    return [
        str(c.params["text"])
        for c in env.api.of("sendMessage", chat)
        if any(
            str(b["callback_data"]).startswith("q:ans:")
            for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        )
    ]


async def _not_fixed_story(env: Env, clock: Clock, who: Person, text: str) -> dict[str, str]:
    """Report, resolved from the card, a day later "is it fixed?" → No → 2 → a comment.

    Returns what the resident was shown at each step."""
    api, s, me = env.api, env.story, who.user_id
    rid = await _report(env, who, text)
    (card,) = api.of("sendMessage", WATER_CHAT)
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    seen = {"resolved": api.texts(me)[-1]}

    clock.advance(hours=23)
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    assert api.texts(me)[-1] == seen["resolved"]  # not yet
    clock.advance(hours=1)
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    seen["question"] = api.texts(me)[-1]
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    assert len(_questions(env, me)) == 1  # asked once

    await s.press(who, me, _button(env, me, ":no"))
    seen["reopened"] = api.texts(me)[-1]  # the question, edited
    async with env.runtime.deps.sessions() as db:
        report = await db.get_one(Report, rid)
        last = await db.scalar(select(ReportEvent).order_by(ReportEvent.id.desc()).limit(1))
    assert report.status is ReportStatus.REOPENED
    assert last is not None and last.actor_kind is ActorKind.RESIDENT
    assert (last.old_status, last.new_status) == (ReportStatus.RESOLVED, ReportStatus.REOPENED)
    notice = api.of("sendMessage", WATER_CHAT)[-1]
    assert f"#{rid} rouvert" in notice.params["text"] and who.first_name in notice.params["text"]
    assert notice.params["reply_parameters"]["message_id"] == card.result["message_id"]
    edit = api.of("editMessageText", WATER_CHAT)[-1]
    assert edit.params["message_id"] == card.result["message_id"]
    assert "Statut : rouvert" in edit.params["text"]
    assert any(
        b["callback_data"] == f"a:res:{rid}" for row in api.last_buttons(WATER_CHAT) for b in row
    )

    await s.press(who, me, _button(env, me, ":2"))
    seen["rated"] = api.of("editMessageText", me)[-1].params["text"]
    prompt = api.of("sendMessage", me)[-1]
    assert prompt.params["reply_markup"]["force_reply"] is True
    seen["prompt"] = prompt.params["text"]

    await s.say(
        who, "Il y a encore une flaque / still a puddle", reply_to=prompt.result["message_id"]
    )
    seen["thanks"] = api.texts(me)[-1]
    comment = api.of("sendMessage", WATER_CHAT)[-1]
    assert "encore une flaque / still a puddle" in comment.params["text"]
    assert "2/5" in comment.params["text"]
    assert comment.params["reply_parameters"]["message_id"] == card.result["message_id"]
    async with env.runtime.deps.sessions() as db:
        q = await db.scalar(select(Questionnaire))
    assert q is not None and q.state is QuestionnaireState.ANSWERED
    assert (q.answer, q.rating, q.comment) == ("no", 2, "Il y a encore une flaque / still a puddle")
    return seen


async def test_not_fixed_in_french(env: Env, clock: Clock) -> None:
    seen = await _not_fixed_story(env, clock, MARIE, "Grosse fuite d'eau rue Victor Hugo")
    assert "#1 (Eau) a été marqué comme résolu. Le problème est-il réglé ?" in seen["question"]
    assert "Le signalement #1 est rouvert" in seen["reopened"]
    assert "de 1 (mauvais) à 5 (excellent)" in seen["reopened"]
    assert "Merci pour votre note (2/5)" in seen["rated"]
    assert "répondez à ce message" in seen["prompt"]
    assert seen["thanks"].startswith("Merci ! Votre commentaire a été transmis")


async def test_not_fixed_in_english(env: Env, clock: Clock) -> None:
    seen = await _not_fixed_story(env, clock, JOHN, "Water leaking from a pipe on Elm Street")
    assert "Your report #1 (Water) was marked as resolved. Is it fixed?" in seen["question"]
    assert "Report #1 is reopened and Water has been told" in seen["reopened"]
    assert "from 1 (poor) to 5 (excellent)" in seen["reopened"]
    assert "Thank you for your rating (2/5)" in seen["rated"]
    assert "reply to this message with a comment, or press Skip" in seen["prompt"]
    assert seen["thanks"].startswith("Thank you! Your comment has been passed")


async def test_still_open_after_four_weeks_then_no_longer_a_problem(env: Env, clock: Clock) -> None:
    api, s, me = env.api, env.story, MARIE.user_id
    rid = await _report(env, MARIE, "Fuite d'eau sur le trottoir rue Pasteur")
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:ack:{rid}")
    clock.advance(days=28, hours=1)
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    assert "fait le 26/11/2026, est toujours ouvert" in api.texts(me)[-1]
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    assert len(_questions(env, me)) == 1  # asked once
    no = _button(env, me, ":no")
    await s.press(MARIE, me, no)
    assert f"Le signalement #{rid} est maintenant clos comme résolu" in api.texts(me)[-1]
    assert f"#{rid} clos comme résolu" in api.of("sendMessage", WATER_CHAT)[-1].params["text"]
    card_edit = api.of("editMessageText", WATER_CHAT)[-1].params
    assert "Statut : résolu (par Marie)" in card_edit["text"]
    assert not card_edit.get("reply_markup")  # closed: the card loses its buttons
    await s.press(MARIE, me, no)  # the same button again: nothing changes
    assert api.of("answerCallbackQuery")[-1].params["text"] == "Vous avez déjà répondu, merci !"
    clock.advance(days=2)  # she said it is fixed: she is not asked "is it fixed?"
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    assert len(_questions(env, me)) == 1
