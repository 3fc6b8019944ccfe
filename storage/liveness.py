"""A worker's liveness on PostgreSQL: an advisory lock on its own id, held by a connection of
its own for as long as it lives, so that the claims of a worker that died are found at once
(its lock is free) and those of a live one are never taken from it.

The lock lives as long as that connection: when the connection drops (the server restarted,
a proxy cut it, an operator ended the backend), the worker is taken for dead by the others,
who take its claims back. So a worker checks the connection now and then while it sends
(:meth:`Liveness.still_held`); once it finds it gone it sends nothing more of what it had
claimed, and takes the lock again, under a new id, before it claims anything else.

**One sender per bot token.** Telegram's limits are per token; workers that each kept their
own budget sent twice the limit between two of them and collected 429s. Of the two ways to
share one budget, a bucket in the database costs a round trip (and a hot row) for every
handful of messages, across the processes; an elected sender costs nothing per message:
the same connection holds a second advisory lock, on the token, and only its holder claims
and sends. The others go on processing updates (the inbox is where the CPU goes) and take
over within a poll when the sender dies, since its lock goes with its connection. One
sender also keeps each chat's order across workers without any other lock. What it gives
up: a campaign goes at the rate one process can send (about 900 to 950 a second measured,
``docs/benchmarks.md``), not more, whatever the number of workers."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import sql
from storage.sql import SENDER_LOCKS, WORKER_LOCKS

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
        token: str = "",
    ) -> None:
        """``new_id`` gives the worker a new id once the lock was lost; ``token``: the bot
        token it sends for (only a digest of it is used, as the sender lock's key)."""
        self.engine, self.worker_id = engine, worker_id
        self.new_id, self.monotonic = new_id, monotonic
        digest = hashlib.sha256(token.encode()).digest()
        self.sender_key = int.from_bytes(digest[:4], "big") & 0x7FFF_FFFF
        self._conn: AsyncConnection | None = None
        self._sending = False  # this connection holds the sender lock
        self._checked_at = monotonic()

    async def hold(self) -> None:
        """Take the lock (once; a no-op without a worker id, as on SQLite)."""
        if self._conn is not None or self.worker_id is None:
            return
        conn = await self.engine.connect()
        try:
            await sql.hold_lock(conn, WORKER_LOCKS, self.worker_id)
        except BaseException:
            await sql.close_for_good(conn)
            raise
        self._conn = conn
        self._checked_at = self.monotonic()

    async def sender(self) -> bool:
        """Whether this worker is the one that sends for its token (always on SQLite): the
        sender lock is taken, without waiting, on the liveness connection."""
        if self.worker_id is None:
            return True
        if self._conn is None:
            return False
        if not self._sending:
            self._sending = await sql.try_lock(self._conn, SENDER_LOCKS, self.sender_key)
        return self._sending

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
                conn, self._conn, self._sending = self._conn, None, False
                await sql.close_for_good(conn)
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
            conn, self._conn, self._sending = self._conn, None, False
            await sql.close_for_good(conn)
