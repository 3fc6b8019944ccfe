"""Engine and session factory. SQLite runs in WAL mode with a busy timeout."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (0 when the driver does not say)."""
    return int(getattr(result, "rowcount", 0) or 0)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, busy_timeout_ms: int = 5_000) -> AsyncEngine:
    """Build the engine for ``url``; pragmas are set on every new SQLite connection. An error's
    text never holds the statement's parameters (``hide_parameters``): it may be stored
    (``inbox.last_error``) or logged, and the parameters are residents' words."""
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if is_sqlite(url):
        kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000}
        if ":memory:" in url or url.rstrip("/").endswith("sqlite+aiosqlite:"):
            kwargs["poolclass"] = StaticPool
    else:
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 10
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        wal = {"set": False}

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            if not wal["set"]:
                # WAL is a property of the file: set once. Asking again on every new connection
                # takes a lock that can wait behind a writer.
                try:
                    cur.execute("PRAGMA journal_mode=WAL")
                except sqlite3.OperationalError:
                    # Another process holds the lock (migrating, say): if it already made the
                    # file WAL, there is nothing to do; otherwise say so.
                    # (The adapted cursor's own fetchone: what execute returns is the driver's
                    # asynchronous cursor.)
                    cur.execute("PRAGMA journal_mode")
                    row = cur.fetchone()
                    if row is None or str(row[0]).lower() != "wal":
                        raise
                wal["set"] = True
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
