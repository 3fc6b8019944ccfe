"""What becomes of a message the outbox worker tried to send, by the failure classes of
``handlers.failures``: gathered here as outcomes, recorded in batches by the worker.

A transient failure (the Bot API down, slow or refusing: 5xx, timeouts, connections refused)
never uses up a message's attempts: the message waits and goes again, and the worker slows
to one probe at a time, backing off up to ``outbox.outage_backoff_max_s``, until a call goes
through; then everything due goes at once. A message gives up only by age
(``outbox.give_up_after_hours``), with a log line and a count. Permanent failures are
recorded once. Only a bug in our own code counts as an attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram.error import RetryAfter

from bot.config.settings import OutboxConfig
from handlers.failures import Failure, classify, retry_after_seconds
from storage import outbox
from storage.enums import OutboxKind, OutboxState
from storage.outbox import Claimed, Outcome

log = logging.getLogger(__name__)


class Fates:
    """The outcomes gathered since the last flush, and the state of an outage."""

    def __init__(self, cfg: OutboxConfig, clock: Callable[[], datetime]) -> None:
        self.cfg, self.clock = cfg, clock
        self.outcomes: list[Outcome] = []
        self.blocked: list[int] = []  # residents who blocked the bot
        self.outage = 0  # transient failures in a row (0: the Bot API answers)
        self.outage_until: datetime | None = None  # nothing goes out before, but a probe
        self.gave_up = 0  # messages failed by age since start

    def take(self) -> tuple[list[Outcome], list[int]]:
        out, blocked = self.outcomes, self.blocked
        self.outcomes, self.blocked = [], []
        return out, blocked

    def give_back(self, outcomes: list[Outcome], blocked: list[int]) -> None:
        """A flush failed: recorded next time."""
        self.outcomes[:0], self.blocked[:0] = outcomes, blocked

    def in_outage(self) -> bool:
        return self.outage > 0

    def paused(self) -> float:
        """Seconds until the next probe during an outage (0: sending may go on)."""
        if self.outage_until is None:
            return 0.0
        return max(0.0, (self.outage_until - self.clock()).total_seconds())

    def sent(self, row: Claimed, message_id: int | None) -> None:
        if self.outage:
            log.warning("outbox: the Bot API answers again after %s failed call(s)", self.outage)
        self.outage, self.outage_until = 0, None
        self.outcomes.append(Outcome(row.id, OutboxState.SENT, message_id))

    def wait(self, row: Claimed, seconds: float, error: str) -> None:
        """Back in line for ``seconds``, without using up an attempt (or given up by age)."""
        now = self.clock()
        if self._too_old(row, now):
            self.final(row, OutboxState.FAILED, f"gave up by age: {error}")
            return
        at = now + timedelta(seconds=seconds)
        self.outcomes.append(Outcome(row.id, OutboxState.PENDING, at=at, error=error, refund=True))

    def back_in_line(self, later: list[tuple[Claimed, float]]) -> None:
        """Claimed rows that did not go out (their chat's turn, an outage, a stop): pending
        again after their wait, not claimed again and again meanwhile; no attempt used."""
        now = self.clock()
        for row, wait in later:
            at = now + timedelta(seconds=wait)
            self.outcomes.append(
                Outcome(
                    row.id, OutboxState.PENDING, at=at, error="waiting for its turn", refund=True
                )
            )

    def final(self, row: Claimed, state: OutboxState, error: str) -> None:
        self.outcomes.append(Outcome(row.id, state, error=error))

    def failed(self, row: Claimed, exc: BaseException, resend: bool) -> tuple[Failure, float]:
        """Decide the fate of ``row`` after ``exc``; ``resend``: its purpose is sent again
        when in doubt. Returns the failure's class and how long to wait (a 429's
        ``retry_after``, an outage's back-off; 0 otherwise)."""
        kind = classify(exc)
        error = f"{type(exc).__name__}: {exc}"
        match kind:
            case Failure.NOT_MODIFIED:
                self.outcomes.append(Outcome(row.id, OutboxState.SENT))
            case Failure.BLOCKED:
                self.final(row, OutboxState.BLOCKED, str(exc))
                if row.chat_id > 0:
                    self.blocked.append(row.chat_id)
            case Failure.PERMANENT:
                self.final(row, OutboxState.FAILED, error)
            case Failure.RATE_LIMITED:
                assert isinstance(exc, RetryAfter)
                delay = retry_after_seconds(exc)
                self.wait(row, delay, f"retry_after {delay}")
                return kind, delay
            case Failure.IN_DOUBT if not (resend or row.kind is OutboxKind.EDIT_CARD):
                # It may have reached Telegram, and this purpose is never sent twice.
                self.final(row, OutboxState.UNKNOWN, f"in doubt: {error}")
            case Failure.TRANSIENT | Failure.IN_DOUBT:
                delay = self._outage_pause()
                self.wait(row, delay, error)
                return kind, delay
            case Failure.BUG:
                if row.attempts >= self.cfg.max_attempts:
                    self.final(row, OutboxState.FAILED, error)
                else:
                    at = self.clock() + outbox.backoff(row.attempts)
                    self.outcomes.append(Outcome(row.id, OutboxState.PENDING, at=at, error=error))
        return kind, 0.0

    def _outage_pause(self) -> float:
        """The first failure of a burst (the calls in flight fail together) backs off once."""
        now = self.clock()
        if self.outage_until is None or now >= self.outage_until:
            self.outage += 1
            if self.outage == 1:
                log.warning("outbox: the Bot API fails; sending waits and probes")
        delay = min(self.cfg.outage_backoff_max_s, float(2 ** min(self.outage - 1, 16)))
        self.outage_until = max(self.outage_until or now, now + timedelta(seconds=delay))
        return delay

    def _too_old(self, row: Claimed, now: datetime) -> bool:
        if row.created_at is None:
            return False
        age = now - row.created_at
        if age < timedelta(hours=self.cfg.give_up_after_hours):
            return False
        self.gave_up += 1
        log.error(
            "outbox: message %s (%s) given up after %.0f h of failures (outbox.give_up_after_"
            "hours = %s); %s given up since start",
            row.id,
            row.purpose.value,
            age.total_seconds() / 3600,
            self.cfg.give_up_after_hours,
            self.gave_up,
        )
        return True
