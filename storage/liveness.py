"""A worker's liveness on PostgreSQL: an advisory lock on its own id, held by a connection of
its own for as long as it lives, so that the claims of a worker that died are found at once
(its lock is free) and those of a live one are never taken from it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import sql
from storage.sql import WORKER_LOCKS


class Liveness:
    def __init__(self, engine: AsyncEngine, worker_id: int | None) -> None:
        self.engine, self.worker_id = engine, worker_id
        self._conn: AsyncConnection | None = None

    async def hold(self) -> None:
        """Take the lock (once; a no-op without a worker id, as on SQLite)."""
        if self._conn is not None or self.worker_id is None:
            return
        conn = await self.engine.connect()
        await sql.hold_lock(conn, WORKER_LOCKS, self.worker_id)
        self._conn = conn

    async def dead(self, owners: Iterable[int]) -> list[int]:
        """Which of ``owners`` (workers holding claims) are gone: their lock is free."""
        others = [w for w in owners if w != self.worker_id]
        if not others:
            return []
        async with self.engine.connect() as conn:
            gone = [w for w in others if await sql.lock_is_free(conn, WORKER_LOCKS, w)]
            await conn.commit()
        return gone

    async def release(self) -> None:
        if self._conn is not None:
            # Closed for real, not back to the pool: the lock lives as long as the
            # connection's session, and a pooled one would keep this worker "alive".
            await self._conn.invalidate()
            await self._conn.close()
            self._conn = None
