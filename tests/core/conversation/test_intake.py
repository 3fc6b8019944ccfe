"""The report conversation's rules, without Telegram."""

from __future__ import annotations

from sqlalchemy import func, select

from core.callbacks import DraftAction, DraftVerb
from core.conversation.intake import Intake, Photo
from core.conversation.prompts import Reply
from core.deps import Deps
from core.residents import directory as residents
from nlp.types import Classification, Intent
from storage.enums import OutboxPurpose
from storage.models import OutboxMessage, Report
from tests.conftest import WATER_CHAT
from tests.core.conftest import FixedClassifier


async def _intake(svc: Deps, s, lang: str = "fr") -> Intake:  # type: ignore[no-untyped-def]
    r = await residents.touch(s, 77, 77, "Ana", lang, svc.clock())
    return Intake(s, svc, r, 77, svc.clock())


def _data(reply: Reply, prefix: str) -> DraftAction:
    for row in reply.buttons or []:
        for _, data in row:
            if data.startswith(prefix):
                return DraftAction.decode(data)
    raise LookupError(prefix)


async def test_confident_suggestion_then_place_photo_summary_submit(svc: Deps) -> None:
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (sug,) = await it.text("fuite d'eau")
        assert "<b>Eau</b>" in sug.text
        place = await it.press(_data(sug, "d:ok:"))
        assert place[0].ask_location
        photo = await it.text("3 rue des Lilas")
        assert any(r.buttons for r in photo)
        (summary,) = await it.photo(Photo("F1", "U1", None), None)
        assert "3 rue des Lilas" in summary.text and "Photo : oui" in summary.text
        thanks, consent = await it.press(_data(summary, "d:send"))
        assert "#1" in thanks.text
        # After a first report, and only then, the bot asks once whether surveys are welcome.
        assert "/surveys" in consent.text and consent.buttons
        assert [d for row in consent.buttons for _, d in row] == ["c:surveys:y", "c:surveys:n"]
        await s.commit()
        report = await s.scalar(select(Report))
        card = await s.scalar(
            select(OutboxMessage).where(OutboxMessage.purpose == OutboxPurpose.CARD)
        )
    assert (
        report is not None
        and report.address == "3 rue des Lilas"
        and report.service_code == "water"
    )
    assert card is not None and card.chat_id == WATER_CHAT and card.payload["photo"] == "F1"


async def test_below_the_threshold_the_resident_picks_among_the_top_three(svc: Deps) -> None:
    assert isinstance(svc.nlp, FixedClassifier)
    svc.nlp.answer = Classification(
        "roads", 0.35, (("lighting", 0.3), ("water", 0.2), ("waste", 0.1)), Intent.REPORT, "fr"
    )
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (ask,) = await it.text("ça marche pas dans ma rue")
    assert "pas sûr" in ask.text
    picks = [DraftAction.decode(d).arg for row in ask.buttons or [] for _, d in row]
    assert picks[:4] == ["roads", "lighting", "water", "other"]


async def test_urgent_reports_show_emergency_numbers_at_once(svc: Deps) -> None:
    assert isinstance(svc.nlp, FixedClassifier)
    svc.nlp.answer = Classification("water", 0.9, (), Intent.REPORT, "fr", urgent=True)
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        first, _ = await it.text("la rue est inondée, l'eau monte vite")
    assert "112" in first.text


async def test_location_first_then_text(svc: Deps) -> None:
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (describe,) = await it.location(45.0, 4.0)
        assert "Décrivez" in describe.text
        (sug,) = await it.text("fuite")
        nxt = await it.press(_data(sug, "d:ok:"))
        assert "photo" in " ".join(r.text for r in nxt).lower()  # the place is known already


async def test_small_talk_does_not_start_a_report(svc: Deps) -> None:
    assert isinstance(svc.nlp, FixedClassifier)
    svc.nlp.answer = Classification("other", 0.3, (), Intent.OTHER, "fr")
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (hello,) = await it.text("bonjour")
        assert "Décrivez-moi un problème" in hello.text
        (none,) = await it.cancel()
        assert "rien en cours" in none.text


async def test_a_stale_draft_button_is_refused(svc: Deps) -> None:
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (sug,) = await it.text("fuite")
        await it.cancel()
        (stale,) = await it.press(_data(sug, "d:ok:"))
        assert stale.alert and "plus valable" in stale.text
        forged = await it.press(DraftAction(DraftVerb.SUBMIT, 12345))
        assert forged[0].alert
        assert await s.scalar(select(func.count()).select_from(Report)) == 0


async def test_bad_coordinates_are_refused(svc: Deps) -> None:
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (bad,) = await it.location(123.0, 4.0)
    assert "pas valide" in bad.text


async def test_personal_data_is_masked_beyond_what_the_classifier_reads(svc: Deps) -> None:
    """The classifier reads the first 2,000 characters of a long message; agents must not see
    a phone number written after them."""
    text = "Fuite d'eau rue des Lilas. " + "Ça coule toujours. " * 120 + "Appelez le 06 12 34 56 78"
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        await it.text(text)
        await s.commit()
        draft = await it._draft()
    assert draft is not None and draft.data.text == text  # the resident keeps her words
    assert "06 12 34 56 78" not in draft.data.redacted
    assert draft.data.redacted.endswith("Appelez le [téléphone]")


async def test_a_photo_caption_adds_to_the_description(svc: Deps) -> None:
    async with svc.sessions() as s:
        it = await _intake(svc, s)
        (sug,) = await it.text("fuite d'eau")
        await it.press(_data(sug, "d:ok:"))
        await it.text("3 rue des Lilas")
        (summary,) = await it.photo(
            Photo("F1", "U1", None), "ça mouille tout, appelez le 0612345678"
        )
        assert "eau\nça mouille tout" in summary.text  # the caption is not lost
        draft = await it._draft()
    assert draft is not None and "[téléphone]" in draft.data.redacted
    assert "0612345678" not in draft.data.redacted
