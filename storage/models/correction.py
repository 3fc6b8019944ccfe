"""Corrections: consented labels from residents' picks and agents' moves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import CorrectionSource
from storage.models.base import Base, enum_column


class LabelledExample(Base):
    """A correction of the classifier: a resident's pick or an agent's "not ours, it is X".

    Used for training only while its author's ``consent_training`` is true.
    """

    __tablename__ = "labelled_examples"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    text: Mapped[str] = mapped_column(Text)  # with personal data masked
    lang: Mapped[str] = mapped_column(String(8))
    service: Mapped[str] = mapped_column(String(32))
    suggested: Mapped[str] = mapped_column(String(32))
    source: Mapped[CorrectionSource] = mapped_column(enum_column(CorrectionSource, length=16))
    created_at: Mapped[datetime]
