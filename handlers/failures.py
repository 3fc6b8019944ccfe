"""What a failed Bot API call means, stated once, for the outbox and the direct replies.

- **Rate limited** (429, ``RetryAfter``): Telegram said when; wait that long. Never an attempt.
- **Transient** (connection refused or reset, 5xx, an answer that is not JSON, a revoked
  token): the call did not reach Telegram or Telegram could not take it; wait with back-off
  and try again. Never an attempt: a message gives up only by age (``outbox.give_up_after_hours``).
- **In doubt** (a timeout): the call may have reached Telegram. Transient too, except for the
  purposes the in-doubt policy sends at most once (``outbox.resend_in_doubt``).
- **Permanent** (400, a chat that is gone or migrated): recorded once, never tried again.
- **Blocked** (403): the recipient blocked the bot, or removed it from the group.
- **Not modified**: an edit that changes nothing; as good as done.
- **Bug**: anything else (our own code failed): counted as an attempt, as before.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import timedelta
from enum import Enum
from typing import Any, TypeVar

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
T = TypeVar("T")


class Failure(Enum):
    RATE_LIMITED = "rate_limited"
    TRANSIENT = "transient"
    IN_DOUBT = "in_doubt"
    PERMANENT = "permanent"
    BLOCKED = "blocked"
    NOT_MODIFIED = "not_modified"
    BUG = "bug"

    @property
    def passes(self) -> bool:
        """Waiting is enough: the same call may well succeed later."""
        return self in (Failure.RATE_LIMITED, Failure.TRANSIENT, Failure.IN_DOUBT)


def classify(exc: BaseException) -> Failure:
    if isinstance(exc, RetryAfter):
        return Failure.RATE_LIMITED
    if isinstance(exc, TimedOut):
        return Failure.IN_DOUBT
    if isinstance(exc, BadRequest):
        if "not modified" in str(exc).lower():
            return Failure.NOT_MODIFIED
        return Failure.PERMANENT
    if isinstance(exc, Forbidden):
        return Failure.BLOCKED
    if isinstance(exc, ChatMigrated):
        return Failure.PERMANENT
    if isinstance(exc, NetworkError | TelegramError | OSError | TimeoutError):
        # 5xx, connection refused or reset, an HTML error page from a proxy, 401/404 (a token
        # revoked: nothing goes out until it is fixed, and waiting loses nothing).
        return Failure.TRANSIENT
    return Failure.BUG


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` is an int today and a timedelta in PTB's next major version."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        ra: int | timedelta = exc.retry_after
    return ra.total_seconds() if isinstance(ra, timedelta) else float(ra)


#: A direct reply's waits after a transient failure, in seconds: about 30 s in all, while the
#: resident's chat waits for it (its next update is processed after it, in order).
REPLY_BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
#: A ``retry_after`` longer than this is not waited for in a direct reply.
REPLY_MAX_WAIT = 30.0


async def with_retries(
    call: Callable[[], Awaitable[T]],
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep,
    backoff: tuple[float, ...] = REPLY_BACKOFF,
) -> T:
    """Make a direct reply, trying again on 429 and transient failures (a timeout too: a
    reply twice reads better than a conversation that stalls in silence). Permanent failures
    and bugs are raised at once; so is the last transient one."""
    for wait in (*backoff, None):
        try:
            return await call()
        except Exception as exc:
            kind = classify(exc)
            if wait is None or not kind.passes:
                raise
            if isinstance(exc, RetryAfter):
                wait = retry_after_seconds(exc)
                if wait > REPLY_MAX_WAIT:
                    raise
            log.info("reply: %s (%s); again in %.1f s", kind.value, type(exc).__name__, wait)
            await pause(wait)
    raise AssertionError("unreachable")


#: Set while a direct reply is made (``retrying``): the transport tries each Bot API call
#: again with this pause (``bot.aiohttp_request``). Each call, not the whole reply: a reply of
#: several messages whose second one is refused does not send the first one twice.
_REPLYING: ContextVar[Callable[[float], Awaitable[None]] | None] = ContextVar(
    "senscommun_replying", default=None
)


def reply_pause() -> Callable[[float], Awaitable[None]] | None:
    """The pause between two tries of a call made for a direct reply, or ``None`` outside
    one (the outbox keeps its own policy)."""
    return _REPLYING.get()


def retrying(
    call: Callable[[], Awaitable[Any]], pause: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> Callable[[], Awaitable[Any]]:
    """``call`` (a direct reply: one or more Bot API calls), each of its calls made with
    :func:`with_retries`."""

    async def replying() -> Any:
        token = _REPLYING.set(pause)
        try:
            return await call()
        finally:
            _REPLYING.reset(token)

    return replying
