"""Micro-surveys, campaigns (one push to many) and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import (
    CampaignKind,
    CampaignState,
    SurveyType,
)
from storage.models.base import Base, enum_column


class Survey(Base):
    """A micro-survey: a question, its type and choices, who is asked, and when."""

    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[dict[str, Any]]  # {"fr": ..., "en": ...}
    type: Mapped[SurveyType] = mapped_column(enum_column(SurveyType, length=16))
    choices: Mapped[dict[str, Any]]  # {"items": [{"fr": ..., "en": ...}, ...]}
    audience: Mapped[dict[str, Any]]  # a typed filter, see core.engagement.audience
    schedule: Mapped[str | None] = mapped_column(String(64))  # cron, in the town's timezone
    send_at: Mapped[datetime | None]  # a one-off send
    next_run_at: Mapped[datetime | None] = mapped_column(index=True)
    expires_after_hours: Mapped[int] = mapped_column(Integer, default=72)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    from_config: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class Campaign(Base):
    """One push to many residents: a survey round or a broadcast. Expanded into outbox rows
    in batches (``expanded_upto`` is the last resident id done), so a restart resumes."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[CampaignKind] = mapped_column(enum_column(CampaignKind))
    state: Mapped[CampaignState] = mapped_column(enum_column(CampaignState))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"), index=True)
    topic: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[dict[str, Any]]  # {"fr": ..., "en": ...} for a broadcast
    audience: Mapped[dict[str, Any]]
    expanded_upto: Mapped[int] = mapped_column(Integer, default=0)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]


class SurveyAnswer(Base):
    """A resident's answer to one round of a survey (one per round and resident)."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("campaign_id", "resident_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    value: Mapped[str] = mapped_column(String(32))
    answered_at: Mapped[datetime]
