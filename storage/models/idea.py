"""Residents' ideas, their supports, the town's answers and milestones."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import (
    IdeaAnswerKind,
    IdeaState,
)
from storage.models.base import Base, enum_column


class Idea(Base):
    """A suggestion by a resident: reviewed, published, supported, answered by the town."""

    __tablename__ = "ideas"
    __table_args__ = (Index("ix_ideas_service_state", "service_code", "state"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    text: Mapped[str] = mapped_column(Text)  # as written, seen by reviewers only
    redacted_text: Mapped[str] = mapped_column(Text)  # what is published
    lang: Mapped[str] = mapped_column(String(8))
    state: Mapped[IdeaState] = mapped_column(enum_column(IdeaState))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    #: How many residents support it (a cache of ``idea_supports``, kept by core.ideas.proposals).
    supports: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    #: When its supports first reached the service's threshold (its agents were told).
    on_agenda_at: Mapped[datetime | None]
    #: When its agents were last reminded that it waits for an official answer.
    reminded_at: Mapped[datetime | None]
    #: What an agent's next reply to its card does (``core.idea_replies.Pending``), and who
    #: pressed the button that asked for it.
    pending: Mapped[str | None] = mapped_column(String(32))
    pending_by: Mapped[int | None] = mapped_column(BigInteger)


class IdeaSupport(Base):
    """A resident's support of an idea: at most one per (idea, resident)."""

    __tablename__ = "idea_supports"
    __table_args__ = (UniqueConstraint("idea_id", "resident_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    created_at: Mapped[datetime]


class IdeaAnswer(Base):
    """An official answer of the town to an idea (the latest one is its current answer)."""

    __tablename__ = "idea_answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    kind: Mapped[IdeaAnswerKind] = mapped_column(enum_column(IdeaAnswerKind))
    text: Mapped[str] = mapped_column(Text)
    agent_name: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime]


class IdeaMilestone(Base):
    """A step the town commits to for an idea, with a due date, marked done when reached."""

    __tablename__ = "idea_milestones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
