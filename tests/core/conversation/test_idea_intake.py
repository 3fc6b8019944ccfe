"""Ideas in the resident's conversation: spotted by the NLP or sent with /idea, similar ones
offered to support instead."""

from __future__ import annotations

from sqlalchemy import select

from core.callbacks import DraftVerb
from core.conversation.intake import Intake
from core.deps import Deps
from core.ideas import proposals as ideas
from core.messages import Buttons
from core.residents import directory as residents
from nlp.types import Classification, Intent
from storage.enums import IdeaState, OutboxPurpose
from storage.models import Idea, IdeaSupport, OutboxMessage
from tests.conftest import WATER_CHAT
from tests.core.conftest import FixedClassifier
from tests.core.conversation.test_intake import _data, _intake
from tests.core.ideas.test_answers import WATER

IDEA = Classification("water", 0.9, (("green_spaces", 0.05),), Intent.IDEA, "fr")


def _verbs(buttons: Buttons | None) -> list[str]:
    return [d.split(":")[1] for row in buttons or [] for _, d in row]


async def test_an_idea_spotted_by_the_nlp_is_confirmed_then_sent_for_review(
    svc: Deps,
) -> None:
    assert isinstance(svc.nlp, FixedClassifier)
    svc.nlp.answer = IDEA
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (offer,) = await it.text("il faudrait une fontaine à eau au parc")
        assert "idée" in offer.text and "Eau" in offer.text
        assert _verbs(offer.buttons) == ["idea", "asreport", "cancel"]
        (thanks,) = await it.press(_data(offer, "d:idea:"))
        await s.commit()
        idea = await s.scalar(select(Idea))
        card = await s.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == WATER_CHAT))
    assert "#1" in thanks.text and idea is not None
    assert idea.state is IdeaState.PENDING_REVIEW and idea.service_code == "water"
    assert card is not None and card.idea_id == idea.id and card.purpose is OutboxPurpose.IDEA
    assert [b[1] for b in card.payload["buttons"][0]] == ["i:ok:1", "i:edit:1"]


async def test_the_resident_says_it_is_a_problem_after_all(svc: Deps) -> None:
    assert isinstance(svc.nlp, FixedClassifier)
    svc.nlp.answer = IDEA
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (offer,) = await it.text("il faudrait réparer la fuite rue Haute")
        (suggestion,) = await it.press(_data(offer, "d:asreport:"))
        assert "<b>Eau</b>" in suggestion.text  # the report conversation goes on
        await it.press(_data(suggestion, "d:ok:"))
        await s.commit()
        assert await s.scalar(select(Idea)) is None
    # a stale press of the idea's button, once the draft has moved on, changes nothing
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (stale,) = await it.press(_data(offer, "d:idea:"))
        assert stale.alert and await s.scalar(select(Idea)) is None


async def test_slash_idea_offers_similar_ideas_to_support_instead(svc: Deps) -> None:
    assert isinstance(svc.nlp, FixedClassifier)
    svc.nlp.answer = IDEA
    async with svc.sessions() as s:  # someone else's published idea, in the same words
        someone = await residents.touch(s, 99, 99, "Bo", "fr", svc.clock())
        v = await ideas.submit(s, someone.id, "a fountain in the park", "water", "en", svc.clock())
        await ideas.approve(s, svc, WATER, v.id, svc.clock())
        await s.commit()
    async with svc.sessions() as s:
        it = await _intake(svc, s, "en")
        (offer,) = await it.idea("a fountain in the park")
        assert "Similar ideas" in offer.text and f"#{v.id}" in offer.text
        assert _verbs(offer.buttons) == [DraftVerb.IDEA_SUPPORT.value, "idea", "cancel"]
        forged = _data(offer, "d:isup:")
        (refused,) = await it.press(type(forged)(forged.verb, forged.draft_id, "999"))
        assert refused.alert
        (supported,) = await it.press(forged)
        await s.commit()
        assert f"#{v.id}" in supported.text and "(1 supports)" in supported.text
        assert await s.scalar(select(IdeaSupport.resident_id)) == it.resident.id
        assert len((await s.scalars(select(Idea))).all()) == 1  # no second idea


async def test_slash_idea_alone_asks_for_the_text_then_sends_it(svc: Deps) -> None:
    assert isinstance(svc.nlp, FixedClassifier)
    svc.nlp.answer = Classification("water", 0.9, (), Intent.REPORT, "fr")  # /idea says idea
    async with svc.sessions() as s:
        it: Intake = await _intake(svc, s)
        (ask,) = await it.idea("  ")
        assert "Écrivez votre idée" in ask.text
        (thanks,) = await it.text("des récupérateurs d'eau de pluie dans les jardins")
        await s.commit()
        idea = await s.scalar(select(Idea))
    assert "#1" in thanks.text and idea is not None and "pluie" in idea.text


async def test_idea_during_a_report_keeps_the_report(svc: Deps) -> None:
    """/idea in the middle of a report does not throw the report away: the resident is told,
    and asked the report's current question again."""
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (sug,) = await it.text("fuite d'eau rue des Lilas")
        place = await it.press(_data(sug, "d:ok:"))
        assert place[0].ask_location
        told, again = await it.idea("des bancs au parc")
        assert "signalement en cours" in told.text and "/cancel" in told.text
        assert again.ask_location  # still at the place step
        await it.text("3 rue des Lilas")  # the report goes on where it was
        await s.commit()
        assert await s.scalar(select(Idea)) is None
