"""Polling mode: ``getUpdates`` feeds the inbox through the same writer as the webhook, and
the offset moves past an update only once it is committed (Telegram keeps the rest)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram.error import TelegramError

log = logging.getLogger(__name__)

Store = Callable[[dict[str, Any]], Awaitable[None]]


async def poll(
    bot: Any,
    store: Store,
    kick: Callable[[], None],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    long_poll_s: int = 25,
) -> None:
    """Run until cancelled: ask Telegram for updates, store them, wake the inbox worker."""
    offset: int | None = None
    await bot.delete_webhook()
    while True:
        try:
            updates = await bot.get_updates(offset=offset, timeout=long_poll_s)
        except TelegramError as exc:
            log.warning("polling: %s", type(exc).__name__)
            await sleep(2)
            continue
        if not updates:
            continue
        try:
            await asyncio.gather(*(store(u.to_dict()) for u in updates))
        except SQLAlchemyError as exc:
            log.warning("polling: updates not stored (%s); asking again", type(exc).__name__)
            await sleep(2)
            continue
        offset = updates[-1].update_id + 1
        kick()
