"""SQLite serves one process: a lock file beside the database says which one.

``senscommun run`` takes ``<database>.lock`` (an exclusive ``flock``, which the system lets go
when the process ends, however it ends); a second server on the same file is refused at start
with one clear line. Commands that write a little and leave (``broadcast send``, ``db
upgrade``) do not take it: they work beside the running server, as SQLite allows.

Migrations take ``<database>.migrate.lock`` and wait for it: processes starting together
migrate one after the other, instead of meeting SQLite's "database is locked". (PostgreSQL
migrations take an advisory lock instead: ``storage.migrate``.)
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.engine import make_url


class AlreadyRunning(RuntimeError):
    """Another process serves this SQLite database."""


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    db = parsed.database or ""
    if not db or db == ":memory:" or db.startswith("file::memory:"):
        return None
    return Path(db)


class ProcessLock:
    """Held while a server runs on a SQLite file; nothing to hold on PostgreSQL."""

    def __init__(self, url: str) -> None:
        db = sqlite_file(url)
        self.path = None if db is None else db.with_name(db.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        if self.path is None or self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(
                f"another process already serves {self.path.with_suffix('')}: SQLite serves one "
                "process (use PostgreSQL to run several)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


@contextlib.asynccontextmanager
async def migrating(url: str) -> AsyncIterator[None]:
    """Held while migrating a SQLite file (waited for, off the event loop)."""
    db = sqlite_file(url)
    if db is None:
        yield
        return
    fd = os.open(db.with_name(db.name + ".migrate.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing lets the lock go
