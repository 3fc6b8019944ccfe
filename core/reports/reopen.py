"""Reopening a closed report: a deliberate act of its own, with a reason the resident reads.

Every other action refuses a closed report (``core.reports.agent_actions``); this one refuses
an open one. The response times count again from the reopening.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import AgentRef, NotAllowed
from core.deps import Deps
from core.reports.due import Stage
from core.reports.status import locked_for, record
from core.views import ReportView
from storage.enums import EventKind, ReportStatus

#: The longest reason (it is read by the resident in one message).
MAX_REASON = 1_000


@dataclass(frozen=True)
class Reopened:
    report: ReportView


async def reopen(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int, reason: str, now: datetime
) -> Reopened:
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise NotAllowed("agent.reopen_reason")
    row = await locked_for(s, deps, by, report_id)
    if row.status.is_open:
        raise NotAllowed("agent.still_open")
    old = row.status
    row.status, row.duplicate_of = ReportStatus.REOPENED, None
    row.due_from, row.deadline_stage = now, int(Stage.NONE)
    rv = await record(
        s,
        deps,
        row,
        by,
        now,
        old_status=old,
        old_service=row.service_code,
        card_chat=deps.catalogue.card_chat(row.service_code),
        resident_key="notify.reopened",
        note=reason,
        kind=EventKind.REOPEN,
    )
    return Reopened(rv)
