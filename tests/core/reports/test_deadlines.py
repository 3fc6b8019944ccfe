"""Response times: reminders near the limit, one escalation past it, urgent and per-service
times, idempotent runs, overdue first."""

from __future__ import annotations

from datetime import timedelta

from core.deps import Deps
from core.reports import deadlines, due, priority, status
from core.reports.submit import get_view
from storage.enums import OutboxKind, ReportStatus
from tests.conftest import ROADS_CHAT, WATER_CHAT, Clock
from tests.core.reports.workspace_helpers import ESCALATION, PAUL, new_report, outbox, town

__all__ = ["town"]


async def _notices(deps: Deps, chat: int) -> list[str]:
    return [m.payload["text"] for m in await outbox(deps, chat) if m.kind is OutboxKind.MESSAGE][
        1:
    ]  # not the card


async def test_acknowledge_then_resolve_reminders_and_escalations(town: Deps, clock: Clock) -> None:
    rid = await new_report(town)
    clock.advance(hours=38)  # 48 h to acknowledge, reminded at 80 % (38.4 h)
    assert await deadlines.remind_job(town) == 0
    clock.advance(minutes=30)
    assert await deadlines.remind_job(town) == 1
    assert await deadlines.remind_job(town) == 0  # once
    (reminder,) = await _notices(town, WATER_CHAT)
    assert f"#{rid}" in reminder and "prise en compte" in reminder
    clock.advance(hours=10)
    assert await deadlines.remind_job(town) == 1
    (escalated,) = [m.payload["text"] for m in await outbox(town, ESCALATION)]
    assert "Escalade" in escalated
    async with town.sessions() as s:
        rv = await get_view(s, rid)
        assert rv is not None and due.is_overdue(rv)
        await status.change_status(s, town, PAUL, rid, ReportStatus.ACKNOWLEDGED, clock())
        await s.commit()
        rv = await get_view(s, rid)
        assert rv is not None and not due.is_overdue(rv)  # acknowledged, if late
    clock.advance(days=9)  # 11 days in; 14 days to resolve: 80 % is 11.2 days
    assert await deadlines.remind_job(town) == 0
    clock.advance(days=1)
    assert await deadlines.remind_job(town) == 1
    clock.advance(days=3)
    assert await deadlines.remind_job(town) == 1
    assert await deadlines.remind_job(town) == 0
    assert len(await outbox(town, ESCALATION)) == 2


async def test_a_service_and_urgent_reports_have_their_own_times(town: Deps, clock: Clock) -> None:
    roads = await new_report(town, "roads")  # 2 h to acknowledge, 1 day to resolve
    urgent = await new_report(town, urgent=True, user=7002)  # 4 h to acknowledge
    calm = await new_report(town, user=7003)
    async with town.sessions() as s:
        views = [await get_view(s, r) for r in (roads, urgent, calm)]
    assert [
        due.acknowledge_by(v, town.catalogue) - v.created_at for v in views if v is not None
    ] == [
        timedelta(hours=2),
        timedelta(hours=4),
        timedelta(hours=48),
    ]
    clock.advance(hours=5)
    assert await deadlines.remind_job(town) == 2  # roads and the urgent one are late
    assert len(await _notices(town, ROADS_CHAT)) == 0  # straight past it: escalated only
    async with town.sessions() as s:
        ranked = await priority.open_reports(s, ["water"])
    assert [r.report.id for r in ranked] == [urgent, calm]


async def test_overdue_reports_come_before_older_ones_in_the_queue(
    town: Deps, clock: Clock
) -> None:
    water = await new_report(town)  # 48 h to acknowledge
    clock.advance(hours=1)
    roads = await new_report(town, "roads", user=7002)  # 2 h to acknowledge
    clock.advance(hours=3)
    assert await deadlines.remind_job(town) == 1  # roads only
    async with town.sessions() as s:
        ranked = await priority.open_reports(s, ["water", "roads"])
        text = await priority.queue_text(s, town, ["water", "roads"])
    assert [r.report.id for r in ranked] == [roads, water]
    assert text.splitlines()[1].startswith(f"⏰ EN RETARD #{roads}")
