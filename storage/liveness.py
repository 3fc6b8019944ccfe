"""A worker's liveness on PostgreSQL: an advisory lock on its own id, held by a connection of
its own for as long as it lives, so that the claims of a worker that died are found at once
(its lock is free) and those of a live one are never taken from it.

The lock lives as long as that connection: when the connection drops (the server restarted,
a proxy cut it, an operator ended the backend), the worker is taken for dead by the others,
who take its claims back. So a worker checks the connection now and then while it sends
(:meth:`Liveness.still_held`); once it finds it gone it sends nothing more of what it had
claimed, and takes the lock again, under a new id, before it claims anything else."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import sql
from storage.sql import WORKER_LOCKS

log = logging.getLogger(__name__)


class Liveness:
    #: Seconds between two checks of the lock's connection while sending.
    CHECK_EVERY = 1.0

    def __init__(
        self,
        engine: AsyncEngine,
        worker_id: int | None,
        new_id: Callable[[], int] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``new_id`` gives the worker a new id once the lock was lost."""
        self.engine, self.worker_id = engine, worker_id
        self.new_id, self.monotonic = new_id, monotonic
        self._conn: AsyncConnection | None = None
        self._checked_at = monotonic()

    async def hold(self) -> None:
        """Take the lock (once; a no-op without a worker id, as on SQLite)."""
        if self._conn is not None or self.worker_id is None:
            return
        conn = await self.engine.connect()
        try:
            await sql.hold_lock(conn, WORKER_LOCKS, self.worker_id)
        except BaseException:
            await self._drop(conn)
            raise
        self._conn = conn
        self._checked_at = self.monotonic()

    def held_now(self) -> bool:
        """Whether the lock was held at the last check (always on SQLite)."""
        return self.worker_id is None or self._conn is not None

    async def still_held(self, force: bool = False) -> bool:
        """Whether the lock is still held, checked at most every :attr:`CHECK_EVERY` seconds
        (``force``: now). False once its connection is found gone: what was claimed under it
        must not be sent. Called with ``force`` before a claim, it also takes the lock again
        (under a new id), and is False only when that fails."""
        if self.worker_id is None:
            return True
        if self._conn is not None:
            if not force and self.monotonic() - self._checked_at < self.CHECK_EVERY:
                return True
            self._checked_at = self.monotonic()
            try:
                await self._conn.scalar(select(1))
                await self._conn.commit()
                return True
            except Exception as exc:  # the connection is gone, and the lock with it
                log.warning("outbox: liveness lock lost (%s)", type(exc).__name__)
                conn, self._conn = self._conn, None
                await self._drop(conn)
                if not force:
                    return False
        if not force:
            return False
        if self.new_id is not None:
            self.worker_id = self.new_id()
        try:
            await self.hold()
        except Exception as exc:
            log.warning("outbox: liveness lock not taken again yet (%s)", type(exc).__name__)
            return False
        log.warning("outbox: liveness lock taken again")
        return True

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
            conn, self._conn = self._conn, None
            await self._drop(conn)

    @staticmethod
    async def _drop(conn: AsyncConnection) -> None:
        # Closed for real, not back to the pool: the lock lives as long as the connection's
        # session, and a pooled one would keep this worker "alive".
        try:
            await conn.invalidate()
            await conn.close()
        except Exception as exc:  # already broken: nothing to give back
            log.debug("liveness connection closed badly: %s", type(exc).__name__)
