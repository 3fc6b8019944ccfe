"""Results per survey and per round (campaign): recipients, answers, response rate, mean and
distribution. The rate, the mean and the distribution are None below ``min_answers`` answers.

Recipients are the outbox rows of the round (one per resident reached). Answer values follow
the survey's type: ``1``–``5`` (rating), ``y``/``n`` (yes_no), ``c0``, ``c1``… (choice); any
other value found is counted under its own name after those.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.engagement.surveys import answer_values
from core.stats.results import Period
from storage.enums import CampaignKind, SurveyType
from storage.models import Campaign, OutboxMessage, Survey, SurveyAnswer


@dataclass(frozen=True)
class AnswerFigures:
    recipients: int
    answers: int
    response_rate: float | None
    mean: float | None  # rating surveys only
    distribution: dict[str, int] | None  # value → how many, in the survey's order


@dataclass(frozen=True)
class RoundStats:
    campaign_id: int
    started_at: datetime
    figures: AnswerFigures


@dataclass(frozen=True)
class SurveyStats:
    survey_id: int
    code: str
    type: SurveyType
    question: dict[str, str]
    choices: tuple[dict[str, str], ...]
    service: str | None  # the audience's service; None for the whole town
    total: AnswerFigures
    rounds: tuple[RoundStats, ...]  # oldest first


def concerns(audience: dict[str, Any], service: str) -> bool:
    """A survey concerns a service's agents when it asks that service's reporters, or the whole
    town (its answers speak of every service); not when it asks another service's."""
    return audience.get("service") == service or (
        audience.get("kind", "all") == "all" and not audience.get("service")
    )


def figures(
    type_: SurveyType, choices: int, recipients: int, values: Counter[str], min_answers: int
) -> AnswerFigures:
    n = sum(values.values())
    if n < min_answers:
        return AnswerFigures(recipients, n, None, None, None)
    order = answer_values(type_, choices)
    dist = {v: values.get(v, 0) for v in order}
    dist.update({v: c for v, c in sorted(values.items()) if v not in dist})
    mean = None
    if type_ == SurveyType.RATING:
        numbers = [(int(v), c) for v, c in values.items() if v.isdigit()]
        if counted := sum(c for _, c in numbers):
            mean = round(sum(v * c for v, c in numbers) / counted, 2)
    rate = n / recipients if recipients else None
    return AnswerFigures(recipients, n, rate, mean, dist)


async def survey_stats(
    s: AsyncSession, period: Period, min_answers: int, service: str | None = None
) -> list[SurveyStats]:
    """The surveys with a round started in the period (for one service's agents: those that
    concern it), by code."""
    rounds = (
        await s.execute(
            select(Campaign.id, Campaign.survey_id, Campaign.created_at)
            .where(
                Campaign.kind == CampaignKind.SURVEY,
                Campaign.survey_id.is_not(None),
                Campaign.created_at >= period.start,
                Campaign.created_at < period.end,
            )
            .order_by(Campaign.created_at, Campaign.id)
        )
    ).all()
    if not rounds:
        return []
    ids = [r.id for r in rounds]
    wanted = {r.survey_id for r in rounds}
    surveys = {sv.id: sv for sv in await s.scalars(select(Survey).where(Survey.id.in_(wanted)))}
    recipients = dict(
        (cid, int(n))
        for cid, n in await s.execute(
            select(OutboxMessage.campaign_id, func.count())
            .where(OutboxMessage.campaign_id.in_(ids))
            .group_by(OutboxMessage.campaign_id)
        )
    )
    values: dict[int, Counter[str]] = {}
    for cid, value, n in await s.execute(
        select(SurveyAnswer.campaign_id, SurveyAnswer.value, func.count())
        .where(SurveyAnswer.campaign_id.in_(ids))
        .group_by(SurveyAnswer.campaign_id, SurveyAnswer.value)
    ):
        values.setdefault(cid, Counter())[str(value)] += int(n)

    out: list[SurveyStats] = []
    for sv in sorted(surveys.values(), key=lambda x: x.code):
        if service is not None and not concerns(sv.audience, service):
            continue
        items = tuple(dict(c) for c in sv.choices.get("items", []))
        mine = [r for r in rounds if r.survey_id == sv.id]
        total: Counter[str] = Counter()
        per_round = []
        for r in mine:
            v = values.get(r.id, Counter())
            total += v
            fig = figures(sv.type, len(items), recipients.get(r.id, 0), v, min_answers)
            per_round.append(RoundStats(r.id, r.created_at, fig))
        reached = sum(recipients.get(r.id, 0) for r in mine)
        out.append(
            SurveyStats(
                survey_id=sv.id,
                code=sv.code,
                type=sv.type,
                question={str(k): str(v) for k, v in sv.question.items()},
                choices=items,
                service=sv.audience.get("service"),
                total=figures(sv.type, len(items), reached, total, min_answers),
                rounds=tuple(per_round),
            )
        )
    return out
