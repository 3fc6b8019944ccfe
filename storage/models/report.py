"""Reports, their history, their co-reporters and their photos."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from storage.enums import (
    ActorKind,
    EventKind,
    PhotoKind,
    ReportIntent,
    ReportStatus,
)
from storage.models.base import Base, enum_column


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_service_status", "service_code", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus))
    text: Mapped[str] = mapped_column(Text)
    redacted_text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    intent: Mapped[ReportIntent] = mapped_column(
        enum_column(ReportIntent, length=16), default=ReportIntent.REPORT
    )
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    suggested_service: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Why it may be urgent (``nlp.types.Classification.danger``): a rule's code or the learnt
    #: danger category; set with ``urgent`` on a rule, alone on the learnt score ("may be urgent").
    danger: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    #: Moderation: agents hid the text or the photos from every public output (Open311,
    #: shared links); agents still see them.
    text_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    photo_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    #: The agent who took the report ("Take"), while someone has it.
    assignee_telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    assignee_name: Mapped[str | None] = mapped_column(String(128))
    #: Where the response times count from: the report's creation, or its reopening.
    due_from: Mapped[datetime | None]
    #: How far the response-time job went (``core.reports.deadlines.Stage``): each reminder
    #: and escalation is written once.
    deadline_stage: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", order_by="ReportEvent.id", lazy="raise"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="report", order_by="Photo.id", lazy="raise"
    )


class ReportEvent(Base):
    """The history of a report: status and service changes, and messages exchanged."""

    __tablename__ = "report_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(
        enum_column(EventKind, length=16), default=EventKind.STATUS, server_default="status"
    )
    at: Mapped[datetime]
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str] = mapped_column(String(128), default="")
    old_status: Mapped[ReportStatus | None] = mapped_column(enum_column(ReportStatus))
    new_status: Mapped[ReportStatus | None] = mapped_column(enum_column(ReportStatus))
    old_service: Mapped[str | None] = mapped_column(String(32))
    new_service: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    report: Mapped[Report] = relationship(back_populates="events", lazy="raise")


class CoReporter(Base):
    """A resident who reports a problem already reported: told of its progress too."""

    __tablename__ = "co_reporters"
    __table_args__ = (UniqueConstraint("report_id", "resident_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    created_at: Mapped[datetime]


class Photo(Base):
    __tablename__ = "photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str] = mapped_column(String(128))
    path: Mapped[str | None] = mapped_column(Text)
    #: The resident's photo, or an agent's "after" photo (the place once fixed).
    kind: Mapped[PhotoKind] = mapped_column(
        enum_column(PhotoKind, length=8), default=PhotoKind.REPORT, server_default="report"
    )
    report: Mapped[Report] = relationship(back_populates="photos", lazy="raise")
