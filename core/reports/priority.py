"""Which open reports agents see first: urgent ones, then those the learnt danger score alone
flagged ("may be urgent"), then overdue ones (past their response
time, ``core.reports.due``), then those the most residents share (each co-reporter raises a
report's priority), then the oldest."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.deps import Deps
from core.i18n import Translate
from core.reports.due import is_overdue, overdue_clause
from core.telegram_format import escape
from core.views import ReportView, view
from storage.enums import OPEN_STATUSES
from storage.models import CoReporter, Report


def co_reporter_count() -> ScalarSelect[int]:
    """How many residents joined the report of the enclosing query (a correlated count)."""
    return (
        select(func.count(CoReporter.id))
        .where(CoReporter.report_id == Report.id)
        .correlate(Report)
        .scalar_subquery()
    )


def order() -> tuple[ColumnElement[Any], ...]:
    """``ORDER BY`` of a query over reports: urgent first, then those that may be urgent (the
    learnt danger score alone), then overdue, then by co-reporters, then oldest."""
    return (
        Report.urgent.desc(),
        Report.danger.is_not(None).desc(),
        overdue_clause().desc(),
        co_reporter_count().desc(),
        Report.created_at.asc(),
        Report.id.asc(),
    )


def urgency_mark(rv: ReportView, t: Translate) -> str:
    """How a card or a queue line says a report is urgent, and why ("⚠️ URGENT (gas)"), or that
    it may be ("❔ May be urgent (violence)": the learnt score alone, tuned for recall, so an
    agent looks soon but the card is not marked urgent); empty otherwise."""
    if rv.urgent:
        mark = t("card.urgent")
    elif rv.may_be_urgent:
        mark = t("card.may_be_urgent")
    else:
        return ""
    return f"{mark} ({t(f'danger.{rv.danger}')})" if rv.danger else mark


@dataclass(frozen=True)
class Ranked:
    report: ReportView
    co_reporters: int


async def open_reports(
    s: AsyncSession, services: Collection[str], limit: int = 20, exclude: int | None = None
) -> list[Ranked]:
    """The open reports of ``services``, most pressing first."""
    query = select(Report, co_reporter_count()).where(
        Report.service_code.in_(list(services)), Report.status.in_(OPEN_STATUSES)
    )
    if exclude is not None:
        query = query.where(Report.id != exclude)
    rows = (await s.execute(query.order_by(*order()).limit(limit))).all()
    return [Ranked(view(r), int(n or 0)) for r, n in rows]


async def queue_text(
    s: AsyncSession, deps: Deps, services: Collection[str], limit: int = 15
) -> str:
    """The agents' ``/queue``: their open reports, most pressing first (HTML)."""
    ranked = await open_reports(s, services, limit)
    t = deps.texts.lang(deps.lang)
    if not ranked:
        return t("queue.empty")
    lines = [t("queue.title")]
    lines += queue_lines(deps, [r.report for r in ranked], [r.co_reporters for r in ranked])
    return "\n".join(lines)


def queue_lines(
    deps: Deps, reports: list[ReportView], co_reporters: list[int] | None = None
) -> list[str]:
    """One line per report (HTML), as ``/queue`` and ``/mine`` show them."""
    t = deps.texts.lang(deps.lang)
    lines = []
    for i, rv in enumerate(reports):
        line = t(
            "queue.line",
            ref=rv.id,
            service=escape(deps.catalogue.name(rv.service, deps.lang)),
            status=t(f"status.{rv.status.value}"),
            date=deps.settings.local(rv.created_at).strftime("%d/%m/%Y"),
        )
        n = co_reporters[i] if co_reporters else 0
        if n:
            line += " · " + t("queue.co_reporters", n=n)
        if rv.assignee_name:
            line += " · " + t("card.assignee", name=escape(rv.assignee_name))
        if is_overdue(rv):
            line = f"{t('card.overdue')} {line}"
        mark = urgency_mark(rv, t)
        lines.append(f"{mark} {line}" if mark else line)
    return lines
