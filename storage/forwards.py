"""Forwards: new reports to send to a service's other systems (e-mail, an external Open311
endpoint), the outbox's claim and back-off pattern on a table of their own.

A row is written in the report's transaction (``core.integrations.forwarding``); the
forwarding worker (``bot.forwarding.worker``) claims due rows (``SKIP LOCKED`` on PostgreSQL:
several workers side by side), sends each and records its fate. Every failure is tried again,
waiting twice as long each time; a row gives up only by age (``FAILED``), and ``senscommun
forwards retry`` sends it again. A claim whose process died is taken again after
:data:`CLAIM_LEASE` (at-least-once: a CRM may see a report twice, never none).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import sql
from storage.db import rowcount
from storage.enums import OPEN_STATUSES, ForwardChannel, ForwardState
from storage.models import Forward, Report

#: A claim older than this is taken to be abandoned (its process died during the call).
CLAIM_LEASE = timedelta(minutes=10)
#: The longest error kept on a row.
ERROR_CHARS = 300


@dataclass(frozen=True)
class Claimed:
    id: int
    report_id: int
    service_code: str
    channel: ForwardChannel
    attempts: int
    created_at: datetime


def add(
    s: AsyncSession, report_id: int, service: str, channel: ForwardChannel, now: datetime
) -> None:
    s.add(
        Forward(
            report_id=report_id,
            service_code=service,
            channel=channel,
            state=ForwardState.PENDING,
            attempts=0,
            not_before=now,
            created_at=now,
        )
    )


async def claim_due(s: AsyncSession, now: datetime, limit: int) -> list[Claimed]:
    """Reserve up to ``limit`` due rows (SENDING, committed by the caller), oldest first."""
    due = and_(Forward.state == ForwardState.PENDING, Forward.not_before <= now)
    abandoned = and_(Forward.state == ForwardState.SENDING, Forward.claimed_at < now - CLAIM_LEASE)
    q = select(Forward).where(or_(due, abandoned)).order_by(Forward.id).limit(limit)
    rows = list((await s.scalars(sql.claimable(q))).all())
    for row in rows:
        row.state, row.claimed_at = ForwardState.SENDING, now
    return [
        Claimed(r.id, r.report_id, r.service_code, r.channel, r.attempts, r.created_at)
        for r in rows
    ]


async def mark_sent(
    s: AsyncSession, forward_id: int, now: datetime, external_id: str | None = None
) -> None:
    await s.execute(
        update(Forward)
        .where(Forward.id == forward_id)
        .values(
            state=ForwardState.SENT,
            sent_at=now,
            attempts=Forward.attempts + 1,
            external_id=external_id,
            last_error=None,
        )
    )


def retry_delay(attempts: int, first: float, most: float) -> timedelta:
    """The wait after the ``attempts``-th failure in a row: ``first``, doubled, at most ``most``."""
    return timedelta(seconds=min(most, first * 2 ** max(0, attempts - 1)))


async def mark_failed(
    s: AsyncSession,
    c: Claimed,
    now: datetime,
    error: str,
    *,
    give_up_after: timedelta,
    first_retry_s: float,
    max_retry_s: float,
) -> ForwardState:
    """A failed try: pending again after the back-off, or ``FAILED`` once older than
    ``give_up_after``. Returns the row's new state."""
    attempts = c.attempts + 1
    state = ForwardState.FAILED if now - c.created_at >= give_up_after else ForwardState.PENDING
    await s.execute(
        update(Forward)
        .where(Forward.id == c.id)
        .values(
            state=state,
            attempts=attempts,
            not_before=now + retry_delay(attempts, first_retry_s, max_retry_s),
            last_error=error[:ERROR_CHARS],
        )
    )
    return state


async def recover(s: AsyncSession, now: datetime) -> int:
    """At start (SQLite's one process): rows left SENDING by a process that died go again."""
    result = await s.execute(
        update(Forward)
        .where(Forward.state == ForwardState.SENDING)
        .values(state=ForwardState.PENDING, not_before=now)
    )
    return rowcount(result)


async def retry_failed(s: AsyncSession, now: datetime) -> int:
    """Failed forwards, pending again (``senscommun forwards retry``), as if written now."""
    result = await s.execute(
        update(Forward)
        .where(Forward.state == ForwardState.FAILED)
        .values(state=ForwardState.PENDING, not_before=now, created_at=now)
    )
    return rowcount(result)


async def counts(s: AsyncSession) -> dict[tuple[ForwardChannel, ForwardState], int]:
    rows = await s.execute(
        select(Forward.channel, Forward.state, func.count()).group_by(
            Forward.channel, Forward.state
        )
    )
    return {(ch, st): int(n) for ch, st, n in rows.all()}


async def not_delivered(
    s: AsyncSession, services: Collection[str], limit: int = 200
) -> list[Forward]:
    """The forwards of ``services`` still waiting or given up, oldest first."""
    q = (
        select(Forward)
        .where(
            Forward.service_code.in_(list(services)),
            Forward.state.in_([ForwardState.PENDING, ForwardState.SENDING, ForwardState.FAILED]),
        )
        .order_by(Forward.id)
        .limit(limit)
    )
    return list((await s.scalars(q)).all())


@dataclass(frozen=True)
class Followed:
    """A report an external Open311 endpoint took: its id there and the status last seen."""

    forward_id: int
    report_id: int
    service_code: str
    external_id: str
    external_status: str | None


async def to_pull(s: AsyncSession, limit: int = 500) -> list[Followed]:
    """Open reports an external Open311 endpoint took, the least recently asked first."""
    q = (
        select(
            Forward.id,
            Forward.report_id,
            Forward.service_code,
            Forward.external_id,
            Forward.external_status,
        )
        .join(Report, Report.id == Forward.report_id)
        .where(
            Forward.channel == ForwardChannel.OPEN311,
            Forward.state == ForwardState.SENT,
            Forward.external_id.is_not(None),
            Report.status.in_(OPEN_STATUSES),
        )
        .order_by(Forward.polled_at.is_not(None), Forward.polled_at, Forward.id)
        .limit(limit)
    )
    rows = (await s.execute(q)).all()
    return [Followed(fid, rid, code, ext or "", status) for fid, rid, code, ext, status in rows]


async def polled(s: AsyncSession, forward_id: int, status: str | None, now: datetime) -> None:
    await s.execute(
        update(Forward)
        .where(Forward.id == forward_id)
        .values(external_status=status, polled_at=now)
    )


async def set_external_id(s: AsyncSession, forward_id: int, external_id: str) -> None:
    """The endpoint's request id, once a token of its answer turned into one."""
    await s.execute(
        update(Forward).where(Forward.id == forward_id).values(external_id=external_id[:128])
    )
