"""Every dialect branch in one place: upserts, row locks, queue claims, advisory locks.

SQLite serves one process, so it needs no lock: the helpers below are no-ops there (SQLite
ignores ``FOR UPDATE``; an advisory lock is always "ours"). PostgreSQL serves several processes:
a row lock or ``SKIP LOCKED`` claim keeps two workers off the same rows, and advisory locks
(a namespace and a key, both int4) elect a leader or mark a worker alive.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, Table, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Q = TypeVar("Q", bound=Select[Any])

#: Advisory lock namespaces, one per use, so that locks of one kind meet no other.
CHAT_LOCKS = 7_270  # inbox: a chat's updates, one worker at a time (+1: chat-less updates)
WORKER_LOCKS = 7_280  # outbox: a worker alive
MIGRATION_LOCK = 727_001  # start-up migrations, one process at a time
LEADER_LOCK = 7_290  # the process that runs the scheduled jobs
SENDER_LOCKS = 7_300  # outbox: the one worker that sends for a bot token (key: the token's)

_INT4 = 2_147_483_647


def is_postgres(s: AsyncSession | AsyncConnection) -> bool:
    return (
        s.get_bind().dialect.name == "postgresql"
        if isinstance(s, AsyncSession)
        else (s.dialect.name == "postgresql")
    )


def dialect(s: AsyncSession) -> str:
    """The name of the session's dialect: "sqlite" or "postgresql"."""
    return s.get_bind().dialect.name


def insert(dialect: str, table: Any) -> Any:
    """An INSERT with ``ON CONFLICT`` in the dialect's own words."""
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def locked(query: Q) -> Q:
    """Rows read to be changed: locked until commit on PostgreSQL (SQLite ignores it)."""
    return query.with_for_update()


def claimable(query: Q) -> Q:
    """Rows a worker takes from a queue: those another worker holds are skipped."""
    return query.with_for_update(skip_locked=True)


def table(model: Any) -> Table:
    """The Core table of a model, for bulk statements."""
    t = model.__table__
    assert isinstance(t, Table)
    return t


async def try_xact_lock(s: AsyncSession, space: int, key: int) -> bool:
    """An advisory lock held until the transaction ends; always granted on SQLite."""
    if not is_postgres(s):
        return True
    return bool(await s.scalar(select(func.pg_try_advisory_xact_lock(space, key % _INT4))))


async def hold_lock(conn: AsyncConnection, space: int, key: int) -> None:
    """A session advisory lock: it outlives transactions, not the connection (PostgreSQL)."""
    await conn.execute(select(func.pg_advisory_lock(space, key)))
    await conn.commit()


async def try_lock(conn: AsyncConnection, space: int, key: int) -> bool:
    """A session advisory lock if nobody holds it, without waiting (PostgreSQL)."""
    got = bool(await conn.scalar(select(func.pg_try_advisory_lock(space, key))))
    await conn.commit()
    return got


async def lock_is_free(conn: AsyncConnection, space: int, key: int) -> bool:
    """Whether nobody holds ``(space, key)``: taken and given back at once to find out."""
    if await conn.scalar(select(func.pg_try_advisory_lock(space, key))):
        await conn.scalar(select(func.pg_advisory_unlock(space, key)))
        return True
    return False


async def close_for_good(conn: AsyncConnection) -> None:
    """Close a connection that holds a session lock for real, not back to the pool (a pooled
    one would keep the lock, and its holder would look alive); one already broken is fine."""
    try:
        await conn.invalidate()
        await conn.close()
    except Exception:
        return
