"""The audit log: who did what with a moderation power (hide, block), one line each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class AuditLine(Base):
    """One act of moderation: when, by whom (an agent's or administrator's Telegram id and
    name, or the command line), what (``action``) and on what (``target``)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str] = mapped_column(String(128), default="")
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64))  # "report:12", "resident:7"
    detail: Mapped[str] = mapped_column(Text, default="")
