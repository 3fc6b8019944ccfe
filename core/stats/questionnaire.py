"""What residents said of a service's work: the figures of its "is it fixed?" questionnaires.

``questionnaire_counts`` gives the raw counts per service for a period (``core.stats.results`` hides
what rests on too few answers); ``service_feedback`` is the one-service summary agents' code
used before ``core.stats.results`` existed, kept on top of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import (
    ActorKind,
    QuestionnaireAnswer,
    QuestionnaireKind,
    QuestionnaireState,
    ReportStatus,
)
from storage.models import Questionnaire, Report, ReportEvent

RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class QuestionnaireCounts:
    """Raw counts, never shown as such to residents: ``core.stats.results`` applies the minimum."""

    asked: int = 0  # "is it fixed?" questions sent
    fixed: int = 0
    not_fixed: int = 0
    unknown: int = 0
    reopened: int = 0  # reports of the service residents reopened
    ratings: dict[int, int] = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))

    @property
    def answered(self) -> int:
        return self.fixed + self.not_fixed + self.unknown

    @property
    def n_ratings(self) -> int:
        return sum(self.ratings.values())

    @property
    def mean_rating(self) -> float | None:
        n = self.n_ratings
        return sum(r * c for r, c in self.ratings.items()) / n if n else None


async def questionnaire_counts(
    s: AsyncSession,
    start: datetime | None = None,
    end: datetime | None = None,
    services: Collection[str] | None = None,
) -> dict[str, QuestionnaireCounts]:
    """Per service that was asked (``Questionnaire.service_code``), for the questions sent in
    ``[start, end)``; reopenings by residents are counted when they happened, under the
    report's current service."""
    q = select(
        Questionnaire.service_code, Questionnaire.answer, Questionnaire.rating, func.count()
    ).where(
        Questionnaire.kind == QuestionnaireKind.FIXED,
        Questionnaire.state.in_([QuestionnaireState.SENT, QuestionnaireState.ANSWERED]),
    )
    reopened_q = (
        select(Report.service_code, func.count())
        .select_from(ReportEvent)
        .join(Report, Report.id == ReportEvent.report_id)
        .where(
            ReportEvent.actor_kind == ActorKind.RESIDENT,
            ReportEvent.new_status == ReportStatus.REOPENED,
        )
    )
    if start is not None:
        q = q.where(Questionnaire.sent_at >= start)
        reopened_q = reopened_q.where(ReportEvent.at >= start)
    if end is not None:
        q = q.where(Questionnaire.sent_at < end)
        reopened_q = reopened_q.where(ReportEvent.at < end)
    if services is not None:
        q = q.where(Questionnaire.service_code.in_(list(services)))
        reopened_q = reopened_q.where(Report.service_code.in_(list(services)))
    rows = await s.execute(
        q.group_by(Questionnaire.service_code, Questionnaire.answer, Questionnaire.rating)
    )
    answers: dict[str, Counter[QuestionnaireAnswer | None]] = {}
    ratings: dict[str, Counter[int]] = {}
    for service, answer, rating, n in rows:
        answers.setdefault(service, Counter())[answer] += int(n)
        if rating in RATINGS:
            ratings.setdefault(service, Counter())[int(rating)] += int(n)
    reopened = {svc: int(n) for svc, n in await s.execute(reopened_q.group_by(Report.service_code))}
    out: dict[str, QuestionnaireCounts] = {}
    for service in set(answers) | set(reopened):
        a, r = answers.get(service, Counter()), ratings.get(service, Counter())
        out[service] = QuestionnaireCounts(
            asked=sum(a.values()),
            fixed=a[QuestionnaireAnswer.YES],
            not_fixed=a[QuestionnaireAnswer.NO],
            unknown=a[QuestionnaireAnswer.UNKNOWN],
            reopened=reopened.get(service, 0),
            ratings={k: r[k] for k in RATINGS},
        )
    return out


@dataclass(frozen=True)
class ServiceFeedback:
    service: str
    asked: int  # "is it fixed?" questions sent
    fixed: int
    not_fixed: int
    unknown: int
    reopened: int  # reports of the service residents reopened
    ratings: int
    #: None below ``min_answers`` ratings, so that nobody's rating can be singled out.
    mean_rating: float | None


async def service_feedback(
    s: AsyncSession, service: str, min_answers: int = 5, since: datetime | None = None
) -> ServiceFeedback:
    """Counted by the service that was asked (``Questionnaire.service_code``)."""
    c = (await questionnaire_counts(s, since, None, [service])).get(service, QuestionnaireCounts())
    mean = c.mean_rating
    shown = c.n_ratings >= min_answers
    return ServiceFeedback(
        service=service,
        asked=c.asked,
        fixed=c.fixed,
        not_fixed=c.not_fixed,
        unknown=c.unknown,
        reopened=c.reopened,
        ratings=c.n_ratings,
        mean_rating=round(mean, 2) if mean is not None and shown else None,
    )
