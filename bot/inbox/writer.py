"""Group commit for the webhook: updates arriving together are stored in one transaction.

Each request still waits for its update to be committed before answering 200, so nothing is
lost; but fifty concurrent requests cost one commit instead of fifty.

What can go wrong (``storage.failures``): the database is away (every request of the batch is
told so, and answers 503: Telegram delivers again), or one update of the batch is refused by
the database (the batch is stored again one by one, so that the others are kept, and the one
refused is recorded as set aside). The loop never ends on an exception: a surprise is logged by
its type and the loop goes on after a pause.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from typing import Any

from bot.loops import Backoff, Supervised
from core.deps import Deps
from storage import inbox
from storage.failures import is_transient

log = logging.getLogger(__name__)

Item = tuple[dict[str, Any], asyncio.Future[None]]


class InboxWriter(Supervised):
    name = "inbox-writer"

    def __init__(self, services: Deps, max_batch: int = 500) -> None:
        super().__init__()
        self.svc = services
        self.max_batch = max_batch
        self._queue: asyncio.Queue[Item] = asyncio.Queue()
        self.backoff = Backoff()

    def _main(self) -> Coroutine[Any, Any, None]:
        return self._run()

    async def stop(self) -> None:
        await self._end(cancel=True)
        while not self._queue.empty():  # the server is closed: nobody else will answer these
            _, fut = self._queue.get_nowait()
            if not fut.done():
                fut.set_exception(ConnectionAbortedError("shutting down"))

    async def store(self, raw: dict[str, Any]) -> None:
        """Return once ``raw`` is committed; raise when it could not be (a transient failure:
        try again later; otherwise the update cannot be stored at all). Cancelled (a request
        that stopped waiting), the update is dropped from the queue if not stored yet."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((raw, fut))
        await fut

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < self.max_batch:
                batch.append(self._queue.get_nowait())
            batch = [(raw, fut) for raw, fut in batch if not fut.done()]  # given up waiting
            if not batch:
                continue
            try:
                await self._write(batch)
                self.backoff.reset()
            except Exception as exc:  # a bug of ours: answer, pause, go on
                log.error("%s: %s; going on", self.name, type(exc).__name__)
                _settle(batch, exc)
                await asyncio.sleep(self.backoff.next())
            self.last_pass = time.monotonic()

    async def _write(self, batch: list[Item]) -> None:
        try:
            await self._commit([raw for raw, _ in batch])
        except Exception as exc:
            if is_transient(exc) or len(batch) == 1:
                if is_transient(exc):
                    log.warning("%s: updates not stored (%s)", self.name, type(exc).__name__)
                    _settle(batch, exc)
                else:
                    await self._set_aside(batch[0], exc)
                return
            # One update of the batch is refused: store them one by one.
            for item in batch:
                await self._write([item])
            return
        _settle(batch, None)

    async def _commit(self, raws: list[dict[str, Any]]) -> None:
        async with self.svc.writing() as s:
            await inbox.store_many(s, raws, self.svc.clock())
            await s.commit()

    async def _set_aside(self, item: Item, error: Exception) -> None:
        """An update the database refuses (a value it cannot hold): recorded as set aside, so
        that Telegram stops sending it; the data is not logged."""
        raw, fut = item
        why = f"not stored: {type(error).__name__}"
        try:
            async with self.svc.writing() as s:
                await inbox.set_aside(s, raw, self.svc.clock(), why)
                await s.commit()
        except Exception as exc:
            _settle([item], exc)
            return
        log.error("%s: update %s set aside on arrival (%s)", self.name, raw.get("update_id"), why)
        if not fut.done():
            fut.set_result(None)


def _settle(batch: list[Item], error: BaseException | None) -> None:
    for _, fut in batch:
        if fut.done():
            continue
        if error is None:
            fut.set_result(None)
        else:
            fut.set_exception(error)
