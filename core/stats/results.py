"""Results per service over a period: reports, resolutions, "is it fixed?" answers, trust.

The use cases behind ``/stats`` and ``senscommun survey results`` (surveys: ``core.stats.surveys``).
They only read. Counts of reports are public; every figure that comes from residents' answers
is None when it rests on fewer than ``min_answers`` answers, so that nobody can be singled
out. The figures of a period are about the reports received in it (even if resolved later)
and the questionnaires sent in it. How each figure is made: ``docs/trust-index.md``.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.stats.questionnaire import QuestionnaireCounts, questionnaire_counts
from core.stats.response_times import (
    ResponseTargets,
    Waited,
    durations,
    share_within,
    targets_of,
    waits,
)
from core.stats.trust import Trust, trust_index
from storage.enums import ReportStatus
from storage.models import Report

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # excluded

    @classmethod
    def last_days(cls, now: datetime, days: int = DEFAULT_DAYS) -> Period:
        return cls(now - timedelta(days=days), now)

    @property
    def days(self) -> int:
        return round((self.end - self.start) / timedelta(days=1))

    def months(self, tz: ZoneInfo) -> list[Period]:
        """The calendar months (in the town's time) this period touches, cut to it."""
        month = self.start.astimezone(tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        out: list[Period] = []
        while month < self.end:
            after = (
                month.replace(year=month.year + 1, month=1)
                if month.month == 12
                else month.replace(month=month.month + 1)
            )
            start = max(self.start, month.astimezone(UTC))
            end = min(self.end, after.astimezone(UTC))
            if start < end:
                out.append(Period(start, end))
            month = after
        return out


@dataclass(frozen=True)
class ServiceStats:
    service: str
    period: Period
    received: int  # reports received in the period (public)
    resolved: int  # of them, those resolved now
    #: resolved / (received − duplicates); None when that is zero.
    share_resolved: float | None
    #: From receipt to the first "resolved" of the history; None when none was resolved.
    median_resolve: timedelta | None
    #: From receipt to the first answering status (``core.stats.response_times``).
    median_acknowledge: timedelta | None
    targets: ResponseTargets  # the service's, or the town's default (``targets.town_default``)
    #: Shares answered within the targets, of the reports answered or due; None: none yet.
    within_acknowledge: float | None
    within_resolve: float | None
    asked: int  # "is it fixed?" questions sent in the period
    answered: int
    ratings: int
    # --- None below the minimum of answers --------------------------------------------------
    response_rate: float | None
    fixed: int | None
    not_fixed: int | None
    unknown: int | None
    reopened: int | None
    mean_rating: float | None
    distribution: dict[int, int] | None  # rating 1–5 → how many
    trust: Trust | None

    @property
    def has_data(self) -> bool:
        return bool(self.received or self.asked or self.reopened)


async def _reports(
    s: AsyncSession, period: Period, services: Sequence[str]
) -> dict[str, dict[ReportStatus, int]]:
    q = (
        select(Report.service_code, Report.status, func.count())
        .where(
            Report.created_at >= period.start,
            Report.created_at < period.end,
            Report.service_code.in_(list(services)),
        )
        .group_by(Report.service_code, Report.status)
    )
    out: dict[str, dict[ReportStatus, int]] = {}
    for service, status, n in await s.execute(q):
        out.setdefault(service, {})[ReportStatus(status)] = int(n)
    return out


def _median(times: list[timedelta]) -> timedelta | None:
    if not times:
        return None
    return timedelta(seconds=statistics.median(t.total_seconds() for t in times))


def _figures(
    service: str,
    period: Period,
    by_status: dict[ReportStatus, int],
    waited: list[Waited],
    targets: ResponseTargets,
    q: QuestionnaireCounts,
    min_answers: int,
) -> ServiceStats:
    received = sum(by_status.values())
    resolved = by_status.get(ReportStatus.RESOLVED, 0)
    counted = received - by_status.get(ReportStatus.DUPLICATE, 0)
    share = resolved / counted if counted else None
    answers_shown = q.answered >= min_answers
    ratings_shown = q.n_ratings >= min_answers
    mean = q.mean_rating
    return ServiceStats(
        service=service,
        period=period,
        received=received,
        resolved=resolved,
        share_resolved=share,
        median_resolve=_median(durations(waited, resolve=True)),
        median_acknowledge=_median(durations(waited, resolve=False)),
        targets=targets,
        within_acknowledge=share_within(waited, targets.acknowledge, period.end, resolve=False),
        within_resolve=share_within(waited, targets.resolve, period.end, resolve=True),
        asked=q.asked,
        answered=q.answered,
        ratings=q.n_ratings,
        response_rate=q.answered / q.asked if answers_shown and q.asked else None,
        fixed=q.fixed if answers_shown else None,
        not_fixed=q.not_fixed if answers_shown else None,
        unknown=q.unknown if answers_shown else None,
        reopened=q.reopened if answers_shown else None,
        mean_rating=round(mean, 2) if ratings_shown and mean is not None else None,
        distribution=dict(q.ratings) if ratings_shown else None,
        trust=trust_index(q.ratings, q.fixed, q.not_fixed, share, min_answers),
    )


async def service_stats(
    s: AsyncSession,
    period: Period,
    services: Sequence[str],
    min_answers: int,
    targets: Mapping[str, ResponseTargets] | None = None,
) -> list[ServiceStats]:
    """One entry per service of ``services``, in that order (with zeros when nothing happened):
    the figures of ``/stats``, ``senscommun survey results`` and the dashboard's statistics.
    ``targets``: the services' configured response times (the town's default for the rest)."""
    reports = await _reports(s, period, services)
    waited = await waits(s, period.start, period.end, services)
    answers = await questionnaire_counts(s, period.start, period.end, services)
    return [
        _figures(
            code,
            period,
            reports.get(code, {}),
            waited.get(code, []),
            targets_of(code, targets or {}),
            answers.get(code, QuestionnaireCounts()),
            min_answers,
        )
        for code in services
    ]


async def by_month(
    s: AsyncSession,
    period: Period,
    tz: ZoneInfo,
    services: Sequence[str],
    min_answers: int,
    targets: Mapping[str, ResponseTargets] | None = None,
) -> dict[str, list[ServiceStats]]:
    """The same figures month by month: each month has its own minimum of answers."""
    out: dict[str, list[ServiceStats]] = {code: [] for code in services}
    for month in period.months(tz):
        for st in await service_stats(s, month, services, min_answers, targets):
            out[st.service].append(st)
    return out
