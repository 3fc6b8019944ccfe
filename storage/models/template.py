"""Answer templates: what a service often writes to residents, per status and language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import ReportStatus
from storage.models.base import Base, enum_column


class AnswerTemplate(Base):
    """One template in one language. ``status`` set: offered when setting that status (and
    sent with it); unset: offered when replying. Seeded from ``[[templates]]``, then edited on
    the dashboard by an administrator."""

    __tablename__ = "answer_templates"
    __table_args__ = (UniqueConstraint("service_code", "code", "lang"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    status: Mapped[ReportStatus | None] = mapped_column(enum_column(ReportStatus))
    lang: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(128), default="")
