"""Group commit for the webhook: updates arriving together are stored in one transaction.

Each request still waits for its update to be committed before answering 200, so nothing is
lost; but fifty concurrent requests cost one commit instead of fifty.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from core.deps import Deps
from storage import inbox

Item = tuple[dict[str, Any], asyncio.Future[None]]


class InboxWriter:
    def __init__(self, services: Deps, max_batch: int = 500) -> None:
        self.svc = services
        self.max_batch = max_batch
        self._queue: asyncio.Queue[Item] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="inbox-writer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        while not self._queue.empty():  # the server is closed: nobody else will answer these
            _, fut = self._queue.get_nowait()
            if not fut.done():
                fut.set_exception(ConnectionAbortedError("shutting down"))

    async def store(self, raw: dict[str, Any]) -> None:
        """Return once ``raw`` is committed; raise SQLAlchemyError when it could not be."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((raw, fut))
        await fut

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < self.max_batch:
                batch.append(self._queue.get_nowait())
            try:
                async with self.svc.writing() as s:
                    await inbox.store_many(s, [raw for raw, _ in batch], self.svc.clock())
                    await s.commit()
            except SQLAlchemyError as exc:
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            for _, fut in batch:
                if not fut.done():
                    fut.set_result(None)
