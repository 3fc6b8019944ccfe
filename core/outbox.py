"""The outbox: messages that must be delivered because something changed.

Rows are written in the transaction of the change that causes them; ``bot.outbox_worker``
claims due rows, sends them within Telegram's limits, and records each one's fate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import OutboxKind, OutboxPurpose, OutboxState
from storage.models import OutboxMessage

Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data)


def enqueue(
    s: AsyncSession,
    *,
    chat_id: int,
    text: str,
    purpose: OutboxPurpose,
    now: datetime,
    report_id: int | None = None,
    buttons: Buttons | None = None,
    photo: str | None = None,
    reply_to_card: bool = False,
    pin: bool | None = None,
    kind: OutboxKind = OutboxKind.MESSAGE,
) -> OutboxMessage:
    """Add one message to the outbox (the caller's transaction commits it)."""
    payload: dict[str, Any] = {"text": text, "html": True}
    if buttons is not None:
        payload["buttons"] = [[list(b) for b in row] for row in buttons]
    if photo:
        payload["photo"] = photo
    if reply_to_card:
        payload["reply_to_card"] = True
    if pin is not None:  # pin (True) or unpin (False) the message once delivered
        payload["pin"] = pin
    row = OutboxMessage(
        chat_id=chat_id,
        kind=kind,
        purpose=purpose,
        payload=payload,
        report_id=report_id,
        state=OutboxState.PENDING,
        attempts=0,
        not_before=now,
        created_at=now,
    )
    s.add(row)
    return row


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int
    kind: OutboxKind
    purpose: OutboxPurpose
    payload: dict[str, Any]
    report_id: int | None
    attempts: int


async def claim_due(s: AsyncSession, now: datetime, limit: int, postgres: bool) -> list[Claimed]:
    """Claim up to ``limit`` due rows (marked SENDING and committed by the caller).

    On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets several workers claim side by side.
    """
    q = (
        select(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.not_before <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if postgres:
        q = q.with_for_update(skip_locked=True)
    rows = (await s.scalars(q)).all()
    for r in rows:
        r.state = OutboxState.SENDING
        r.attempts += 1
    return [
        Claimed(r.id, r.chat_id, r.kind, r.purpose, dict(r.payload), r.report_id, r.attempts)
        for r in rows
    ]


async def mark_sent(s: AsyncSession, row_id: int, message_id: int | None, now: datetime) -> None:
    await s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(state=OutboxState.SENT, sent_at=now, telegram_message_id=message_id)
    )


async def mark_retry(
    s: AsyncSession, row_id: int, at: datetime, error: str, refund: bool = False
) -> None:
    """Back to PENDING until ``at``; ``refund`` when the attempt was not the message's fault
    (its chat was not ready, Telegram asked to wait)."""
    values: dict[str, Any] = {
        "state": OutboxState.PENDING,
        "not_before": at,
        "last_error": error[:500],
    }
    if refund:
        values["attempts"] = OutboxMessage.attempts - 1
    await s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


async def mark_final(s: AsyncSession, row_id: int, state: OutboxState, error: str) -> None:
    await s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(state=state, last_error=error[:500])
    )


async def release_interrupted(s: AsyncSession) -> int:
    """After a crash, rows left SENDING may or may not have reached Telegram.

    They are marked UNKNOWN and not resent: a message is never sent twice.
    """
    res = await s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING)
        .values(state=OutboxState.UNKNOWN, last_error="interrupted during the call")
    )
    return int(getattr(res, "rowcount", 0) or 0)


async def card_message(s: AsyncSession, report_id: int, chat_id: int) -> int | None:
    """The Telegram message id of the latest card of ``report_id`` sent to ``chat_id``."""
    return await s.scalar(
        select(OutboxMessage.telegram_message_id)
        .where(
            OutboxMessage.report_id == report_id,
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.purpose == OutboxPurpose.CARD,
            OutboxMessage.state == OutboxState.SENT,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


async def card_pending(s: AsyncSession, report_id: int, chat_id: int) -> bool:
    """Whether a card for ``report_id`` is still on its way to ``chat_id``."""
    found = await s.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.report_id == report_id,
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.purpose == OutboxPurpose.CARD,
            OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.SENDING]),
        )
    )
    return found is not None


async def report_of_message(s: AsyncSession, chat_id: int, message_id: int) -> int | None:
    """Which report a message we sent (a card, a notification) belongs to."""
    return await s.scalar(
        select(OutboxMessage.report_id).where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.telegram_message_id == message_id,
            OutboxMessage.report_id.is_not(None),
        )
    )


async def count_due(s: AsyncSession, now: datetime) -> int:
    """Messages to send now, or being sent."""
    q = select(func.count()).where(
        or_(
            and_(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.not_before <= now),
            OutboxMessage.state == OutboxState.SENDING,
        )
    )
    return int(await s.scalar(q) or 0)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** min(attempts, 8)))
