"""Drafts: a resident's report while it is being written, kept in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Draft


class Step(StrEnum):
    DESCRIBE = "describe"  # waiting for the text (a place or photo came first)
    FAQ = "faq"  # a question answered from the FAQ: did it help?
    SERVICE = "service"  # the suggestion is shown, waiting for a confirmation or a pick
    PLACE = "place"
    DUPLICATE = "duplicate"  # "is it this one?": similar open reports nearby
    PHOTO = "photo"
    CONFIRM = "confirm"


@dataclass
class DraftState:
    id: int
    step: Step
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return str(self.data.get("text", ""))


async def load(s: AsyncSession, chat_id: int, user_id: int) -> DraftState | None:
    row = await s.scalar(select(Draft).where(Draft.chat_id == chat_id, Draft.user_id == user_id))
    if row is None:
        return None
    return DraftState(row.id, Step(row.step), dict(row.data))


async def save(
    s: AsyncSession,
    chat_id: int,
    user_id: int,
    step: Step,
    data: dict[str, Any],
    now: datetime,
    known: DraftState | None = None,
    looked: bool = False,
) -> DraftState:
    """Create or update the resident's draft (one per chat and user). ``looked``: the caller
    loaded it earlier in this session (``known``, None when there was none), so no query."""
    row: Draft | None = None
    if known is not None:
        row = await s.get(Draft, known.id)
    elif not looked:
        row = await s.scalar(
            select(Draft).where(Draft.chat_id == chat_id, Draft.user_id == user_id)
        )
    if row is None:
        row = Draft(
            chat_id=chat_id, user_id=user_id, kind="report", created_at=now, step=step, data=data
        )
        s.add(row)
    row.step, row.data, row.updated_at = step.value, dict(data), now
    await s.flush()
    return DraftState(row.id, step, dict(data))


async def discard(s: AsyncSession, chat_id: int, user_id: int) -> bool:
    res = await s.execute(delete(Draft).where(Draft.chat_id == chat_id, Draft.user_id == user_id))
    return bool(getattr(res, "rowcount", 0))
