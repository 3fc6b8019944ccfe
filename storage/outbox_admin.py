"""The outbox as an operator sees it: what waits, what failed, sending failed messages (and a
campaign's messages in doubt) again, and retention (delivered messages lose their text after
``outbox.keep_days``).

Retention empties the payload and keeps the row: its state, purpose, campaign and dates are
what campaign and survey figures count (``campaigns.delivery``, survey results), and the
``telegram_message_id`` of a card is what a later edit or a reply to the card looks up. A
summary table kept instead of the rows would have to be kept true by every reader of those
figures; an emptied row is small (some 100 bytes) and every reader stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Text, and_, cast, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from storage.enums import OutboxState
from storage.models import OutboxMessage


async def count_in(s: AsyncSession, state: OutboxState) -> int:
    """How many messages are in ``state``."""
    return int(await s.scalar(select(func.count()).where(OutboxMessage.state == state)) or 0)


@dataclass(frozen=True)
class Summary:
    """Counts by lane and state, and the oldest message due and not sent."""

    counts: dict[tuple[int, OutboxState], int] = field(default_factory=dict)
    oldest_due: datetime | None = None  # when it was written
    due: int = 0


async def summary(s: AsyncSession, now: datetime) -> Summary:
    rows = await s.execute(
        select(OutboxMessage.lane, OutboxMessage.state, func.count()).group_by(
            OutboxMessage.lane, OutboxMessage.state
        )
    )
    counts = {(int(lane), OutboxState(state)): int(n) for lane, state, n in rows.all()}
    due = and_(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.not_before <= now)
    oldest, n = (
        await s.execute(select(func.min(OutboxMessage.created_at), func.count()).where(due))
    ).one()
    return Summary(counts, oldest, int(n))


async def retry_failed(s: AsyncSession, now: datetime, since: datetime | None = None) -> int:
    """FAILED messages (written since ``since``) are pending again, their attempts afresh.
    Returns how many."""
    where = [OutboxMessage.state == OutboxState.FAILED]
    if since is not None:
        where.append(OutboxMessage.created_at >= since)
    done = await s.execute(
        update(OutboxMessage)
        .where(*where)
        .values(
            state=OutboxState.PENDING,
            attempts=0,
            not_before=now,
            claimed_by=None,
            last_error="sent again by the operator",
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(done)


async def forget_delivered(s: AsyncSession, before: datetime, limit: int = 5_000) -> int:
    """Empty the payload of up to ``limit`` messages delivered before ``before`` (their text
    goes; the row and its state stay). Returns how many; the caller commits, and calls again
    while it returns ``limit``."""
    ids = select(OutboxMessage.id).where(
        OutboxMessage.state == OutboxState.SENT,
        OutboxMessage.sent_at < before,
        cast(OutboxMessage.payload, Text) != "{}",
    )
    done = await s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids.order_by(OutboxMessage.id).limit(limit).scalar_subquery()))
        .values(payload={})
        .execution_options(synchronize_session=False)
    )
    return rowcount(done)


async def resend_unknown(s: AsyncSession, campaign_id: int) -> int:
    """The operator's choice after a crash (``broadcast resend-unknown``): a campaign's
    messages left UNKNOWN go again, knowing that some of them had reached their resident
    and will arrive twice. Returns how many."""
    done = await s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.campaign_id == campaign_id, OutboxMessage.state == OutboxState.UNKNOWN)
        .values(state=OutboxState.PENDING, claimed_by=None, last_error="sent again by the operator")
        .execution_options(synchronize_session=False)
    )
    return rowcount(done)
