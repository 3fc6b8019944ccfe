"""Statuses pulled back from a service's external Open311 endpoint (its CRM) for the reports
forwarded there: each reaches the report, its card and its residents as an agent's change
(``core.reports.status.external_change``). The job that asks: ``bot.forwarding.pull``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.deps import Deps
from core.reports import status
from storage import forwards
from storage.enums import ReportStatus

#: What an external endpoint's status (Open311's ``open``/``closed``, and the finer words some
#: CRMs use) makes of the report. ``open`` changes nothing: the CRM has it, nobody acted yet.
PULLED_STATUS: dict[str, ReportStatus] = {
    "closed": ReportStatus.RESOLVED,
    "resolved": ReportStatus.RESOLVED,
    "fixed": ReportStatus.RESOLVED,
    "acknowledged": ReportStatus.ACKNOWLEDGED,
    "investigating": ReportStatus.ACKNOWLEDGED,
    "in_progress": ReportStatus.IN_PROGRESS,
    "action_scheduled": ReportStatus.IN_PROGRESS,
    "rejected": ReportStatus.REJECTED,
    "wont_fix": ReportStatus.REJECTED,
}


def pulled_status(external: str) -> ReportStatus | None:
    """Our status for an external endpoint's, or None when it changes nothing."""
    return PULLED_STATUS.get(external.strip().lower().replace(" ", "_"))


async def apply(
    s: AsyncSession,
    deps: Deps,
    followed: forwards.Followed,
    external_status: str,
    now: datetime,
) -> bool:
    """A status pulled back for a forwarded report: applied once, when the endpoint's status
    changed since it was last pulled (an agent's later change here is not undone by a status
    the endpoint keeps repeating). The resident is told as of an agent's change."""
    changed = False
    if external_status != followed.external_status:
        to = pulled_status(external_status)
        if to is not None:
            source = deps.texts.get(deps.lang, "forward.external_source")
            name = deps.catalogue.name(followed.service_code, deps.lang)
            changed = await status.external_change(
                s, deps, followed.report_id, to, f"{source} ({name})", now
            )
    await forwards.polled(s, followed.forward_id, external_status[:64], now)
    return changed
