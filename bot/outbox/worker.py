"""Delivers the outbox within Telegram's limits: overall rate, one message a second per chat,
twenty a minute per group; honours ``retry_after``, retries failures, never sends twice."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from telegram import Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.config.settings import OutboxConfig
from bot.loops import Worker
from bot.outbox.calls import NotYet, looks_up_a_card, retry_after_seconds, send_row
from bot.outbox.limits import Limits
from core.deps import Deps
from core.residents import directory as residents
from storage import outbox
from storage.enums import OutboxKind, OutboxState
from storage.liveness import Liveness
from storage.outbox import Claimed, Outcome

log = logging.getLogger(__name__)


def batch_for(rate: float) -> int:
    """Rows claimed at once: about two seconds of sending at ``rate``."""
    return max(50, min(2_000, int(rate * 2)))


@dataclass
class _Flight:
    """What one :meth:`OutboxWorker.drain_once` has on its way."""

    tasks: set[asyncio.Task[None]] = field(default_factory=set)  # calls on the wire
    busy: set[int] = field(default_factory=set)  # chats with a message on its way
    later: list[tuple[Claimed, float]] = field(default_factory=list)  # back in line
    rows: int = 0  # messages taken and not settled

    def settle(self, rows: list[Claimed]) -> None:
        self.rows -= len(rows)
        for row in rows:
            self.busy.discard(row.chat_id)


class OutboxWorker(Worker):
    """Claims due rows in batches and keeps up to ``max_in_flight`` calls on the wire, paced by
    :class:`Limits`; one chat's messages go one after the other, in order. Outcomes are
    recorded in batches (a few statements per flush, not one transaction per message)."""

    name = "outbox"
    flush_every = 0.1  # seconds between two recordings of outcomes
    flush_size = 200

    def __init__(
        self,
        bot: Any,
        services: Deps,
        cfg: OutboxConfig,
        postgres: bool,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_in_flight: int = 32,
    ) -> None:
        super().__init__()
        self.bot, self.svc, self.cfg, self.postgres = bot, services, cfg, postgres
        self.poll_interval = cfg.poll_interval_s
        self.sleep = sleep
        self.monotonic = monotonic
        self.limits = Limits(cfg, monotonic)
        self.max_in_flight = max_in_flight
        # Rows marked SENDING together: after a crash, those not on the wire yet are in doubt
        # (never resent). About 5 ms of sending at the configured rate keeps that set small.
        self.group_max = max(1, min(max_in_flight, int(cfg.messages_per_second * 0.005)))
        self._outcomes: list[Outcome] = []
        self._blocked: list[int] = []
        self._flushed_at = monotonic()
        self._swept_at = monotonic()
        # On PostgreSQL several workers may share the outbox: each holds an advisory lock on
        # its own id while it lives, so the claims of a worker that died are found at once.
        self.worker_id = secrets.randbelow(2**31 - 2) + 1 if postgres else None
        self.liveness = Liveness(services.engine, self.worker_id)
        self._marker: AsyncConnection | None = None  # PostgreSQL: marks rows ``sending``
        self._flushing: asyncio.Task[None] | None = None

    async def recover(self) -> int:
        """At start (and now and then on PostgreSQL): calls cut short by a crash are UNKNOWN
        (never resent) unless they are edits or their purpose is in ``resend_in_doubt``;
        claims that never reached the wire are pending again. Returns how many are UNKNOWN."""
        dead = None
        if self.postgres:
            await self.liveness.hold()
            async with self.svc.sessions() as s:
                dead = await self.liveness.dead(await outbox.claim_owners(s))
        async with self.svc.writing() as s:
            done = await outbox.release_interrupted(
                s,
                self.svc.clock(),
                everything=not self.postgres,
                dead=dead,
                resend=self.cfg.resend_in_doubt,
                max_attempts=self.cfg.max_attempts,
            )
            await s.commit()
        if done.unknown:
            log.warning("outbox: %s message(s) interrupted mid-call are not resent", done.unknown)
        if done.resent:
            log.warning("outbox: %s message(s) interrupted mid-call are sent again", done.resent)
        if done.released:
            log.info("outbox: %s claimed message(s) put back in line", done.released)
        return done.unknown

    async def stop(self) -> None:
        await super().stop()
        if self._marker is not None:
            await self._marker.close()
            self._marker = None
        await self.liveness.release()

    def batch_size(self) -> int:
        return batch_for(self.cfg.messages_per_second)

    async def drain_once(self, batch: int | None = None) -> int:
        """Claim due messages and send them within the limits; returns how many went out."""
        claimed = await self._claim(batch)
        if not claimed:
            return 0
        queue: deque[Claimed] = deque(claimed)
        held: list[Claimed] = []  # their chat has a message on the wire: they follow it
        fl = _Flight()
        # PostgreSQL: the next batch is claimed while this one goes out (a claim is a few
        # round trips to the server: a pause in sending each time otherwise).
        low_water = self.batch_size() // 4 if self.postgres and batch is None else -1
        following: asyncio.Task[list[Claimed]] | None = None
        sent = 0
        try:
            while (queue or held or following) and not self._stopping:
                if following is None and len(queue) < low_water:
                    following = asyncio.create_task(self._claim(None))
                elif following is not None and following.done():
                    more = following.result()
                    following = None
                    if not more:
                        low_water = -1  # nothing more is due: finish this batch
                    queue.extend(more)
                    continue
                if not queue or fl.rows >= self.max_in_flight:
                    waiting = fl.tasks | ({following} if following else set())
                    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                    queue.extendleft(reversed(held))
                    held.clear()
                    continue
                wait = self.limits.wait_global()
                if wait > 0:
                    await self.sleep(wait)
                    continue
                group = self._next_group(queue, held, fl)
                if group:
                    fl.rows += len(group)
                    await self._go(group, fl)
                    sent += len(group)
                await self._flush_if_due()
        finally:
            if following is not None:
                (last,) = await asyncio.gather(following, return_exceptions=True)
                if isinstance(last, list):
                    queue.extend(last)
            if fl.tasks:
                await asyncio.gather(*fl.tasks)
            fl.later.extend((row, 0.0) for row in [*queue, *held])  # stopping: back in line
            await self._put_back(fl.later)
            await self.flush()
        return sent

    def _next_group(self, queue: deque[Claimed], held: list[Claimed], fl: _Flight) -> list[Claimed]:
        """The rows that may go out now: as many as the rate's burst allows."""
        group: list[Claimed] = []
        now = self.svc.clock()
        while (
            queue
            and len(group) < self.group_max
            and self.limits.has_token()
            and fl.rows + len(group) < self.max_in_flight
        ):
            row = queue.popleft()
            if row.chat_id in fl.busy:
                held.append(row)
                continue
            expires = row.payload.expires_at
            if expires is not None and expires <= now:
                self._outcomes.append(Outcome(row.id, OutboxState.FAILED, error="expired"))
                continue
            if not self.limits.chat_ready(row.chat_id):
                fl.later.append((row, self.limits.ready_in(row.chat_id)))
                continue
            self.limits.took(row.chat_id)
            fl.busy.add(row.chat_id)
            group.append(row)
        return group

    async def _go(self, group: list[Claimed], fl: _Flight) -> None:
        """Mark the group ``sending``, then put its calls on the wire."""
        if any(looks_up_a_card(r) for r in group):
            await self.flush()  # the card it needs may have just been sent
        try:
            if self.postgres:
                await self._mark_alone(group)
            else:
                await self._flush_gathered(sending=group)
        except BaseException:
            fl.settle(group)
            self.limits.untake(len(group))
            raise
        self._launch(group, fl)

    def _launch(self, group: list[Claimed], fl: _Flight) -> None:
        for row in group:
            task = asyncio.create_task(self._deliver(row))
            fl.tasks.add(task)

            def done(t: asyncio.Task[None], row: Claimed = row) -> None:
                fl.tasks.discard(t)
                fl.settle([row])

            task.add_done_callback(done)

    async def _claim(self, batch: int | None) -> list[Claimed]:
        if self.postgres and self.monotonic() - self._swept_at > 60:
            # Now and then, also in the middle of a long campaign: the claims of workers
            # that died (or older than the lease) go back in line.
            self._swept_at = self.monotonic()
            await self.recover()
        async with self.svc.writing() as s:
            claimed = await outbox.claim_due(
                s, self.svc.clock(), batch or self.batch_size(), self.postgres, self.worker_id
            )
            await s.commit()
        return claimed

    async def _mark_alone(self, group: list[Claimed]) -> None:
        """PostgreSQL: each round trip to the server costs about as much as a group of sends
        at 1,000/s, so the mark is one autocommitted statement on a connection kept for it,
        and outcomes are recorded beside it (:meth:`_flush_soon`)."""
        if self._marker is None:
            conn = await self.svc.engine.connect()
            self._marker = await conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            await outbox.mark_sending(self._marker, [r.id for r in group])
        except BaseException:
            marker, self._marker = self._marker, None
            with contextlib.suppress(Exception):
                await marker.close()
            raise

    async def _put_back(self, later: list[tuple[Claimed, float]]) -> None:
        now = self.svc.clock()
        for row, wait in later:
            # Back in line until its chat's turn: not claimed again and again meanwhile.
            self._outcomes.append(
                Outcome(
                    row.id,
                    OutboxState.PENDING,
                    at=now + timedelta(seconds=wait),
                    error="waiting for its chat's turn",
                    refund=True,
                )
            )

    async def _flush_if_due(self) -> None:
        if (
            len(self._outcomes) >= self.flush_size
            or self.monotonic() - self._flushed_at >= self.flush_every
        ):
            if self.postgres:
                self._flush_soon()
            else:
                await self.flush()

    def _flush_soon(self) -> None:
        """Record the outcomes in the background while sending goes on (one flush at a time);
        a failed flush keeps them for the next."""
        self._flushed_at = self.monotonic()
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_quietly())

    async def _flush_quietly(self) -> None:
        try:
            await self._flush_gathered()
        except Exception as exc:  # the database is down for a moment: the next flush retries
            log.warning("outbox: recording outcomes failed: %s", type(exc).__name__)

    async def flush(self) -> None:
        """Record the outcomes gathered so far, in one transaction (after any flush under
        way)."""
        if self._flushing is not None:
            await asyncio.gather(self._flushing, return_exceptions=True)
            self._flushing = None
        await self._flush_gathered()

    async def _flush_gathered(self, sending: list[Claimed] | None = None) -> None:
        """One transaction: the outcomes gathered so far and, on SQLite, the group about to
        go on the wire (a transaction is a local call there: they ride together)."""
        self._flushed_at = self.monotonic()
        if not self._outcomes and not self._blocked and not sending:
            return
        outcomes, self._outcomes = self._outcomes, []
        blocked, self._blocked = self._blocked, []
        try:
            async with self.svc.writing() as s:
                now = self.svc.clock()
                await outbox.record(s, outcomes, now)
                if blocked:
                    await residents.mark_blocked(s, blocked, now)
                if sending:
                    await outbox.mark_sending(s, [r.id for r in sending])
                await s.commit()
        except BaseException:
            self._outcomes[:0], self._blocked[:0] = outcomes, blocked  # recorded next time
            raise

    async def _deliver(self, row: Claimed) -> None:
        self.limits.on_wire()
        now = self.svc.clock()
        try:
            msg = await send_row(self.bot, self.svc, row)
        except RetryAfter as exc:
            delay = retry_after_seconds(exc)
            self.limits.back_off(row.chat_id, delay)
            self._retry(row, now + timedelta(seconds=delay), f"retry_after {delay}", count=False)
            return
        except Forbidden as exc:
            self._final(row, OutboxState.BLOCKED, str(exc))
            if row.chat_id > 0:
                self._blocked.append(row.chat_id)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                self._outcomes.append(Outcome(row.id, OutboxState.SENT))
                return
            if row.kind is OutboxKind.EDIT_CARD and "not found" in str(exc).lower():
                self._final(row, OutboxState.FAILED, str(exc))
                return
            self._after_error(row, exc)
            return
        except (NetworkError, TelegramError) as exc:
            self._after_error(row, exc)
            return
        except NotYet as exc:
            self._retry(row, now + timedelta(seconds=2), str(exc), count=False)
            return
        except Exception as exc:  # a bug must not leave the row on the wire forever
            log.exception("outbox: sending message %s failed", row.id)
            self._after_error(row, exc)
            return
        if isinstance(msg, Message):
            message_id: int | None = msg.message_id
        elif isinstance(msg, dict) and isinstance(msg.get("message_id"), int):
            message_id = msg["message_id"]
        else:
            message_id = None
        self._outcomes.append(Outcome(row.id, OutboxState.SENT, message_id))
        if row.payload.pin is not None and message_id is not None:
            await self._pin(row.chat_id, message_id, row.payload.pin)

    async def _pin(self, chat_id: int, message_id: int, pin: bool) -> None:
        """Best effort: the bot may lack the right to pin in that group."""
        try:
            if pin:
                await self.bot.pin_chat_message(chat_id, message_id, disable_notification=False)
            else:
                await self.bot.unpin_chat_message(chat_id, message_id)
        except TelegramError as exc:
            log.info("could not %s a card: %s", "pin" if pin else "unpin", type(exc).__name__)

    def _after_error(self, row: Claimed, exc: Exception) -> None:
        if row.attempts >= self.cfg.max_attempts:
            self._final(row, OutboxState.FAILED, f"{type(exc).__name__}: {exc}")
        else:
            at = self.svc.clock() + outbox.backoff(row.attempts)
            self._retry(row, at, f"{type(exc).__name__}: {exc}", count=True)

    def _retry(self, row: Claimed, at: datetime, error: str, count: bool) -> None:
        self._outcomes.append(
            Outcome(row.id, OutboxState.PENDING, at=at, error=error, refund=not count)
        )

    def _final(self, row: Claimed, state: OutboxState, error: str) -> None:
        self._outcomes.append(Outcome(row.id, state, error=error))
