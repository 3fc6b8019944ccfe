"""Response times: when a report should be acknowledged and resolved, and whether it is late.

A report is *due* to be acknowledged within its service's hours while it is new, and resolved
within its days while it is open, counted from its creation or its reopening; urgent reports
have shorter times (``core.catalogue.ResponseTimes``). The scheduled job
(``core.reports.deadlines``) records how far a report went (:class:`Stage`), so that each
reminder and escalation is written once; "overdue" is read from that stage, in SQL and in
Python alike, so that ``/queue``, the dashboard and the cards agree.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from core.catalogue import Catalogue
from core.views import ReportView
from storage.enums import ReportStatus
from storage.models import Report


class Stage(IntEnum):
    """``Report.deadline_stage``: the furthest step the job has announced."""

    NONE = 0
    ACK_WARNED = 1  # nearing the time to acknowledge: re-announced in the agents' chat
    ACK_LATE = 2  # past it: escalated
    RESOLVE_WARNED = 3
    RESOLVE_LATE = 4


def acknowledge_by(rv: ReportView, catalogue: Catalogue) -> datetime:
    start = rv.due_from or rv.created_at
    return start + catalogue.get(rv.service).times.to_acknowledge(rv.urgent)


def resolve_by(rv: ReportView, catalogue: Catalogue) -> datetime:
    """When the report should be resolved (Open311's ``expected_datetime``)."""
    start = rv.due_from or rv.created_at
    return start + catalogue.get(rv.service).times.to_resolve(rv.urgent)


def stage_at(rv: ReportView, catalogue: Catalogue, now: datetime, warn_at: float) -> Stage:
    """The stage an open report has reached at ``now``."""
    if not rv.status.is_open:
        return Stage.NONE
    start = rv.due_from or rv.created_at
    ack, res = acknowledge_by(rv, catalogue), resolve_by(rv, catalogue)
    if now >= res:
        return Stage.RESOLVE_LATE
    if now >= start + (res - start) * warn_at:
        return Stage.RESOLVE_WARNED
    if rv.status is ReportStatus.NEW:
        if now >= ack:
            return Stage.ACK_LATE
        if now >= start + (ack - start) * warn_at:
            return Stage.ACK_WARNED
    return Stage.NONE


def is_overdue(rv: ReportView) -> bool:
    """Past its time to resolve, or still new past its time to acknowledge (as the job saw)."""
    if not rv.status.is_open:
        return False
    return rv.deadline_stage == Stage.RESOLVE_LATE or (
        rv.deadline_stage == Stage.ACK_LATE and rv.status is ReportStatus.NEW
    )


def overdue_clause() -> ColumnElement[Any]:
    """:func:`is_overdue` in SQL, for lists of open reports."""
    return or_(
        Report.deadline_stage == int(Stage.RESOLVE_LATE),
        and_(Report.deadline_stage == int(Stage.ACK_LATE), Report.status == ReportStatus.NEW),
    )
