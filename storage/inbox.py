"""The inbox: every Telegram update is stored before the webhook answers 200.

A redelivered update (same ``update_id``) is a no-op; updates are processed in order for each
chat, and an update's effects are committed together with its processed mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import sql
from storage.db import rowcount
from storage.models import InboxUpdate
from storage.scrub import error_text
from storage.sql import CHAT_LOCKS
from storage.types import fits_big

MAX_ATTEMPTS = 3


def chat_of(raw: dict[str, Any]) -> int | None:
    """The chat an update belongs to, for per-chat ordering (None for chat-less updates)."""
    for key in ("message", "edited_message", "channel_post", "my_chat_member", "chat_member"):
        obj = raw.get(key)
        if isinstance(obj, dict) and isinstance(obj.get("chat"), dict):
            return _id(obj["chat"].get("id"))
    cq = raw.get("callback_query")
    if isinstance(cq, dict):
        msg = cq.get("message")
        if isinstance(msg, dict) and isinstance(msg.get("chat"), dict):
            return _id(msg["chat"].get("id"))
        frm = cq.get("from")
        if isinstance(frm, dict):
            return _id(frm.get("id"))
    return None


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class OutOfRange(ValueError):
    """An update whose ``update_id`` no column can hold: it cannot be stored at all."""


def out_of_range(raw: dict[str, Any]) -> str | None:
    """Why an update cannot be stored as it is (an id no column can hold), or None. Such an
    update is stored set aside (see :func:`store_many`): it is no Telegram update, and
    processing it would fail at its first query."""
    uid = raw.get("update_id")
    if not isinstance(uid, int) or not fits_big(uid):
        return "update_id out of range"
    chat = chat_of(raw)
    if chat is not None and not fits_big(chat):
        return "chat id out of range"
    return None


async def store(s: AsyncSession, raw: dict[str, Any], now: datetime) -> bool:
    """Store an update once; False when this ``update_id`` was already stored."""
    return await store_many(s, [raw], now) == 1


async def store_many(s: AsyncSession, raws: list[dict[str, Any]], now: datetime) -> int:
    """Store updates in one statement, each once (redeliveries are no-ops); returns how many
    were new."""
    rows = [_row(raw, now) for raw in raws]
    ins = sql.insert(s.get_bind().dialect.name, InboxUpdate)
    stmt = ins.values(rows).on_conflict_do_nothing(index_elements=["update_id"])
    res = await s.execute(stmt)
    return rowcount(res)


def _row(raw: dict[str, Any], now: datetime) -> dict[str, Any]:
    why = out_of_range(raw)
    if why is None:
        return {
            "update_id": raw["update_id"],
            "chat_id": chat_of(raw),
            "payload": raw,
            "received_at": now,
            "processed_at": None,
            "attempts": 0,
            "last_error": None,
        }
    if not isinstance(raw.get("update_id"), int) or not fits_big(raw["update_id"]):
        raise OutOfRange(why)  # not even its id can be kept
    # Set aside on arrival: recorded (Telegram is told 200 and stops sending it), never run.
    return {
        "update_id": raw["update_id"],
        "chat_id": None,
        "payload": raw,
        "received_at": now,
        "processed_at": now,
        "attempts": 1,
        "last_error": error_text(why),
    }


async def set_aside(s: AsyncSession, raw: dict[str, Any], now: datetime, why: str) -> bool:
    """Record an update that could not be stored as it came (a value the database refuses) as
    set aside: its id and a note, not its content. False when it was already stored."""
    if not isinstance(raw.get("update_id"), int) or not fits_big(raw["update_id"]):
        raise OutOfRange("update_id out of range")
    row = {
        "update_id": raw["update_id"],
        "chat_id": None,
        "payload": {"update_id": raw["update_id"]},
        "received_at": now,
        "processed_at": now,
        "attempts": 1,
        "last_error": error_text(why),
    }
    ins = sql.insert(s.get_bind().dialect.name, InboxUpdate)
    res = await s.execute(ins.values([row]).on_conflict_do_nothing(index_elements=["update_id"]))
    return rowcount(res) == 1


@dataclass(frozen=True)
class Pending:
    id: int
    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int
    received_at: datetime


async def pending(s: AsyncSession, limit: int = 200, per_chat: int = 20) -> list[Pending]:
    """Unprocessed updates, oldest first (the worker keeps per-chat order), at most
    ``per_chat`` of each chat: a chat with a long queue (or whose first update keeps failing)
    leaves room in the batch for the others."""
    rank = (
        func.row_number()
        .over(partition_by=InboxUpdate.chat_id, order_by=InboxUpdate.id)
        .label("rank")
    )
    waiting = select(InboxUpdate.id, rank).where(InboxUpdate.processed_at.is_(None)).subquery()
    rows = (
        await s.scalars(
            select(InboxUpdate)
            .join(waiting, waiting.c.id == InboxUpdate.id)
            .where(waiting.c.rank <= per_chat)
            .order_by(InboxUpdate.id)
            .limit(limit)
        )
    ).all()
    return [
        Pending(r.id, r.update_id, r.chat_id, dict(r.payload), r.attempts, r.received_at)
        for r in rows
    ]


class Claim(Enum):
    MINE = "mine"
    BUSY = "busy"  # another worker is processing this chat
    DONE = "done"  # another worker processed this update meanwhile


async def claim(s: AsyncSession, p: Pending) -> Claim:
    """Take the update's chat for this transaction, so that several workers can share one
    PostgreSQL database and each chat's updates stay in order (a no-op on SQLite, where one
    process works)."""
    if not sql.is_postgres(s):
        return Claim.MINE
    # Two int4 keys: a namespace, and the chat (or, for a chat-less update, the update).
    space, key = (CHAT_LOCKS, p.chat_id) if p.chat_id is not None else (CHAT_LOCKS + 1, p.id)
    if not await sql.try_xact_lock(s, space, key):
        return Claim.BUSY
    done = await s.scalar(select(InboxUpdate.processed_at).where(InboxUpdate.id == p.id))
    return Claim.DONE if done is not None else Claim.MINE


_INBOX = cast(Table, InboxUpdate.__table__)
_MARK_PROCESSED = (
    _INBOX.update()
    .where(_INBOX.c.id == bindparam("p_id"))
    .values(processed_at=bindparam("p_now"), last_error=bindparam("p_error"))
)


async def mark_processed(s: AsyncSession, row_id: int, now: datetime, error: str | None) -> None:
    await s.execute(
        _MARK_PROCESSED, {"p_id": row_id, "p_now": now, "p_error": error and error_text(error)}
    )


async def mark_failed_attempt(s: AsyncSession, row_id: int, error: str) -> int:
    """Count a failed attempt (in its own transaction); returns the attempts so far."""
    await s.execute(
        update(InboxUpdate)
        .where(InboxUpdate.id == row_id)
        .values(attempts=InboxUpdate.attempts + 1, last_error=error_text(error))
    )
    return int(await s.scalar(select(InboxUpdate.attempts).where(InboxUpdate.id == row_id)) or 0)


async def count(s: AsyncSession, processed: bool | None = None) -> int:
    q = select(func.count()).select_from(InboxUpdate)
    if processed is True:
        q = q.where(InboxUpdate.processed_at.is_not(None))
    elif processed is False:
        q = q.where(InboxUpdate.processed_at.is_(None))
    return int(await s.scalar(q) or 0)


async def forget_processed(s: AsyncSession, before: datetime) -> int:
    """Delete the updates processed before ``before`` (the caller commits). Telegram redelivers
    an update for a day at most, and what it did is in the reports: the raw update (words,
    names, ids) has no reason to stay. Updates not processed yet are kept, whatever their age."""
    done = await s.execute(
        delete(InboxUpdate)
        .where(InboxUpdate.processed_at.is_not(None), InboxUpdate.processed_at < before)
        .execution_options(synchronize_session=False)
    )
    return rowcount(done)
