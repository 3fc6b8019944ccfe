"""What residents said of a service's work: the figures of its questionnaires."""

from __future__ import annotations

from dataclasses import dataclass
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
    asked_q = select(Questionnaire.answer, func.count()).where(
        Questionnaire.service_code == service,
        Questionnaire.kind == QuestionnaireKind.FIXED,
        Questionnaire.state.in_([QuestionnaireState.SENT, QuestionnaireState.ANSWERED]),
    )
    rating_q = select(func.count(Questionnaire.rating), func.avg(Questionnaire.rating)).where(
        Questionnaire.service_code == service, Questionnaire.rating.is_not(None)
    )
    reopened_q = (
        select(func.count())
        .select_from(ReportEvent)
        .join(Report, Report.id == ReportEvent.report_id)
        .where(
            Report.service_code == service,
            ReportEvent.actor_kind == ActorKind.RESIDENT,
            ReportEvent.new_status == ReportStatus.REOPENED,
        )
    )
    if since is not None:
        asked_q = asked_q.where(Questionnaire.sent_at >= since)
        rating_q = rating_q.where(Questionnaire.sent_at >= since)
        reopened_q = reopened_q.where(ReportEvent.at >= since)
    by_answer = {a: int(n) for a, n in (await s.execute(asked_q.group_by(Questionnaire.answer)))}
    n_ratings, mean = (await s.execute(rating_q)).one()
    shown = int(n_ratings) >= min_answers
    return ServiceFeedback(
        service=service,
        asked=sum(by_answer.values()),
        fixed=by_answer.get(QuestionnaireAnswer.YES.value, 0),
        not_fixed=by_answer.get(QuestionnaireAnswer.NO.value, 0),
        unknown=by_answer.get(QuestionnaireAnswer.UNKNOWN.value, 0),
        reopened=int(await s.scalar(reopened_q) or 0),
        ratings=int(n_ratings),
        mean_rating=round(float(mean), 2) if mean is not None and shown else None,
    )
