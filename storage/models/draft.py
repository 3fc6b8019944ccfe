"""A report or idea still being written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Integer,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import DraftKind, DraftStep
from storage.models.base import Base, enum_column


class Draft(Base):
    """A conversation in progress, kept in the database so a restart carries on."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[DraftKind] = mapped_column(enum_column(DraftKind))
    step: Mapped[DraftStep] = mapped_column(enum_column(DraftStep))
    #: ``core.conversation.drafts.DraftData`` as JSON.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
