"""A resident's data, exported: everything kept about her, as one JSON-ready document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import IdeaState
from storage.models import (
    CoReporter,
    Idea,
    IdeaAnswer,
    IdeaSupport,
    LabelledExample,
    Photo,
    Questionnaire,
    Report,
    ReportEvent,
    Resident,
    Subscription,
    Survey,
    SurveyAnswer,
)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


async def export(s: AsyncSession, resident_id: int) -> dict[str, Any]:
    """Everything kept about a resident, as one JSON-ready document."""
    who = await s.get_one(Resident, resident_id)
    reports = (
        await s.scalars(select(Report).where(Report.resident_id == resident_id).order_by(Report.id))
    ).all()
    out_reports = []
    for r in reports:
        events = (
            await s.scalars(
                select(ReportEvent).where(ReportEvent.report_id == r.id).order_by(ReportEvent.id)
            )
        ).all()
        photos = (await s.scalars(select(Photo.file_id).where(Photo.report_id == r.id))).all()
        out_reports.append(
            {
                "reference": r.id,
                "service": r.service_code,
                "status": r.status.value,
                "text": r.text,
                "address": r.address,
                "latitude": r.lat,
                "longitude": r.lon,
                "created_at": _iso(r.created_at),
                "photos": list(photos),
                "history": [
                    {
                        "at": _iso(e.at),
                        "by": e.actor_kind.value,
                        "status": e.new_status.value if e.new_status else None,
                        "service": e.new_service,
                        "message": e.note,
                    }
                    for e in events
                ],
            }
        )
    joined = (
        await s.execute(
            select(CoReporter.created_at, Report)
            .join(Report, Report.id == CoReporter.report_id)
            .where(CoReporter.resident_id == resident_id)
            .order_by(CoReporter.id)
        )
    ).all()
    examples = (
        await s.scalars(select(LabelledExample).where(LabelledExample.resident_id == resident_id))
    ).all()
    asked = (
        await s.scalars(
            select(Questionnaire)
            .where(Questionnaire.resident_id == resident_id)
            .order_by(Questionnaire.id)
        )
    ).all()
    answers = (
        await s.execute(
            select(Survey.code, SurveyAnswer.value, SurveyAnswer.answered_at)
            .join(Survey, Survey.id == SurveyAnswer.survey_id)
            .where(SurveyAnswer.resident_id == resident_id)
            .order_by(SurveyAnswer.id)
        )
    ).all()
    topics = (
        await s.scalars(select(Subscription.topic).where(Subscription.resident_id == resident_id))
    ).all()
    return {
        "resident": {
            "first_name": who.first_name,
            "language": who.language,
            "first_contact": _iso(who.created_at),
            "last_contact": _iso(who.last_seen_at),
            "training_consent": who.consent_training,
            "surveys_consent": who.consent_surveys,
            "last_surveyed": _iso(who.last_surveyed_at),
            "phone_shared": who.phone_hash is not None,  # only a fingerprint is kept
        },
        "subscriptions": sorted(topics),
        "survey_answers": [
            {"survey": code, "answer": value, "answered_at": _iso(at)}
            for code, value, at in answers
        ],
        "reports": out_reports,
        "co_reports": [  # reports of others they joined: "same problem", "me too"
            {
                "reference": r.id,
                "service": r.service_code,
                "status": r.status.value,
                "joined_at": _iso(at),
            }
            for at, r in joined
        ],
        "training_examples": [{"text": e.text, "service": e.service} for e in examples],
        "questionnaires": [
            {
                "report": q.report_id,
                "question": q.kind.value,
                "state": q.state.value,
                "asked_at": _iso(q.sent_at),
                "answered_at": _iso(q.answered_at),
                "answer": q.answer,
                "rating": q.rating,
                "comment": q.comment or None,
            }
            for q in asked
        ],
        **(await _export_ideas(s, resident_id)),
    }


async def _export_ideas(s: AsyncSession, resident_id: int) -> dict[str, Any]:
    mine = (
        await s.scalars(select(Idea).where(Idea.resident_id == resident_id).order_by(Idea.id))
    ).all()
    answers = (
        await s.scalars(
            select(IdeaAnswer)
            .where(IdeaAnswer.idea_id.in_([i.id for i in mine]))
            .order_by(IdeaAnswer.id)
        )
    ).all()
    supported = (
        await s.scalars(
            select(IdeaSupport.idea_id)
            .where(IdeaSupport.resident_id == resident_id)
            .order_by(IdeaSupport.idea_id)
        )
    ).all()
    return {
        "ideas": [
            {
                "reference": i.id,
                "service": i.service_code,
                "state": i.state.value,
                "text": i.text,
                "published_text": i.redacted_text if i.state is IdeaState.PUBLISHED else None,
                "decline_reason": i.decline_reason,
                "supports": i.supports,
                "created_at": _iso(i.created_at),
                "answers": [
                    {"answer": a.kind.value, "text": a.text, "at": _iso(a.created_at)}
                    for a in answers
                    if a.idea_id == i.id
                ],
            }
            for i in mine
        ],
        "ideas_supported": list(supported),
    }
