"""Statuses pulled back from a CRM: mapped to ours, applied once per change of the CRM's
status, told to the resident as an agent's change, never undoing an agent's later change."""

from __future__ import annotations

from sqlalchemy import select

from core.deps import Deps
from core.integrations import pulled
from storage import forwards
from storage.enums import ActorKind, ForwardChannel, ReportStatus
from storage.models import OutboxMessage, Report, ReportEvent
from tests.conftest import Clock
from tests.web.conftest import WATER, report, resident, set_status


async def _followed(svc: Deps, rid: int) -> forwards.Followed:
    async with svc.sessions() as s:
        found = {f.report_id: f for f in await forwards.to_pull(s)}
    return found[rid]


async def _apply(svc: Deps, rid: int, status: str) -> bool:
    async with svc.sessions() as s:
        changed = await pulled.apply(s, svc, await _followed(svc, rid), status, svc.clock())
        await s.commit()
    return changed


def test_the_mapping() -> None:
    assert pulled.pulled_status("closed") is ReportStatus.RESOLVED
    assert pulled.pulled_status("In Progress") is ReportStatus.IN_PROGRESS
    assert pulled.pulled_status("open") is None
    assert pulled.pulled_status("whatever") is None


async def test_applied_once_and_never_undoing_an_agent(svc: Deps, clock: Clock) -> None:
    marie = await resident(svc, 1001)
    rid = await report(svc, marie, "Fuite")
    async with svc.sessions() as s:
        forwards.add(s, rid, "water", ForwardChannel.OPEN311, clock())
        await s.commit()
        (c,) = await forwards.claim_due(s, clock(), 5)
        await forwards.mark_sent(s, c.id, clock(), "CRM-1")
        await s.commit()

    assert await _apply(svc, rid, "open") is False
    assert await _apply(svc, rid, "in_progress") is True
    assert await _apply(svc, rid, "in_progress") is False  # pulled again: nothing new
    async with svc.sessions() as s:
        event = await s.scalar(select(ReportEvent).order_by(ReportEvent.id.desc()).limit(1))
        told = (
            await s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == marie.chat_id))
        ).all()
    assert event is not None and event.actor_kind is ActorKind.EXTERNAL
    assert event.actor_name == "Logiciel du service (Eau)" and event.actor_telegram_id is None
    assert len(told) == 1 and "en cours" in told[0].payload["text"]

    await set_status(svc, rid, ReportStatus.ACKNOWLEDGED, WATER)  # an agent steps back
    assert await _apply(svc, rid, "in_progress") is False  # the CRM repeats itself: no change
    assert await _apply(svc, rid, "closed") is True
    async with svc.sessions() as s:
        assert (await s.get_one(Report, rid)).status is ReportStatus.RESOLVED
