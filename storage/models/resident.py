"""Residents and the news topics they follow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from storage.models.base import Base


class Resident(Base):
    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8))
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    #: May their corrected messages teach the classifier? None: not answered (off).
    consent_training: Mapped[bool | None] = mapped_column(Boolean)
    consent_training_asked: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    #: May the bot send them surveys? None: not answered yet (off). /surveys stops or resumes.
    consent_surveys: Mapped[bool | None] = mapped_column(Boolean)
    consent_surveys_asked: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    #: When they were last sent a survey (the cap counts from here).
    last_surveyed_at: Mapped[datetime | None]
    #: When Telegram said they blocked the bot (403): campaigns skip them until they write again.
    blocked_at: Mapped[datetime | None]
    #: When an administrator barred them (abuse): their messages are kept, not processed.
    barred_at: Mapped[datetime | None]
    #: Whether they were told they are barred (told once).
    barred_told: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: A salted hash of the phone number they shared with Telegram's contact button (one
    #: resident per number): their idea supports count as a person's (``ideas.require_phone``).
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class Subscription(Base):
    """A resident's subscription to a broadcast topic (``/subscribe``)."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("resident_id", "topic"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
