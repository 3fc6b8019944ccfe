"""One leader among the processes of a deployment: the one that holds a PostgreSQL advisory
lock on a connection of its own. It runs what must run once (the scheduled jobs); when it
dies, its connection and lock go with it, and the next process to ask takes over.

On SQLite one process serves, and it always leads.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import sql
from storage.sql import LEADER_LOCK

log = logging.getLogger(__name__)


class Leadership:
    def __init__(self, engine: AsyncEngine, key: int = 1) -> None:
        self.engine, self.key = engine, key
        self._conn: AsyncConnection | None = None

    @property
    def single_process(self) -> bool:
        return self.engine.dialect.name != "postgresql"

    async def held(self) -> bool:
        """Whether this process leads now: checks that its lock's connection still lives, and
        tries to take the lock when it has none (never waits for it)."""
        if self.single_process:
            return True
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                return True
            except (SQLAlchemyError, OSError):
                log.warning("leadership lost: its connection dropped")
                await self._drop()
        try:
            conn = await self.engine.connect()
        except (SQLAlchemyError, OSError):
            return False
        try:
            got = await sql.try_lock(conn, LEADER_LOCK, self.key)
        except (SQLAlchemyError, OSError):
            await sql.close_for_good(conn)
            return False
        if not got:
            await sql.close_for_good(conn)
            return False
        log.info("this process now leads the scheduled jobs")
        self._conn = conn
        return True

    async def release(self) -> None:
        await self._drop()

    async def _drop(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await sql.close_for_good(conn)
