"""What ``/ready`` asks the database: does it answer, and how far behind is the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.enums import OutboxState
from storage.models import OutboxMessage


async def ping(engine: AsyncEngine) -> None:
    """``SELECT 1``; raises when the database does not answer (the caller bounds the wait)."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


@dataclass(frozen=True)
class OutboxFigures:
    oldest_due: datetime | None  # the oldest pending message due now, when it became due
    failed: int


async def outbox_figures(s: AsyncSession, now: datetime) -> OutboxFigures:
    """Two cheap reads on the outbox's (state, not_before) index."""
    oldest = await s.scalar(
        select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.state == OutboxState.PENDING, OutboxMessage.not_before <= now
        )
    )
    failed = await s.scalar(select(func.count()).where(OutboxMessage.state == OutboxState.FAILED))
    return OutboxFigures(oldest, int(failed or 0))
