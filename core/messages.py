"""Messages to deliver because something changed: written to the outbox in the transaction of
the change that causes them, delivered by ``bot.outbox`` after the commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import OutboxKind, OutboxPurpose, OutboxState
from storage.models import OutboxMessage
from storage.outbox import lane_of
from storage.outbox_payload import OutboxPayload, button_rows

__all__ = ["Buttons", "OutboxPayload", "enqueue"]

#: Set in a session's ``info`` when it queued a message: once it commits, whoever runs the
#: unit wakes the outbox worker instead of leaving the message to its next poll.
QUEUED = "senscommun_queued"


def queued(s: AsyncSession) -> bool:
    """Whether ``s`` queued a message since it began."""
    return bool(s.info.get(QUEUED))


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
    not_before: datetime | None = None,
    idea_id: int | None = None,
    force_reply: bool = False,
    urgent: bool = False,
    caption_only: bool = False,
) -> OutboxMessage:
    """Add one message to the outbox (the caller's transaction commits it); ``not_before``
    holds it (quiet hours), else it is due at once. ``urgent``: an urgent report's card, sent
    before anything else (``storage.outbox.lane_of``)."""
    payload = OutboxPayload(
        text,
        buttons=None if buttons is None else button_rows(buttons),
        photo=photo or None,
        reply_to_card=reply_to_card,
        force_reply=force_reply,  # a prompt whose answer is the reply to it
        # an edit of an idea's review card (a report's card is found by ``report_id``)
        idea_card=idea_id if kind is OutboxKind.EDIT_CARD else None,
        pin=pin,
        caption_only=caption_only,
    )
    row = OutboxMessage(
        chat_id=chat_id,
        kind=kind,
        purpose=purpose,
        lane=int(lane_of(purpose, kind, urgent)),
        payload=payload.to_json(),
        report_id=report_id,
        idea_id=idea_id,
        state=OutboxState.PENDING,
        attempts=0,
        not_before=not_before or now,
        created_at=now,
    )
    s.add(row)
    s.info[QUEUED] = True
    return row
