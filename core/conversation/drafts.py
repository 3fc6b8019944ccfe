"""Drafts: a resident's report while it is being written, kept in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from storage.models import Draft


class Step(StrEnum):
    DESCRIBE = "describe"  # waiting for the text (a place or photo came first)
    FAQ = "faq"  # a question answered from the FAQ: did it help?
    SERVICE = "service"  # the suggestion is shown, waiting for a confirmation or a pick
    PLACE = "place"
    DUPLICATE = "duplicate"  # "is it this one?": similar open reports nearby
    PHOTO = "photo"
    CONFIRM = "confirm"
    IDEA_TEXT = "idea_text"  # /idea alone: waiting for the idea's text
    IDEA = "idea"  # an idea, with similar published ones offered: propose it or support one?


@dataclass
class DraftState:
    id: int
    step: Step
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return str(self.data.get("text", ""))


# Prebuilt Core statements: a draft is read and written on nearly every message, and building
# an ORM statement each time cost more than running it.
_DRAFTS = cast(Table, Draft.__table__)
_LOAD = select(_DRAFTS.c.id, _DRAFTS.c.step, _DRAFTS.c.data).where(
    _DRAFTS.c.chat_id == bindparam("p_chat"), _DRAFTS.c.user_id == bindparam("p_user")
)
_UPDATE = (
    _DRAFTS.update()
    .where(_DRAFTS.c.id == bindparam("p_id"))
    .values(step=bindparam("p_step"), data=bindparam("p_data"), updated_at=bindparam("p_now"))
)
_INSERT = (
    _DRAFTS.insert()
    .values(
        chat_id=bindparam("p_chat"),
        user_id=bindparam("p_user"),
        kind="report",
        step=bindparam("p_step"),
        data=bindparam("p_data"),
        created_at=bindparam("p_now"),
        updated_at=bindparam("p_now"),
    )
    .returning(_DRAFTS.c.id)
)


async def load(s: AsyncSession, chat_id: int, user_id: int) -> DraftState | None:
    row = (await s.execute(_LOAD, {"p_chat": chat_id, "p_user": user_id})).first()
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
    if known is None and not looked:
        known = await load(s, chat_id, user_id)
    values = {"p_step": step.value, "p_data": dict(data), "p_now": now}
    if known is not None:
        await s.execute(_UPDATE, {"p_id": known.id, **values})
        return DraftState(known.id, step, dict(data))
    draft_id = (
        await s.execute(_INSERT, {"p_chat": chat_id, "p_user": user_id, **values})
    ).scalar_one()
    return DraftState(int(draft_id), step, dict(data))


async def discard(s: AsyncSession, chat_id: int, user_id: int) -> bool:
    res = await s.execute(delete(Draft).where(Draft.chat_id == chat_id, Draft.user_id == user_id))
    return rowcount(res) > 0
