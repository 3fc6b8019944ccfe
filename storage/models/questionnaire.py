""" "Is it fixed?" and "still a problem?" questions and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import (
    QuestionnaireAnswer,
    QuestionnaireKind,
    QuestionnaireState,
)
from storage.models.base import Base, enum_column


class Questionnaire(Base):
    """ "Is it fixed?" after a resolution, or "still a problem?" after weeks open: one per
    (report, resident, round); answered at most once."""

    __tablename__ = "questionnaires"
    __table_args__ = (Index("ix_questionnaires_due", "state", "due_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    service_code: Mapped[str] = mapped_column(String(32))  # when asked (the report may move)
    kind: Mapped[QuestionnaireKind] = mapped_column(enum_column(QuestionnaireKind))
    state: Mapped[QuestionnaireState] = mapped_column(enum_column(QuestionnaireState))
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    #: For ``still_open``: is it still a problem?
    answer: Mapped[QuestionnaireAnswer | None] = mapped_column(
        enum_column(QuestionnaireAnswer, length=16)
    )
    rating: Mapped[int | None] = mapped_column(Integer)  # 1 to 5
    comment: Mapped[str | None] = mapped_column(Text)
