"""The town's other systems: Open311 clients that post reports, and forwards of new reports to
a service's e-mail address or external Open311 endpoint (its CRM)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import ForwardChannel, ForwardState
from storage.models.base import Base, enum_column


class ApiClient(Base):
    """A system allowed to post reports (``senscommun apikey create``): only its key's hash is
    kept. Its reports belong to a stand-in resident without a chat, so nobody is messaged."""

    __tablename__ = "api_clients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiRequest(Base):
    """A report an API client posted, and the token it was given (``tokens/{token}``)."""

    __tablename__ = "api_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), unique=True)
    api_client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    created_at: Mapped[datetime]


class Forward(Base):
    """A new report to send to one of its service's other systems: written with the report,
    sent by the forwarding worker, tried again with back-off, given up only by age."""

    __tablename__ = "forwards"
    __table_args__ = (Index("ix_forwards_due", "state", "not_before"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    service_code: Mapped[str] = mapped_column(String(32), index=True)
    channel: Mapped[ForwardChannel] = mapped_column(enum_column(ForwardChannel, length=16))
    state: Mapped[ForwardState] = mapped_column(
        enum_column(ForwardState, length=16), default=ForwardState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    #: The last failure, in a few words (never the report's text).
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Open311: the CRM's ``service_request_id`` (or its ``token`` until it gives one).
    external_id: Mapped[str | None] = mapped_column(String(128))
    #: Open311: the CRM's status as last pulled back, and when.
    external_status: Mapped[str | None] = mapped_column(String(64))
    polled_at: Mapped[datetime | None]
