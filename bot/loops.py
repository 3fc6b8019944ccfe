"""A background loop that drains a table: woken by a kick, or by a poll interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


class Worker:
    name = "worker"
    poll_interval = 1.0
    error_pause = 1.0  # after a database error: it is probably locked or down for a moment

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.busy = False

    async def drain_once(self) -> int:
        """Do what is due now; return how much was done (0 makes the loop wait)."""
        raise NotImplementedError

    def kick(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task:
            await self._task

    async def _run(self) -> None:
        while not self._stopping:
            self.busy = True
            try:
                done = await self.drain_once()
            except (SQLAlchemyError, OSError) as exc:
                log.warning("%s: %s; retrying", self.name, type(exc).__name__)
                done = 0
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.error_pause)
            finally:
                self.busy = False
            if done == 0 and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
