"""Response times in the figures: how long reports waited to be acknowledged and resolved, and
the share that met the service's targets.

A service's targets (hours to acknowledge, days to resolve) come from its configuration when it
has some; otherwise the town-wide default below applies, and every page that shows the share
says so (``ResponseTargets.town_default``). Acknowledged means the first status an agent gave
among acknowledged, in progress, resolved or rejected; resolved, the first "resolved"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Subquery, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import ReportStatus
from storage.models import Report, ReportEvent

#: The statuses that answer a report: the first of them is its acknowledgement.
ACKNOWLEDGING = (
    ReportStatus.ACKNOWLEDGED,
    ReportStatus.IN_PROGRESS,
    ReportStatus.RESOLVED,
    ReportStatus.REJECTED,
)


@dataclass(frozen=True)
class ResponseTargets:
    acknowledge: timedelta
    resolve: timedelta
    town_default: bool = False  # no target configured for the service: the town's default


#: Used for a service without response times of its own.
TOWN_DEFAULT = ResponseTargets(timedelta(hours=48), timedelta(days=14), town_default=True)


def targets_of(service: str, configured: Mapping[str, ResponseTargets]) -> ResponseTargets:
    return configured.get(service, TOWN_DEFAULT)


@dataclass(frozen=True)
class Waited:
    """One report received in the period: when it came, was acknowledged, was resolved."""

    received: datetime
    acknowledged: datetime | None
    resolved: datetime | None


async def waits(
    s: AsyncSession, start: datetime, end: datetime, services: Sequence[str]
) -> dict[str, list[Waited]]:
    """Per service, the reports received in ``[start, end)`` (duplicates left out)."""

    def first(statuses: Sequence[ReportStatus], label: str) -> Subquery:
        return (
            select(ReportEvent.report_id, func.min(ReportEvent.at).label(label))
            .where(ReportEvent.new_status.in_(list(statuses)))
            .group_by(ReportEvent.report_id)
            .subquery()
        )

    ack = first(ACKNOWLEDGING, "ack")
    res = first([ReportStatus.RESOLVED], "res")
    q = (
        select(Report.service_code, Report.created_at, ack.c.ack, res.c.res)
        .outerjoin(ack, ack.c.report_id == Report.id)
        .outerjoin(res, res.c.report_id == Report.id)
        .where(
            Report.created_at >= start,
            Report.created_at < end,
            Report.service_code.in_(list(services)),
            Report.status != ReportStatus.DUPLICATE,
        )
    )
    out: dict[str, list[Waited]] = {}
    for service, created, acked, resolved in await s.execute(q):
        out.setdefault(service, []).append(Waited(created, acked, resolved))
    return out


def share_within(
    waited: Sequence[Waited], target: timedelta, now: datetime, *, resolve: bool
) -> float | None:
    """The share of reports answered within ``target``, among those answered or whose time is
    up (a young report not answered yet counts for nothing); None when there are none."""
    met = counted = 0
    for w in waited:
        done = w.resolved if resolve else w.acknowledged
        if done is not None:
            counted += 1
            met += done - w.received <= target
        elif now - w.received > target:
            counted += 1
    return met / counted if counted else None


def durations(waited: Sequence[Waited], *, resolve: bool) -> list[timedelta]:
    """How long each answered report waited (never negative)."""
    out = []
    for w in waited:
        done = w.resolved if resolve else w.acknowledged
        if done is not None:
            out.append(max(done - w.received, timedelta(0)))
    return out
