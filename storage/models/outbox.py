"""Messages to deliver, written with the change that causes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import (
    OutboxKind,
    OutboxLane,
    OutboxPurpose,
    OutboxState,
)
from storage.models.base import Base, enum_column


class OutboxMessage(Base):
    """A message that must reach someone because something changed.

    A campaign's messages carry its id: one row per (campaign, chat), which the unique
    constraint enforces, so expanding a campaign again after a crash adds no duplicate.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "not_before"),
        Index("ix_outbox_lane", "state", "lane", "id"),
        Index("ix_outbox_sent_message", "chat_id", "telegram_message_id"),
        UniqueConstraint("campaign_id", "chat_id", name="uq_outbox_campaign_chat"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[OutboxKind] = mapped_column(enum_column(OutboxKind))
    purpose: Mapped[OutboxPurpose] = mapped_column(enum_column(OutboxPurpose))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Which lane the row waits in (``OutboxLane``): set when written, claimed lane by lane.
    lane: Mapped[int] = mapped_column(
        SmallInteger, default=int(OutboxLane.CONVERSATION), server_default="2"
    )
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    #: The idea an agents chat's card or notice is about: a reply to it acts on the idea.
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id"), index=True)
    state: Mapped[OutboxState] = mapped_column(
        enum_column(OutboxState), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]  # when a worker reserved it (CLAIMED, SENDING)
    claimed_by: Mapped[int | None] = mapped_column(Integer)  # which worker (PostgreSQL)
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
