"""Crafted rows for the results tests: reports with their history, questionnaires, surveys."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import (
    ActorKind,
    CampaignKind,
    CampaignState,
    OutboxKind,
    OutboxPurpose,
    OutboxState,
    QuestionnaireKind,
    QuestionnaireState,
    ReportStatus,
)
from storage.models import (
    Campaign,
    OutboxMessage,
    Questionnaire,
    Report,
    ReportEvent,
    Resident,
    Survey,
    SurveyAnswer,
)

_uids = itertools.count(7_000)


async def resident(s: AsyncSession, at: datetime) -> int:
    uid = next(_uids)
    row = Resident(telegram_user_id=uid, chat_id=uid, language="fr", created_at=at, last_seen_at=at)
    s.add(row)
    await s.flush()
    return row.id


async def report(
    s: AsyncSession,
    service: str,
    created: datetime,
    history: Sequence[tuple[timedelta, ReportStatus, ActorKind]] = (),
) -> int:
    """A report and its status changes, ``history`` as (time after receipt, new status, by)."""
    rid = await resident(s, created)
    status = ReportStatus.NEW
    row = Report(
        resident_id=rid,
        service_code=service,
        status=status,
        text="x",
        redacted_text="x",
        lang="fr",
        suggested_service=service,
        created_at=created,
        updated_at=created,
    )
    s.add(row)
    await s.flush()
    for after, new, by in history:
        s.add(
            ReportEvent(
                report_id=row.id,
                at=created + after,
                actor_kind=by,
                old_status=status,
                new_status=new,
            )
        )
        status = new
    row.status = status
    await s.flush()
    return row.id


async def asked(
    s: AsyncSession,
    report_id: int,
    service: str,
    sent: datetime,
    answer: str | None = None,
    rating: int | None = None,
) -> None:
    """An "is it fixed?" questionnaire sent at ``sent``, answered if ``answer`` is given."""
    s.add(
        Questionnaire(
            report_id=report_id,
            resident_id=await resident(s, sent),
            service_code=service,
            kind=QuestionnaireKind.FIXED,
            state=QuestionnaireState.ANSWERED if answer else QuestionnaireState.SENT,
            due_at=sent,
            created_at=sent,
            sent_at=sent,
            answered_at=sent if answer else None,
            answer=answer,
            rating=rating,
        )
    )
    await s.flush()


async def survey(
    s: AsyncSession,
    code: str,
    type_: str,
    audience: dict[str, Any],
    at: datetime,
    choices: list[dict[str, str]] | None = None,
) -> int:
    row = Survey(
        code=code,
        question={"fr": f"Question {code} ?", "en": f"Question {code}?"},
        type=type_,
        choices={"items": choices or []},
        audience=audience,
        created_at=at,
    )
    s.add(row)
    await s.flush()
    return row.id


async def survey_round(
    s: AsyncSession, survey_id: int, at: datetime, recipients: int, values: list[str]
) -> int:
    """A round sent to ``recipients`` residents, the first of whom answered ``values``."""
    c = Campaign(
        kind=CampaignKind.SURVEY,
        state=CampaignState.SENDING,
        survey_id=survey_id,
        message={},
        audience={},
        created_at=at,
    )
    s.add(c)
    await s.flush()
    for i in range(recipients):
        rid = await resident(s, at)
        s.add(
            OutboxMessage(
                campaign_id=c.id,
                chat_id=rid,
                kind=OutboxKind.MESSAGE,
                purpose=OutboxPurpose.SURVEY,
                payload={},
                state=OutboxState.SENT,
                not_before=at,
                created_at=at,
            )
        )
        if i < len(values):
            s.add(
                SurveyAnswer(
                    campaign_id=c.id,
                    survey_id=survey_id,
                    resident_id=rid,
                    value=values[i],
                    answered_at=at,
                )
            )
    await s.flush()
    return c.id
