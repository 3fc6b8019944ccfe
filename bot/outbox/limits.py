"""Telegram's limits as the outbox worker keeps them: overall, per chat, per group."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from bot.config.settings import OutboxConfig


class Limits:
    """Overall: a token bucket (smooth pacing) and a sliding second (never more than the limit
    in any second, which is how Telegram counts: a bucket alone lets its burst spill over and
    draws 429s); spacing per chat; a sliding minute per group (negative ids)."""

    #: The sliding second is taken a little longer than a second, so that the jitter between
    #: our clock and the arrivals at Telegram does not cross it. It starts at 2 % and adapts:
    #: each burst of 429 widens it (each costs a pause of ``retry_after``), and every
    #: ``CALM_S`` seconds without one narrows it again. The guard caps the rate at
    #: limit / guard: narrowing slowly after a stray 429 cost more than the 429 itself.
    GUARD_MIN, GUARD_MAX = 1.02, 1.20
    WIDEN, NARROW, CALM_S = 1.02, 1.01, 10.0

    def __init__(self, cfg: OutboxConfig, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.cfg, self.now = cfg, monotonic
        self._tokens = 1.0
        self._stamp = monotonic()
        rate = cfg.messages_per_second
        self._per_window = max(1, int(rate))
        self.guard = self.GUARD_MIN
        self._window_span = self._per_window / rate * self.guard
        self._calm_since = monotonic()
        self._window: deque[float] = deque()
        self._reserved = 0  # taken, not on the wire yet: stamped by ``on_wire``
        self._chat_next: dict[int, float] = {}
        self._group: dict[int, deque[float]] = {}
        self.paused_until = 0.0

    def chat_ready(self, chat_id: int) -> bool:
        return self.ready_in(chat_id) <= 0

    def ready_in(self, chat_id: int) -> float:
        """Seconds until ``chat_id`` may receive its next message (0 when it may now)."""
        now = self.now()
        wait = self._chat_next.get(chat_id, 0.0) - now
        if chat_id < 0:
            window = self._group.setdefault(chat_id, deque())
            while window and now - window[0] >= 60:
                window.popleft()
            if len(window) >= self.cfg.per_group_per_minute:
                wait = max(wait, window[0] + 60 - now)
        return max(wait, 0.0)

    def wait_global(self) -> float:
        """Seconds to wait before the next message may go out overall."""
        now = self.now()
        rate = self.cfg.messages_per_second
        self._tokens = min(max(1.0, rate / 10), self._tokens + (now - self._stamp) * rate)
        self._stamp = now
        pause = max(0.0, self.paused_until - now)
        self._relax(now)
        window = self._window
        while window and now - window[0] >= self._window_span:
            window.popleft()
        if len(window) + self._reserved >= self._per_window:
            pause = max(pause, window[0] + self._window_span - now if window else 0.01)
        if self._tokens >= 1.0 - 1e-6:  # not exactly 1: a float never quite refills
            return pause
        return max(pause, (1.0 - self._tokens) / rate)

    def has_token(self) -> bool:
        return self.wait_global() == 0

    def took(self, chat_id: int) -> None:
        now = self.now()
        self._tokens -= 1.0
        self._reserved += 1
        if len(self._chat_next) > 10_000:  # a campaign's chats: keep memory flat
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        self._chat_next[chat_id] = now + self.cfg.per_chat_interval_s
        if chat_id < 0:
            self._group.setdefault(chat_id, deque()).append(now)

    def on_wire(self) -> None:
        """A message taken earlier goes out now: the sliding second counts it from now. Taken
        and sent are apart by the database write before a send and by the event loop's other
        work; counting at the take would let messages bunch up past the limit."""
        self._reserved -= 1
        self._window.append(self.now())

    def untake(self, n: int) -> None:
        """``n`` messages taken earlier will not go out now."""
        self._reserved -= n

    def back_off(self, chat_id: int, seconds: float) -> None:
        """Telegram said 429: this chat waits, and everything pauses (at most 5 s)."""
        now = self.now()
        self._chat_next[chat_id] = now + seconds
        if now >= self.paused_until:  # the first 429 of a burst widens the guard, once
            self._set_guard(self.guard * self.WIDEN)
        self.paused_until = max(self.paused_until, now + min(seconds, 5.0))
        self._calm_since = now

    def _set_guard(self, guard: float) -> None:
        self.guard = min(self.GUARD_MAX, max(self.GUARD_MIN, guard))
        self._window_span = self._per_window / self.cfg.messages_per_second * self.guard

    def _relax(self, now: float) -> None:
        if now - self._calm_since >= self.CALM_S and self.guard > self.GUARD_MIN:
            self._set_guard(self.guard / self.NARROW)  # calm: a little closer to the limit
            self._calm_since = now
