"""Polling mode: ``getUpdates`` feeds the inbox through the same writer as the webhook, and
the offset moves past an update only once it is committed (Telegram keeps the rest).

The loop never ends on an exception: Telegram or the database failing makes it pause (longer
after each failure in a row) and ask again. An update the inbox can never hold (the writer
refused it for itself, not for a database that is away) is passed over, or it would come back
at every poll and hold back every later one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.loops import Backoff, log_failure
from storage.failures import is_transient

log = logging.getLogger(__name__)

Store = Callable[[dict[str, Any]], Awaitable[None]]


async def poll(
    bot: Any,
    store: Store,
    kick: Callable[[], None],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    long_poll_s: int = 25,
    beat: Callable[[], None] = lambda: None,
    backoff: Backoff | None = None,
) -> None:
    """Run until cancelled: ask Telegram for updates, store them, wake the inbox worker;
    ``beat`` is called after each pass (the loop's heartbeat, for ``/ready``)."""
    backoff = backoff or Backoff(0.5, 10.0)
    offset: int | None = None
    webhook_deleted = False
    while True:
        try:
            if not webhook_deleted:
                await bot.delete_webhook()
                webhook_deleted = True
            offset, failure = await _once(bot, store, kick, offset, long_poll_s)
            if failure is not None:
                raise failure
        except Exception as exc:  # Telegram or the database away, or a surprise: ask again
            log_failure("polling", exc)
            await sleep(backoff.next())
        else:
            backoff.reset()
        beat()


async def _once(
    bot: Any, store: Store, kick: Callable[[], None], offset: int | None, long_poll_s: int
) -> tuple[int | None, BaseException | None]:
    """One ``getUpdates`` and its storing: the next offset, and the transient failure that
    stopped the storing (Telegram sends the rest again; those stored then are no-ops)."""
    updates = await bot.get_updates(offset=offset, timeout=long_poll_s)
    results = await asyncio.gather(*(store(u.to_dict()) for u in updates), return_exceptions=True)
    stored_up_to = offset
    failure: BaseException | None = None
    for update, result in zip(updates, results, strict=True):
        if isinstance(result, BaseException):
            if is_transient(result) or not isinstance(result, Exception):
                failure = result
                break
            log.error("polling: update %s cannot be stored; passed over", update.update_id)
        stored_up_to = update.update_id + 1
    if stored_up_to != offset:
        kick()
    return stored_up_to, failure
