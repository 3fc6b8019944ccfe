"""The draft's data: a typed DraftData, stored as JSON, that still reads the drafts written as
plain dicts by the code before it (rows in a live database when it is deployed)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table

from core.conversation import drafts
from core.conversation.drafts import DraftData, DuplicateOffer, IdeaOffer
from core.deps import Deps
from core.enums import DraftKind, DraftStep, ReportIntent, ReportStatus
from core.reports.submit import NewReport
from storage.models import Draft

#: A draft at the confirmation step, every key as the dict-based code wrote it (``_fill``,
#: ``photo``, ``location``, ``press``, ``_offer_duplicates``, ``_idea``), plus a key no
#: version knows.
OLD_DICT: dict[str, Any] = {
    "text": "Lampadaire éteint rue Victor Hugo",
    "lang": "fr",
    "suggested": "lighting",
    "confidence": 0.8731,
    "top": ["lighting", "roads", "other"],
    "intent": "report",
    "urgent": False,
    "redacted": "Lampadaire éteint rue Victor Hugo",
    "address_hint": "rue Victor Hugo",
    "faq": 2,
    "service": "roads",
    "corrected": True,
    "address": "12 rue Victor Hugo",
    "lat": 45.76,
    "lon": 4.83,
    "offers": [{"id": 7, "text": "Lampadaire en panne", "status": "acknowledged"}],
    "photo_file_id": "AgACAgQAAx0",
    "photo_unique_id": "AQADc6",
    "photo_path": None,
    "photo_skipped": False,
    "idea_offers": [{"id": 3, "text": "Plus de bancs", "n": 12}],
    "explicit": False,
    "from_a_future_version": {"ignored": True},
}


def test_a_draft_written_as_a_dict_reads_into_every_field() -> None:
    d = DraftData.from_json(OLD_DICT)
    assert d == DraftData(
        text="Lampadaire éteint rue Victor Hugo",
        lang="fr",
        redacted="Lampadaire éteint rue Victor Hugo",
        suggested="lighting",
        confidence=0.8731,
        top=["lighting", "roads", "other"],
        intent=ReportIntent.REPORT,
        urgent=False,
        faq=2,
        service="roads",
        corrected=True,
        address_hint="rue Victor Hugo",
        address="12 rue Victor Hugo",
        lat=45.76,
        lon=4.83,
        offers=[DuplicateOffer(7, "Lampadaire en panne", ReportStatus.ACKNOWLEDGED)],
        photo_file_id="AgACAgQAAx0",
        photo_unique_id="AQADc6",
        photo_path=None,
        photo_skipped=False,
        idea_offers=[IdeaOffer(3, "Plus de bancs", 12)],
        explicit=False,
    )
    assert d.offers is not None and d.offers[0].status is ReportStatus.ACKNOWLEDGED
    assert d.intent is ReportIntent.REPORT


def test_missing_keys_take_their_defaults() -> None:
    assert DraftData.from_json({}) == DraftData.from_json(None) == DraftData()
    early = DraftData.from_json({"lat": 45.7, "lon": 4.8})  # a location before any words
    assert (early.lat, early.lon, early.text, early.service, early.offers) == (
        45.7,
        4.8,
        "",
        None,
        None,
    )
    assert not early.is_empty() and DraftData().is_empty()
    idea = DraftData.from_json({"text": "Des bancs", "intent": "idea", "idea_offers": []})
    assert idea.intent is ReportIntent.IDEA and idea.idea_offers == [] and not idea.explicit


def test_round_trip_and_what_is_stored() -> None:
    full = DraftData.from_json(OLD_DICT)
    assert DraftData.from_json(full.to_json()) == full
    stored = full.to_json()
    # The same keys and values as before, less the unknown one and the defaults.
    expected = {k: v for k, v in OLD_DICT.items() if k != "from_a_future_version"}
    for default in ("intent", "urgent", "photo_path", "photo_skipped", "explicit"):
        del expected[default]
    assert stored == expected
    assert DraftData().to_json() == {}  # /idea alone: an empty draft, as before
    # "Not looked for duplicates yet" and "none found" stay apart.
    assert "offers" not in DraftData(service="roads").to_json()
    assert DraftData(offers=[]).to_json() == {"offers": []}
    assert DraftData.from_json({"offers": []}).offers == []


def test_new_report_from_the_draft() -> None:
    new = NewReport.from_draft(DraftData.from_json(OLD_DICT))
    assert (new.service, new.suggested_service, new.intent, new.lang) == (
        "roads",
        "lighting",
        ReportIntent.REPORT,
        "fr",
    )
    bare = NewReport.from_draft(DraftData(text="Trou", service="roads"))
    assert (bare.suggested_service, bare.redacted_text, bare.lang) == ("roads", "Trou", "fr")


async def test_a_stored_dict_loads_and_saves_back(svc: Deps) -> None:
    now = svc.clock()
    table = cast(Table, Draft.__table__)
    async with svc.sessions() as s:
        await s.execute(
            table.insert().values(
                chat_id=5,
                user_id=5,
                kind="report",
                step="confirm",
                data=OLD_DICT,
                created_at=now,
                updated_at=now,
            )
        )
        loaded = await drafts.load(s, 5, 5)
        assert loaded is not None and loaded.step is DraftStep.CONFIRM
        assert loaded.data == DraftData.from_json(OLD_DICT)
        loaded.data.photo_skipped = True
        await drafts.save(s, 5, 5, DraftStep.CONFIRM, loaded.data, now, known=loaded)
        await s.commit()
    async with svc.sessions() as s:
        again = await drafts.load(s, 5, 5)
        row = (await s.execute(table.select())).one()
    assert again is not None and again.data.photo_skipped and again.data == loaded.data
    assert row.kind is DraftKind.REPORT and row.step is DraftStep.CONFIRM
