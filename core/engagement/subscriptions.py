"""Broadcast topics and residents' subscriptions (``/subscribe``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from storage.models import Subscription


@dataclass(frozen=True)
class Topic:
    code: str
    names: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or next(iter(self.names.values()))


async def of_resident(s: AsyncSession, resident_id: int) -> set[str]:
    rows = await s.scalars(
        select(Subscription.topic).where(Subscription.resident_id == resident_id)
    )
    return set(rows.all())


async def toggle(s: AsyncSession, resident_id: int, topic: str, now: datetime) -> bool:
    """Subscribe, or unsubscribe when subscribed; returns whether subscribed now."""
    gone = await s.execute(
        delete(Subscription).where(
            Subscription.resident_id == resident_id, Subscription.topic == topic
        )
    )
    if rowcount(gone):
        return False
    s.add(Subscription(resident_id=resident_id, topic=topic, created_at=now))
    await s.flush()
    return True


async def subscribe(s: AsyncSession, resident_id: int, topic: str, now: datetime) -> None:
    if topic not in await of_resident(s, resident_id):
        s.add(Subscription(resident_id=resident_id, topic=topic, created_at=now))
        await s.flush()
