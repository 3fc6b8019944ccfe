"""Erasure, where the agents read: messages still queued about her reports, and what her card
shows of her typed address."""

from __future__ import annotations

from sqlalchemy import select

from core.deps import Deps
from core.reports import submit as reports
from core.residents import privacy
from storage.enums import OutboxKind, OutboxPurpose, OutboxState
from storage.models import OutboxMessage
from tests.conftest import WATER_CHAT
from tests.core.engagement.test_questionnaire import resident


async def _report(svc: Deps, uid: int, address: str) -> tuple[int, int]:
    async with svc.sessions() as s:
        who = await resident(s, svc, uid)
        new = reports.NewReport(
            "Fuite d'eau rue Pasteur", "water", "fr", "water", 0.9, address=address
        )
        rv = await reports.submit(s, svc, who, new, svc.clock())
        await s.commit()
    return rv.id, who.id


async def test_a_phone_number_typed_as_the_address_is_masked_on_the_card(svc: Deps) -> None:
    rid, _ = await _report(svc, 71, "3 rue des Lilas, appelez le 06 12 34 56 78")
    async with svc.sessions() as s:
        card = await s.scalar(select(OutboxMessage).where(OutboxMessage.report_id == rid))
    assert card is not None and card.chat_id == WATER_CHAT
    assert "3 rue des Lilas" in card.payload["text"] and "[téléphone]" in card.payload["text"]
    assert "06 12 34 56 78" not in card.payload["text"]


async def test_messages_still_queued_about_her_reports_are_dropped(svc: Deps) -> None:
    rid, resident_id = await _report(svc, 71, "3 rue des Lilas")
    async with svc.sessions() as s:
        s.add(  # her words relayed to the agents, not sent yet
            OutboxMessage(
                chat_id=WATER_CHAT,
                kind=OutboxKind.MESSAGE,
                purpose=OutboxPurpose.RESIDENT_MESSAGE,
                lane=2,
                payload={"text": "R71 : je suis au 3 rue des Lilas", "html": True},
                report_id=rid,
                state=OutboxState.PENDING,
                attempts=0,
                not_before=svc.clock(),
                created_at=svc.clock(),
            )
        )
        await s.commit()
    async with svc.sessions() as s:
        await privacy.erase(s, svc, resident_id, svc.clock())
        await s.commit()
        rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    waiting = [r for r in rows if r.state is OutboxState.PENDING]
    assert waiting, "the card is refreshed"
    for r in rows:
        text = str(r.payload.get("text", ""))
        assert "Lilas" not in text and "R71" not in text, (r.purpose, r.state)
    assert {r.kind for r in waiting} == {OutboxKind.EDIT_CARD}
