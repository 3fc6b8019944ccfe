"""The outbox: messages that must be delivered because something changed. Rows are written in
the transaction of the change that causes them; ``bot.outbox.worker`` claims due rows, sends
them within Telegram's limits, and records each one's fate."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.db import rowcount
from storage.enums import CampaignState, OutboxKind, OutboxLane, OutboxPurpose, OutboxState
from storage.models import Campaign, OutboxMessage
from storage.outbox_payload import OutboxPayload
from storage.scrub import error_text

#: Pushes to many: they take what rate the other lanes leave.
PUSH_PURPOSES = frozenset({OutboxPurpose.SURVEY, OutboxPurpose.BROADCAST})


def lane_of(purpose: OutboxPurpose, kind: OutboxKind, urgent: bool = False) -> OutboxLane:
    """The lane a row is written in. A column, not a ``CASE`` in the claim: the claim walks
    the index ``(state, lane, id)`` and stops after a batch, where a computed order would sort
    every due row of a 100,000-recipient campaign at each claim; and the report's urgency,
    known when the card is written, needs no join at each claim.

    Order within a chat is kept within a lane (a chat's rows of one lane go in id order).
    Across lanes a push may be overtaken, which is the point; a conversation never is, since
    only an urgent report's first card (never an edit of it, never a reply to it) goes first.
    """
    if purpose in PUSH_PURPOSES:
        return OutboxLane.PUSH
    if urgent and purpose is OutboxPurpose.CARD and kind is OutboxKind.MESSAGE:
        return OutboxLane.URGENT
    return OutboxLane.CONVERSATION


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int
    kind: OutboxKind
    purpose: OutboxPurpose
    payload: OutboxPayload
    report_id: int | None
    attempts: int
    created_at: datetime | None = None  # when it was written: transient failures give up by age
    lane: int = int(OutboxLane.CONVERSATION)


#: A worker's claim older than this is taken to be abandoned (its process died).
CLAIM_LEASE = timedelta(minutes=2)


async def claim_due(
    s: AsyncSession,
    now: datetime,
    limit: int,
    postgres: bool,
    worker: int | None = None,
    max_lane: OutboxLane = OutboxLane.PUSH,
) -> list[Claimed]:
    """Reserve up to ``limit`` due rows for this worker (CLAIMED, committed by the caller),
    the first lane first (:func:`lane_of`), then by id; none past ``max_lane``.

    A claimed row is not on the wire yet: each goes SENDING just before its call
    (:func:`mark_sending`). On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets several workers
    claim side by side.
    """
    q = (
        select(
            OutboxMessage.id,
            OutboxMessage.chat_id,
            OutboxMessage.kind,
            OutboxMessage.purpose,
            OutboxMessage.payload,
            OutboxMessage.report_id,
            OutboxMessage.attempts,
            OutboxMessage.created_at,
            OutboxMessage.lane,
        )
        .where(
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.lane <= int(max_lane),
            OutboxMessage.not_before <= now,
            # A campaign goes out once all its rows are written: writing and sending do not
            # compete for the database, and it starts at full speed.
            or_(
                OutboxMessage.campaign_id.is_(None),
                OutboxMessage.campaign_id.in_(
                    select(Campaign.id).where(Campaign.state == CampaignState.SENDING)
                ),
            ),
        )
        .order_by(OutboxMessage.lane, OutboxMessage.id)  # lane by lane (``lane_of``)
        .limit(limit)
    )
    if postgres:
        q = q.with_for_update(skip_locked=True)
    rows = (await s.execute(q)).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    for chunk in _chunks(ids):
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk))
            .values(
                state=OutboxState.CLAIMED,
                claimed_at=now,
                claimed_by=worker,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    return [
        Claimed(
            r.id,
            r.chat_id,
            r.kind,
            r.purpose,
            OutboxPayload.from_json(r.payload),
            r.report_id,
            r.attempts + 1,
            r.created_at,
            r.lane,
        )
        for r in rows
    ]


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


async def mark_sending(s: AsyncSession | AsyncConnection, ids: list[int]) -> None:
    """These rows are about to go on the wire: after a crash they are never resent. On a
    connection in autocommit, one statement is one durable transaction (one round trip)."""
    for chunk in _chunks(ids):
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk))
            .values(state=OutboxState.SENDING)
            .execution_options(synchronize_session=False)
        )


_OUTBOX = cast(Table, OutboxMessage.__table__)
_SENT = (
    _OUTBOX.update()
    .where(_OUTBOX.c.id == bindparam("p_id"))
    .values(
        state=OutboxState.SENT, sent_at=bindparam("p_now"), telegram_message_id=bindparam("p_mid")
    )
)
_RETRY = (
    _OUTBOX.update()
    .where(_OUTBOX.c.id == bindparam("p_id"))
    .values(
        state=OutboxState.PENDING,
        not_before=bindparam("p_at"),
        last_error=bindparam("p_error"),
        attempts=_OUTBOX.c.attempts - bindparam("p_refund"),
    )
)
_FINAL = (
    _OUTBOX.update()
    .where(_OUTBOX.c.id == bindparam("p_id"))
    .values(state=bindparam("p_state"), last_error=bindparam("p_error"))
)


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row, recorded in batches by :func:`record`."""

    id: int
    state: OutboxState  # SENT, PENDING (retry later), FAILED, BLOCKED or UNKNOWN (in doubt)
    message_id: int | None = None
    at: datetime | None = None  # for a retry: not before
    error: str = ""
    refund: bool = False  # a retry that was not the message's fault


async def record(s: AsyncSession, outcomes: list[Outcome], now: datetime) -> None:
    """Record many outcomes with one statement per kind (executemany)."""
    sent = [
        {"p_id": o.id, "p_now": now, "p_mid": o.message_id}
        for o in outcomes
        if o.state is OutboxState.SENT
    ]
    err = {o.id: error_text(o.error) for o in outcomes}  # never a secret in a stored error
    retry = [
        {"p_id": o.id, "p_at": o.at or now, "p_error": err[o.id], "p_refund": int(o.refund)}
        for o in outcomes
        if o.state is OutboxState.PENDING
    ]
    final = [
        {"p_id": o.id, "p_state": o.state.value, "p_error": err[o.id]}
        for o in outcomes
        if o.state in (OutboxState.FAILED, OutboxState.BLOCKED, OutboxState.UNKNOWN)
    ]
    for stmt, params in ((_SENT, sent), (_RETRY, retry), (_FINAL, final)):
        if params:
            await s.execute(stmt, params)


async def mark_sent(s: AsyncSession, row_id: int, message_id: int | None, now: datetime) -> None:
    await record(s, [Outcome(row_id, OutboxState.SENT, message_id)], now)


async def mark_retry(
    s: AsyncSession, row_id: int, at: datetime, error: str, refund: bool = False
) -> None:
    """Back to PENDING until ``at``; ``refund`` when the attempt was not the message's fault
    (its chat was not ready, Telegram asked to wait)."""
    await record(s, [Outcome(row_id, OutboxState.PENDING, at=at, error=error, refund=refund)], at)


async def mark_final(s: AsyncSession, row_id: int, state: OutboxState, error: str) -> None:
    await record(s, [Outcome(row_id, state, error=error)], datetime.min)


class Recovered(NamedTuple):
    """What :func:`release_interrupted` did with the rows a crash left behind."""

    unknown: int  # in doubt, not resent (never sent twice)
    released: int  # only claimed, never on the wire: pending again
    resent: int  # in doubt, pending again: edits, and the purposes resent by policy


async def release_interrupted(
    s: AsyncSession,
    now: datetime,
    everything: bool,
    dead: list[int] | None = None,
    resend: Collection[OutboxPurpose] = (),
    max_attempts: int | None = None,
) -> Recovered:
    """After a crash: rows left SENDING may or may not have reached Telegram, which has no way
    to say which (no idempotency key). Edits of a card are idempotent (a second one is "not
    modified"), so they are pending again; so are the rows whose purpose is in ``resend``
    (``outbox.resend_in_doubt``: at-least-once, a duplicate rather than a loss). The others are
    marked UNKNOWN and not resent (at-most-once), and so is a row past ``max_attempts``: a
    message whose sending kills the process must not take it down at every restart. Rows only
    CLAIMED never left: they are pending again.

    ``everything``: this is the only worker (SQLite), so every claim is an orphan. Otherwise
    the claims of the ``dead`` workers (see ``bot.outbox.worker``), and any claim older than
    :data:`CLAIM_LEASE`."""
    orphan: Any = True
    if not everything:
        orphan = OutboxMessage.claimed_at < now - CLAIM_LEASE
        if dead:
            orphan = or_(orphan, OutboxMessage.claimed_by.in_(dead))
    safe = OutboxMessage.kind == OutboxKind.EDIT_CARD
    if resend:
        safe = or_(safe, OutboxMessage.purpose.in_(list(resend)))
    if max_attempts is not None:
        safe = and_(safe, OutboxMessage.attempts < max_attempts)
    resent = await s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING, orphan, safe)
        .values(
            state=OutboxState.PENDING,
            claimed_by=None,
            last_error="interrupted during the call: sent again (outbox.resend_in_doubt)",
        )
        .execution_options(synchronize_session=False)
    )
    unknown = await s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING, orphan)
        .values(state=OutboxState.UNKNOWN, last_error="interrupted during the call")
        .execution_options(synchronize_session=False)
    )
    released = await s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.CLAIMED, orphan)
        .values(state=OutboxState.PENDING, attempts=OutboxMessage.attempts - 1, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return Recovered(rowcount(unknown), rowcount(released), rowcount(resent))


async def claim_owners(s: AsyncSession) -> list[int]:
    """The workers holding claims now."""
    rows = await s.scalars(
        select(OutboxMessage.claimed_by)
        .where(
            OutboxMessage.state.in_([OutboxState.CLAIMED, OutboxState.SENDING]),
            OutboxMessage.claimed_by.is_not(None),
        )
        .distinct()
    )
    return [int(r) for r in rows.all() if r is not None]


def _card_of(report_id: int | None, idea_id: int | None) -> Any:
    if idea_id is not None:
        return and_(OutboxMessage.idea_id == idea_id, OutboxMessage.purpose == OutboxPurpose.IDEA)
    return and_(OutboxMessage.report_id == report_id, OutboxMessage.purpose == OutboxPurpose.CARD)


async def card_message(
    s: AsyncSession, report_id: int | None, chat_id: int, idea_id: int | None = None
) -> int | None:
    """The Telegram message id of the latest card of ``report_id`` (or of the idea
    ``idea_id``) sent to ``chat_id``."""
    return await s.scalar(
        select(OutboxMessage.telegram_message_id)
        .where(
            _card_of(report_id, idea_id),
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.state == OutboxState.SENT,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


async def card_pending(
    s: AsyncSession, report_id: int | None, chat_id: int, idea_id: int | None = None
) -> bool:
    """Whether a card for ``report_id`` (or the idea ``idea_id``) is on its way to ``chat_id``
    (the card itself: not an edit of it, which would find itself)."""
    found = await s.scalar(
        select(OutboxMessage.id).where(
            _card_of(report_id, idea_id),
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.kind == OutboxKind.MESSAGE,
            OutboxMessage.state.in_(
                [OutboxState.PENDING, OutboxState.CLAIMED, OutboxState.SENDING]
            ),
        )
    )
    return found is not None


async def card_lost(
    s: AsyncSession, report_id: int | None, chat_id: int, idea_id: int | None = None
) -> bool:
    """Whether the card of ``report_id`` (or the idea ``idea_id``) for ``chat_id`` was given
    up (failed, or left in doubt) without ever being sent: an edit then sends it anew."""
    found = await s.scalar(
        select(OutboxMessage.id).where(
            _card_of(report_id, idea_id),
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.kind == OutboxKind.MESSAGE,
            OutboxMessage.state.in_([OutboxState.FAILED, OutboxState.UNKNOWN]),
        )
    )
    return found is not None


async def _about(s: AsyncSession, column: Any, chat_id: int, message_id: int) -> int | None:
    """``column`` (a report's or an idea's id) of a message we sent, if it has one."""
    return await s.scalar(
        select(column).where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.telegram_message_id == message_id,
            column.is_not(None),
        )
    )


async def report_of_message(s: AsyncSession, chat_id: int, message_id: int) -> int | None:
    """Which report a message we sent (a card, a notification) belongs to."""
    return await _about(s, OutboxMessage.report_id, chat_id, message_id)


async def idea_of_message(s: AsyncSession, chat_id: int, message_id: int) -> int | None:
    """Which idea a message we sent to an agents chat (its card, a notice) is about."""
    return await _about(s, OutboxMessage.idea_id, chat_id, message_id)


async def count_due(s: AsyncSession, now: datetime) -> int:
    """Messages to send now, or being sent."""
    q = select(func.count()).where(
        or_(
            and_(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.not_before <= now),
            OutboxMessage.state.in_([OutboxState.SENDING, OutboxState.CLAIMED]),
        )
    )
    return int(await s.scalar(q) or 0)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** min(attempts, 8)))
