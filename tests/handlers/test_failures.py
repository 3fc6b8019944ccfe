"""The failure classes, stated once (``handlers.failures``)."""

from __future__ import annotations

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from handlers.failures import Failure, classify, with_retries


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (RetryAfter(3), Failure.RATE_LIMITED),
        (TimedOut(), Failure.IN_DOUBT),
        (NetworkError("Bad Gateway"), Failure.TRANSIENT),
        (NetworkError("aiohttp.ClientConnectorError: connection refused"), Failure.TRANSIENT),
        (TelegramError("Invalid server response"), Failure.TRANSIENT),  # an HTML error page
        (InvalidToken("Unauthorized"), Failure.TRANSIENT),
        (ConnectionResetError(), Failure.TRANSIENT),
        (BadRequest("Bad Request: chat not found"), Failure.PERMANENT),
        (BadRequest("Bad Request: message is not modified"), Failure.NOT_MODIFIED),
        (ChatMigrated(-100123), Failure.PERMANENT),
        (Forbidden("Forbidden: bot was blocked by the user"), Failure.BLOCKED),
        (KeyError("x"), Failure.BUG),
    ],
)
def test_classify(exc: Exception, kind: Failure) -> None:
    assert classify(exc) is kind


async def test_a_permanent_failure_is_not_tried_again() -> None:
    calls = 0

    async def call() -> None:
        nonlocal calls
        calls += 1
        raise BadRequest("Bad Request: chat not found")

    async def pause(_: float) -> None:
        raise AssertionError("no wait for a permanent failure")

    with pytest.raises(BadRequest):
        await with_retries(call, pause)
    assert calls == 1


async def test_a_long_retry_after_is_not_waited_for_in_a_reply() -> None:
    async def call() -> None:
        raise RetryAfter(600)

    waits: list[float] = []

    async def pause(s: float) -> None:
        waits.append(s)

    with pytest.raises(RetryAfter):
        await with_retries(call, pause)
    assert waits == []
