"""The town's side of an idea: what agents' replies do, answers, milestones and reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from core.actors import NotAllowed
from core.deps import Deps
from core.ideas import answers as idea_answers
from core.ideas import proposals as ideas
from core.ideas.answers import ANSWER, DECLINE, EDIT, MILESTONE
from storage.enums import IdeaAnswerKind, IdeaState, OutboxKind, OutboxPurpose
from storage.models import Idea, IdeaAnswer, IdeaMilestone, OutboxMessage
from tests.conftest import WATER_CHAT, Clock
from tests.core.ideas.test_proposals import (
    DESK,
    ROADS,
    WATER,
    _published,
    _residents,
    _rows,
    _submit,
)


async def _reply(svc: Deps, idea_id: int, text: str) -> idea_answers.Replied:
    async with svc.sessions() as s:
        done = await idea_answers.on_reply(s, svc, WATER, idea_id, text, svc.clock())
        await s.commit()
    return done


async def _ask(svc: Deps, idea_id: int, what: str, kind: str = "") -> None:
    async with svc.sessions() as s:
        await idea_answers.ask(s, svc, WATER, idea_id, what, svc.clock(), kind)
        await s.commit()


async def _idea(svc: Deps, idea_id: int) -> Idea:
    async with svc.sessions() as s:
        return await s.get_one(Idea, idea_id)


async def test_an_edit_by_reply_publishes_the_agents_text(svc: Deps) -> None:
    (author,) = await _residents(svc, 1)
    idea_id = await _submit(svc, author, "Un banc devant chez moi, 12 rue Haute, 0612345678")
    with pytest.raises(NotAllowed) as nothing:  # a reply with no button pressed first
        await _reply(svc, idea_id, "Un banc rue Haute")
    assert nothing.value.key == "idea.reply_nothing_pending"

    await _ask(svc, idea_id, EDIT)
    (prompt,) = await _rows(svc)
    assert prompt.chat_id == WATER_CHAT and prompt.idea_id == idea_id
    assert prompt.payload["force_reply"] and "Paul" in prompt.payload["text"]
    with pytest.raises(NotAllowed) as empty:
        await _reply(svc, idea_id, "   ")
    assert empty.value.key == "idea.reply_empty"

    async with svc.sessions() as s:  # another agent of the desk: not the one who pressed
        with pytest.raises(NotAllowed) as colleague:
            await idea_answers.on_reply(s, svc, DESK, idea_id, "Autre texte", svc.clock())
    assert colleague.value.key == "idea.reply_not_yours"
    done = await _reply(svc, idea_id, "Un banc rue Haute")
    assert done.what == EDIT
    idea = await _idea(svc, idea_id)
    assert idea.state is IdeaState.PUBLISHED and idea.redacted_text == "Un banc rue Haute"
    assert idea.pending is None and "0612345678" in idea.text  # the author keeps the original
    told, card = (await _rows(svc))[-2:]
    assert told.chat_id == 80_000 and "publiée" in told.payload["text"]
    assert card.chat_id == WATER_CHAT and card.payload["idea_card"] == idea_id  # edits the card
    assert "Un banc rue Haute" in card.payload["text"]
    with pytest.raises(NotAllowed):  # reviewed: Edit and Decline no longer apply
        await _ask(svc, idea_id, DECLINE)


async def test_a_decline_by_reply_tells_the_author_the_reason(svc: Deps) -> None:
    (author,) = await _residents(svc, 1)
    idea_id = await _submit(svc, author, "Un casino municipal")
    await _ask(svc, idea_id, DECLINE)
    async with svc.sessions() as s:
        with pytest.raises(NotAllowed) as refused:  # not a water agent
            await idea_answers.on_reply(s, svc, ROADS, idea_id, "non", svc.clock())
    assert refused.value.key == "agent.not_allowed"
    done = await _reply(svc, idea_id, "Les jeux d'argent ne relèvent pas de la commune")
    assert done.what == DECLINE
    idea = await _idea(svc, idea_id)
    assert idea.state is IdeaState.DECLINED and idea.decline_reason is not None
    told = (await _rows(svc))[-2]
    assert told.chat_id == 80_000 and "ne relèvent pas" in told.payload["text"]


async def test_answers_and_milestones_by_reply_reach_every_follower(
    svc: Deps, clock: Clock
) -> None:
    author, fan, fan2 = await _residents(svc, 3)
    idea_id = await _published(svc, author, "Des bancs au parc")
    for r in (fan, fan2):
        async with svc.sessions() as s:
            await ideas.toggle_support(s, svc, r, idea_id, clock())
            await s.commit()
    with pytest.raises(NotAllowed) as stale:
        await _ask(svc, idea_id, ANSWER, "maybe")
    assert stale.value.key == "idea.stale_button"

    last = (await _rows(svc))[-1].id
    await _ask(svc, idea_id, ANSWER, "planned")
    done = await _reply(svc, idea_id, "Au budget 2027")
    assert (done.what, done.kind, done.told) == (ANSWER, IdeaAnswerKind.PLANNED, 3)
    async with svc.sessions() as s:
        current = await idea_answers.current_answer(s, idea_id)
    assert current is not None and current.kind is IdeaAnswerKind.PLANNED
    assert current.agent_name == "Paul" and current.text == "Au budget 2027"

    await _ask(svc, idea_id, MILESTONE)
    done = await _reply(svc, idea_id, "Pose des bancs, 15/04/2027")
    assert (done.what, done.told) == (MILESTONE, 3)
    async with svc.sessions() as s:
        m = await s.scalar(select(IdeaMilestone))
    assert m is not None and (m.title, m.due_on) == ("Pose des bancs", date(2027, 4, 15))
    rows = await _rows(svc, last)
    residents_told = [r for r in rows if r.purpose is OutboxPurpose.IDEA and r.chat_id > 0]
    (card,) = [r for r in rows if r.kind is OutboxKind.EDIT_CARD]  # the answer, on the card
    assert card.chat_id == WATER_CHAT and "Au budget 2027" in card.payload["text"]
    assert len(residents_told) == 6 and {r.chat_id for r in residents_told} == {
        80_000,
        80_001,
        80_002,
    }
    assert any("15 avril 2027" in r.payload["text"] for r in residents_told)

    clock.advance(days=100)
    async with svc.sessions() as s:
        with pytest.raises(NotAllowed):  # roads agents cannot close a water milestone
            await idea_answers.milestone_done(s, svc, ROADS, idea_id, m.id, clock())
        reached = await idea_answers.milestone_done(s, svc, WATER, idea_id, m.id, clock())
        assert reached.told == 3 and "Pose des bancs" in reached.card and "Paul" in reached.card
        await s.commit()
    async with svc.sessions() as s:
        with pytest.raises(NotAllowed) as twice:
            await idea_answers.milestone_done(s, svc, WATER, idea_id, m.id, clock())
    assert twice.value.key == "idea.milestone_already_done"

    async with svc.sessions() as s:
        told = await idea_answers.answer(
            s, svc, DESK, idea_id, IdeaAnswerKind.DONE, "Les bancs sont posés", clock()
        )
        await s.commit()
        kinds = (await s.scalars(select(IdeaAnswer.kind).order_by(IdeaAnswer.id))).all()
    assert told == 3 and kinds == [IdeaAnswerKind.PLANNED, IdeaAnswerKind.DONE]
    thanks = [r.payload["text"] for r in (await _rows(svc))[-3:]]
    assert all("Merci" in t or "Thank you" in t for t in thanks)


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("Pose des bancs, 15/04/2027", "Pose des bancs", date(2027, 4, 15)),
        ("Benches installed 2027-04-15", "Benches installed", date(2027, 4, 15)),
        ("Étude – 1/3/2027.", "Étude", date(2027, 3, 1)),
        ("Étude de faisabilité", "Étude de faisabilité", None),
        ("Budget 31/02/2027", "Budget 31/02/2027", None),  # no such day: not guessed
        ("15/04/2027", "15/04/2027", None),  # a date alone is no title
    ],
)
def test_a_milestone_reply_is_a_title_then_perhaps_a_date(
    text: str, title: str, due: date | None
) -> None:
    assert idea_answers.parse_milestone(text) == (title, due)


async def test_agents_are_reminded_until_they_answer(svc: Deps, clock: Clock) -> None:
    author, fan = await _residents(svc, 2)
    idea_id = await _published(svc, author, "Une fontaine place du marché")
    deps = replace(svc, settings=replace(svc.settings, idea_threshold=1, idea_remind_days=3))
    async with svc.sessions() as s:
        assert (await ideas.toggle_support(s, deps, fan, idea_id, clock())).on_agenda
        await s.commit()

    async def remind() -> int:
        async with svc.sessions() as s:
            n = await idea_answers.remind_due(s, deps, clock())
            await s.commit()
        return n

    assert await remind() == 0
    clock.advance(days=2)
    assert await remind() == 0
    clock.advance(days=1)
    assert await remind() == 1
    assert await remind() == 0  # not twice in a row
    reminder = (await _rows(svc))[-1]
    assert reminder.chat_id == WATER_CHAT and "Rappel" in reminder.payload["text"]
    assert reminder.idea_id == idea_id and reminder.payload["buttons"]
    clock.advance(days=3)
    assert await remind() == 1
    async with svc.sessions() as s:
        await idea_answers.answer(
            s, deps, WATER, idea_id, IdeaAnswerKind.UNDER_STUDY, "On regarde", clock()
        )
        await s.commit()
    clock.advance(days=30)
    assert await remind() == 0  # answered: no more reminders


async def test_the_reminder_job_runs_on_the_services(svc: Deps, clock: Clock) -> None:
    author, fan = await _residents(svc, 2)
    idea_id = await _published(svc, author, "Une fontaine place du marché")
    async with svc.sessions() as s:
        await ideas.toggle_support(
            s, replace(svc, settings=replace(svc.settings, idea_threshold=1)), fan, idea_id, clock()
        )
        await s.commit()
    clock.advance(days=svc.settings.idea_remind_days)
    assert await idea_answers.remind_job(svc) == 1
    async with svc.sessions() as s:
        n = await s.scalar(select(OutboxMessage.id).where(OutboxMessage.idea_id == idea_id))
    assert n is not None


async def test_a_long_reason_is_told_whole_and_quoted_short_on_the_card(svc: Deps) -> None:
    (author,) = await _residents(svc, 1)
    idea_id = await _submit(svc, author, "Un téléphérique " * 300)
    await _ask(svc, idea_id, DECLINE)
    reason = "Trop cher pour la commune. " * 200  # cut to MAX_TEXT by the reply
    await _reply(svc, idea_id, reason)
    told, card = (await _rows(svc))[-2:]
    assert len(told.payload["text"]) <= 4_096 and "Trop cher" in told.payload["text"]
    assert card.payload["idea_card"] == idea_id and len(card.payload["text"]) <= 4_096
