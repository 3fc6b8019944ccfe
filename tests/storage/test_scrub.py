"""No secret in a stored or logged error text: one scrub function, used by the outbox, the
inbox and the log."""

from __future__ import annotations

import logging

from sqlalchemy import select

from core.deps import Deps
from storage import inbox, outbox, scrub
from storage.enums import OutboxState
from storage.models import InboxUpdate, OutboxMessage
from tests.conftest import Clock

TOKEN = "7123456789:AAHk2x-Abcdefghijklmnopqrstuvwxyz12"


def test_a_token_shaped_value_and_registered_secrets_are_masked() -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/sendMessage failed"
    assert TOKEN not in scrub.scrub(url) and "sendMessage failed" in scrub.scrub(url)
    scrub.register("odd-token-shape!")
    assert scrub.scrub("x odd-token-shape! y") == "x *** y"
    scrub.register("ab")  # too short to mask: ignored
    assert scrub.scrub("abc") == "abc"
    assert len(scrub.error_text("e" * 2000)) == scrub.ERROR_CHARS


async def test_stored_errors_never_hold_the_token(svc: Deps, clock: Clock) -> None:
    from tests.storage.test_outbox import _add

    (mid,) = await _add(svc)
    async with svc.sessions() as s:
        await outbox.mark_final(s, mid, OutboxState.FAILED, f"GET /bot{TOKEN}/x: 400")
        await inbox.store(s, {"update_id": 1, "message": {"chat": {"id": 5}}}, clock())
        row = await s.scalar(select(InboxUpdate))
        assert row is not None
        await inbox.mark_failed_attempt(s, row.id, f"token {TOKEN} refused")
        await s.commit()
        stored = await s.scalar(select(OutboxMessage.last_error))
        assert stored == "GET /bot***/x: 400"
        assert await s.scalar(select(InboxUpdate.last_error)) == "token *** refused"


def test_the_log_filter_scrubs_messages_arguments_and_tracebacks() -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    scrub.install(handler)
    log = logging.getLogger("test.scrub")
    log.addHandler(handler)
    try:
        log.warning("calling %s", f"https://x/bot{TOKEN}/getMe")
        try:
            raise RuntimeError(f"bad url /bot{TOKEN}/")
        except RuntimeError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    assert len(records) == 2 and all(TOKEN not in r for r in records)
    assert "RuntimeError" in records[1]
