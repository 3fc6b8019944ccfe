"""Updates received from Telegram, stored before the webhook answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    Integer,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class InboxUpdate(Base):
    """A Telegram update as received, stored before the webhook answers 200."""

    __tablename__ = "inbox"
    __table_args__ = (
        Index("ix_inbox_pending", "processed_at", "chat_id", "id"),
        # a resident's messages of the last minute (``core.residents.limits``)
        Index("ix_inbox_chat_received", "chat_id", "received_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
