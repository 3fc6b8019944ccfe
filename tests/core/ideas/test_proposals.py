"""Ideas: review, supports once per resident, the agenda threshold, answers to every follower."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.actors import AgentRef, NotAllowed
from core.callbacks import IdeaOrder
from core.deps import Deps
from core.ideas import answers as idea_answers
from core.ideas import proposals as ideas
from core.residents import privacy
from storage.enums import IdeaAnswerKind, IdeaState, OutboxKind, OutboxPurpose
from storage.models import Idea, OutboxMessage
from tests.conftest import DESK_AGENT, DESK_CHAT, ROADS_AGENT, WATER_AGENT, WATER_CHAT, Clock
from tests.core.conftest import add_residents

WATER = AgentRef(WATER_AGENT, "Paul")
DESK = AgentRef(DESK_AGENT, "Zoé")
ROADS = AgentRef(ROADS_AGENT, "Rita")


async def _residents(svc: Deps, n: int, base: int = 80_000) -> list[int]:
    return await add_residents(svc, n, base)


async def _rows(svc: Deps, after: int = 0) -> list[OutboxMessage]:
    async with svc.sessions() as s:
        q = select(OutboxMessage).where(OutboxMessage.id > after).order_by(OutboxMessage.id)
        return list((await s.scalars(q)).all())


async def _submit(svc: Deps, author: int, text: str, service: str = "water") -> int:
    async with svc.sessions() as s:
        idea = await ideas.submit(s, author, text, service, "fr", svc.clock())
        await s.commit()
    assert idea.state is IdeaState.PENDING_REVIEW
    return idea.id


async def _published(svc: Deps, author: int, text: str, service: str = "water") -> int:
    idea_id = await _submit(svc, author, text, service)
    async with svc.sessions() as s:
        await ideas.approve(s, svc, DESK, idea_id, svc.clock())
        await s.commit()
    return idea_id


async def _toggle(
    svc: Deps, resident: int, idea_id: int, deps: Deps | None = None
) -> ideas.Supported:
    async with svc.sessions() as s:
        done = await ideas.toggle_support(s, deps or svc, resident, idea_id, svc.clock())
        await s.commit()
    return done


async def test_the_story_of_an_idea(svc: Deps, clock: Clock) -> None:
    author, *others = await _residents(svc, 4)
    idea_id = await _submit(svc, author, "Une fontaine place du marché, appelez-moi 0612345678")
    with pytest.raises(NotAllowed) as refused:
        await _toggle(svc, others[0], idea_id)  # not published yet
    assert refused.value.key == "idea.not_published"

    async with svc.sessions() as s:
        with pytest.raises(NotAllowed):  # roads agents do not review water ideas
            await ideas.approve(s, svc, ROADS, idea_id, clock())
        shown = await ideas.approve(
            s, svc, WATER, idea_id, clock(), text="Une fontaine place du marché"
        )
        await s.commit()
    assert shown.state is IdeaState.PUBLISHED and shown.text == "Une fontaine place du marché"
    told, card = await _rows(svc)
    assert told.chat_id == 80_000 and f"#{idea_id}" in told.payload["text"]
    assert (card.chat_id, card.kind, card.payload["idea_card"]) == (
        WATER_CHAT,
        OutboxKind.EDIT_CARD,
        idea_id,
    )
    assert "Paul" in card.payload["text"] and "[téléphone]" in card.payload["text"]
    assert "0612345678" not in card.payload["text"]  # the whole group reads the card

    with pytest.raises(NotAllowed) as refused:
        await _toggle(svc, author, idea_id)
    assert refused.value.key == "idea.own"

    three = replace(svc, settings=replace(svc.settings, idea_threshold=3))
    counts = [(await _toggle(svc, r, idea_id, three)).count for r in others]
    assert counts == [1, 2, 3]
    again = await _toggle(svc, others[2], idea_id, three)  # pressed twice: withdrawn
    assert (again.supporting, again.count, again.on_agenda) == (False, 2, False)
    back = await _toggle(svc, others[2], idea_id, three)
    assert (back.supporting, back.count, back.on_agenda) == (True, 3, False)  # told once only
    notices = [r for r in await _rows(svc) if r.purpose is OutboxPurpose.NOTICE]
    assert [n.chat_id for n in notices] == [WATER_CHAT]
    assert "fontaine" in notices[0].payload["text"]
    answers = [b[1] for row in notices[0].payload["buttons"] for b in row]
    assert f"i:ans:{idea_id}:planned" in answers and f"i:ms:{idea_id}" in answers
    assert notices[0].idea_id == idea_id  # a reply to it acts on the idea
    assert "0612345678" not in notices[0].payload["text"]
    async with svc.sessions() as s:
        row = await s.get_one(Idea, idea_id)
    assert row.supports == 3 and row.on_agenda_at is not None

    last = (await _rows(svc))[-1].id
    clock.now = datetime(2026, 11, 26, 21, 30, tzinfo=UTC)  # 22:30 in Paris: quiet
    async with svc.sessions() as s:
        with pytest.raises(NotAllowed):
            await idea_answers.answer(s, svc, ROADS, idea_id, IdeaAnswerKind.PLANNED, "x", clock())
        told_n = await idea_answers.answer(
            s, svc, WATER, idea_id, IdeaAnswerKind.PLANNED, "Budget 2027", clock()
        )
        told_m = await idea_answers.add_milestone(
            s, svc, WATER, idea_id, "Étude", date(2027, 3, 1), clock()
        )
        await s.commit()
    assert told_n == told_m == 4
    rows = await _rows(svc, last)
    answered, card = [r for r in rows if r.chat_id == WATER_CHAT]
    assert answered.kind is OutboxKind.EDIT_CARD and "Budget 2027" in answered.payload["text"]
    assert card.idea_id == idea_id and card.payload["buttons"][0][0][1].startswith("i:msd:")
    rows = [r for r in rows if r.chat_id != WATER_CHAT]  # the milestone, to mark reached
    assert sorted(r.chat_id for r in rows) == sorted([80_000, 80_001, 80_002, 80_003] * 2)
    morning = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 in Paris
    assert all(r.not_before == morning and r.purpose is OutboxPurpose.IDEA for r in rows)
    by_chat = {r.chat_id: r.payload["text"] for r in rows[:4]}
    assert "prévue" in by_chat[80_000] and "planned" in by_chat[80_001]
    assert "Budget 2027" in by_chat[80_002]
    assert "March 1, 2027" in rows[-1].payload["text"]  # the last follower reads English


async def test_a_declined_idea_tells_its_author_why(svc: Deps) -> None:
    author, other = await _residents(svc, 2)
    idea_id = await _submit(svc, author, "Un casino sur le parking")
    async with svc.sessions() as s:
        done = await ideas.decline(s, svc, DESK, idea_id, "Hors <compétence>", svc.clock())
        await s.commit()
    assert done.state is IdeaState.DECLINED and done.decline_reason == "Hors <compétence>"
    told, card = await _rows(svc)
    assert told.chat_id == 80_000 and "Hors &lt;compétence&gt;" in told.payload["text"]
    assert card.chat_id == WATER_CHAT and "Zoé" in card.payload["text"]  # the desk may decline
    assert card.payload["buttons"] == []  # declined: nothing left to press
    with pytest.raises(NotAllowed):
        await _toggle(svc, other, idea_id)
    async with svc.sessions() as s:
        with pytest.raises(NotAllowed) as refused:
            await ideas.approve(s, svc, DESK, idea_id, svc.clock())
    assert refused.value.key == "idea.already_reviewed"
    async with svc.sessions() as s:
        assert await ideas.published(s) == []


async def test_an_idea_whose_service_has_no_chat_goes_on_the_desk_agenda(svc: Deps) -> None:
    author, fan = await _residents(svc, 2)
    idea_id = await _published(svc, author, "Un concert au parc", "culture")
    done = await _toggle(
        svc,
        fan,
        idea_id,
        replace(svc, settings=replace(svc.settings, idea_thresholds=(("culture", 1),))),
    )
    assert done.on_agenda and done.count == 1
    notices = [r for r in await _rows(svc) if r.purpose is OutboxPurpose.NOTICE]
    assert [n.chat_id for n in notices] == [DESK_CHAT]


async def test_similar_ideas_and_pages_of_published_ones(svc: Deps, clock: Clock) -> None:
    a, b, c = await _residents(svc, 3)
    fountain = await _published(svc, a, "Installer une fontaine à eau au parc des Tilleuls")
    clock.advance(minutes=1)
    bottles = await _published(svc, b, "Des points de recharge pour gourdes en ville")
    clock.advance(minutes=1)
    await _submit(svc, c, "Une fontaine à eau au parc des Tilleuls svp")  # pending: not shown
    await _published(svc, c, "Une fontaine à eau au parc des Tilleuls", "roads")  # elsewhere
    await _toggle(svc, c, fountain)

    async with svc.sessions() as s:
        found = await ideas.similar(s, "une fontaine au parc des Tilleuls", "water")
        exact = await ideas.similar(
            s, "Des points de recharge pour gourdes en ville", "water", svc.nlp.similarity
        )
        newest = await ideas.published(s, "water")
        most = await ideas.published(s, "water", IdeaOrder.SUPPORTED)
        second = await ideas.published(s, "water", offset=1, limit=1)
        everywhere = await ideas.published(s)
    assert [i.id for i in found] == [fountain]
    assert [i.id for i in exact] == [bottles]
    assert [i.id for i in newest] == [bottles, fountain]
    assert [i.id for i in most] == [fountain, bottles] and most[0].supports == 1
    assert [i.id for i in second] == [fountain]
    assert len(everywhere) == 3
    assert ideas.word_overlap("fontaine parc", "parc fontaine") == 1.0
    assert ideas.word_overlap("", "parc") == 0.0


async def test_export_and_erasure_of_a_residents_ideas(svc: Deps, clock: Clock) -> None:
    author, fan = await _residents(svc, 2)
    shown = await _submit(svc, author, "Des bancs au parc, mon 06 12 34 56 78")
    async with svc.sessions() as s:
        await ideas.approve(s, svc, WATER, shown, clock(), text="Des bancs au parc")
        await s.commit()
    hidden = await _submit(svc, author, "Un parking sous ma maison, 3 rue Haute")
    theirs = await _published(svc, fan, "Une fontaine place du marché")
    await _toggle(svc, author, theirs)
    async with svc.sessions() as s:
        await idea_answers.answer(
            s, svc, WATER, shown, IdeaAnswerKind.UNDER_STUDY, "On regarde", clock()
        )
        doc = await privacy.export(s, author)
        await s.commit()
    assert [i["reference"] for i in doc["ideas"]] == [shown, hidden]
    assert "06 12 34 56 78" in doc["ideas"][0]["text"]
    assert doc["ideas"][0]["published_text"] == "Des bancs au parc"
    assert doc["ideas"][0]["answers"][0]["answer"] == "under_study"
    assert doc["ideas_supported"] == [theirs]

    async with svc.sessions() as s:
        await privacy.erase(s, svc, author, clock())
        await s.commit()
    async with svc.sessions() as s:
        kept = await s.get_one(Idea, shown)
        gone = await s.get_one(Idea, hidden)
        other = await s.get_one(Idea, theirs)
    assert kept.text == kept.redacted_text == "Des bancs au parc"  # what was published stays
    assert kept.state is IdeaState.PUBLISHED
    assert (gone.text, gone.redacted_text, gone.state) == ("—", "—", IdeaState.DECLINED)
    assert other.supports == 0  # the support is withdrawn
