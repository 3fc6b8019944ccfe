"""Delivers the outbox within Telegram's limits: overall rate, one message a second per chat,
twenty a minute per group; lane by lane (``storage.outbox.lane_of``); honours
``retry_after``; waits out a Bot API outage without using up attempts (``bot.outbox.fate``);
holds pushes during quiet hours; never sends without its liveness lock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.config.settings import OutboxConfig
from bot.loops import Worker
from bot.outbox.batch import Flight, ahead, batch_for
from bot.outbox.calls import NotYet, looks_up_a_card, message_id_of, pin, send_row
from bot.outbox.fate import Fates
from bot.outbox.limits import Limits
from core.deps import Deps
from core.residents import directory as residents
from handlers.failures import Failure
from storage import outbox, outbox_admin
from storage.enums import OutboxLane, OutboxPurpose, OutboxState
from storage.liveness import Liveness
from storage.outbox import Claimed

log = logging.getLogger(__name__)

#: Pushes the resident did not ask for: held during quiet hours when due, not only when queued.
QUIET_PURPOSES = frozenset(
    {
        OutboxPurpose.SURVEY,
        OutboxPurpose.BROADCAST,
        OutboxPurpose.QUESTIONNAIRE,
        OutboxPurpose.IDEA,
    }
)


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
        self.fates = Fates(cfg, services.clock)
        self._flushed_at = monotonic()
        self._failed_reported_at = monotonic() - cfg.failed_report_every_s
        self._swept_at = monotonic()
        # On PostgreSQL several workers may share the outbox: each holds an advisory lock on
        # its own id while it lives, so the claims of a worker that died are found at once.
        self.worker_id = secrets.randbelow(2**31 - 2) + 1 if postgres else None
        token = str(getattr(bot, "token", ""))  # one sender per bot token (PostgreSQL)
        self.liveness = Liveness(services.engine, self.worker_id, self._new_id, monotonic, token)
        self._marker: AsyncConnection | None = None  # PostgreSQL: marks rows ``sending``
        self._flushing: asyncio.Task[None] | None = None
        # Woken while a batch goes out (a new card, a notice): the ticket lanes are claimed
        # at once and go ahead of the rest of the batch, so that a ticket never waits for
        # seconds of a campaign already claimed.
        self._jump = False

    def kick(self) -> None:
        self._jump = True
        super().kick()

    def _new_id(self) -> int:
        """A new id once the liveness lock was lost: the claims of the old one are an orphan's,
        taken back by whoever sweeps next (this worker included)."""
        self.worker_id = secrets.randbelow(2**31 - 2) + 1
        self._swept_at = float("-inf")  # the next claim sweeps first: ours come back at once
        return self.worker_id

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
        await self._report_failed()
        if self.fates.paused() > 0 or not await self.liveness.still_held(force=True):
            return 0  # an outage (until the next probe), or no liveness lock: nothing goes
        if not await self.liveness.sender():
            return 0  # PostgreSQL: another worker sends for this bot token
        self._jump = False  # this claim takes what the wake-up was for
        claimed = await self._claim(batch)
        if not claimed:
            return 0
        queue: deque[Claimed] = deque(claimed)
        held: list[Claimed] = []  # their chat has a message on the wire: they follow it
        fl = Flight()
        # PostgreSQL: the next batch is claimed while this one goes out (a claim is a few
        # round trips to the server: a pause in sending each time otherwise).
        low_water = self.batch_size() // 4 if self.postgres and batch is None else -1
        following: asyncio.Task[list[Claimed]] | None = None
        sent = 0
        try:
            while (queue or held or following) and not self._stopping:
                if self._jump:  # one claim's round trip, then the ticket goes next
                    self._jump = False
                    ahead(queue, held, await self._claim(None, OutboxLane.CONVERSATION))
                if following is None and len(queue) < low_water:
                    following = asyncio.create_task(self._claim(None))
                elif following is not None and following.done():
                    more = following.result()
                    following = None
                    if not more:
                        low_water = -1  # nothing more is due: finish this batch
                    queue.extend(more)
                    continue
                if self.fates.paused() > 0 or not await self.liveness.still_held():
                    break  # an outage, or the lock is lost: the rest waits (below)
                if not queue or fl.rows >= self._in_flight_max():
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
            if not self.liveness.held_now():
                # Without the lock, another worker may take these claims back: never sent.
                queue.clear()
                held.clear()
                fl.later.clear()
            pause = self.fates.paused()  # an outage: the rest waits until the next probe
            fl.later.extend((row, pause) for row in [*queue, *held])  # stopping: back in line
            self.fates.back_in_line(fl.later)
            await self.flush()
        return sent

    def _next_group(self, queue: deque[Claimed], held: list[Claimed], fl: Flight) -> list[Claimed]:
        """The rows that may go out now: as many as the rate's burst allows."""
        group: list[Claimed] = []
        now = self.svc.clock()
        while (
            queue
            and len(group) < self.group_max
            and self.limits.has_token()
            and fl.rows + len(group) < self._in_flight_max()
        ):
            row = queue.popleft()
            if row.chat_id in fl.busy:
                held.append(row)
                continue
            expires = row.payload.expires_at
            if expires is not None and expires <= now:
                self.fates.final(row, OutboxState.FAILED, "expired")
                continue
            if row.purpose in QUIET_PURPOSES and row.chat_id > 0:
                allowed = self.svc.settings.not_before(now)
                if allowed > now:  # quiet hours: it waits for the morning
                    self.fates.wait(row, (allowed - now).total_seconds(), "quiet hours")
                    continue
            if not self.limits.chat_ready(row.chat_id):
                fl.later.append((row, self.limits.ready_in(row.chat_id)))
                continue
            self.limits.took(row.chat_id)
            fl.busy.add(row.chat_id)
            group.append(row)
        return group

    async def _go(self, group: list[Claimed], fl: Flight) -> None:
        """Mark the group ``sending``, then put its calls on the wire."""
        try:
            if any(looks_up_a_card(r) for r in group):
                await self.flush()  # the card it needs may have just been sent
            if self.postgres:
                await self._mark_alone(group)
            else:
                await self._flush_gathered(sending=group)
        except BaseException:
            # The database failed (a connection cut by an outage): none of them is on the
            # wire. They go back in line with the rest; left claimed, they would wait for
            # the claim's lease (two minutes) to end.
            fl.settle(group)
            fl.later.extend((row, 0.0) for row in group)
            self.limits.untake(len(group))
            raise
        self._launch(group, fl)

    def _in_flight_max(self) -> int:
        """During an outage, one probe at a time."""
        return 1 if self.fates.in_outage() else self.max_in_flight

    def _launch(self, group: list[Claimed], fl: Flight) -> None:
        for row in group:
            task = asyncio.create_task(self._deliver(row))
            fl.tasks.add(task)

            def done(t: asyncio.Task[None], row: Claimed = row) -> None:
                fl.tasks.discard(t)
                fl.settle([row])

            task.add_done_callback(done)

    async def _claim(
        self, batch: int | None, max_lane: OutboxLane = OutboxLane.PUSH
    ) -> list[Claimed]:
        if self.postgres and self.monotonic() - self._swept_at > 60:
            # Now and then, also in the middle of a long campaign: the claims of workers
            # that died (or older than the lease) go back in line. What this worker knows it
            # sent is recorded first: after a lost lock (a database outage) the sweep would
            # take its own delivered messages for calls in doubt, and send them again.
            self._swept_at = self.monotonic()
            await self.flush()
            await self.recover()
        async with self.svc.writing() as s:
            claimed = await outbox.claim_due(
                s,
                self.svc.clock(),
                batch or self.batch_size(),
                self.postgres,
                self.worker_id,
                max_lane,
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

    async def _flush_if_due(self) -> None:
        if (
            len(self.fates.outcomes) >= self.flush_size
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
        if not self.fates.outcomes and not self.fates.blocked and not sending:
            return
        outcomes, blocked = self.fates.take()
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
            self.fates.give_back(outcomes, blocked)  # recorded next time
            raise

    async def _deliver(self, row: Claimed) -> None:
        self.limits.on_wire()
        try:
            msg = await send_row(self.bot, self.svc, row)
        except NotYet as exc:  # the card it edits is not sent yet: it waits for it
            self.fates.wait(row, 2.0, str(exc))
            return
        except Exception as exc:
            resend = row.purpose in self.cfg.resend_in_doubt
            kind, delay = self.fates.failed(row, exc, resend)
            if kind is Failure.BUG:  # a bug must not leave the row on the wire forever
                log.exception("outbox: sending message %s failed", row.id)
            elif kind is Failure.RATE_LIMITED:
                self.limits.back_off(row.chat_id, delay)
            return
        message_id = message_id_of(msg)
        self.fates.sent(row, message_id)
        if row.payload.pin is not None and message_id is not None:
            await pin(self.bot, row.chat_id, message_id, row.payload.pin)

    async def _report_failed(self) -> None:
        """Now and then, the count of failed messages in the logs (``senscommun outbox
        status`` shows them, ``senscommun outbox retry`` sends them again)."""
        now = self.monotonic()
        if now - self._failed_reported_at < self.cfg.failed_report_every_s:
            return
        self._failed_reported_at = now
        async with self.svc.sessions() as s:
            failed = await outbox_admin.count_in(s, OutboxState.FAILED)
        if failed:
            log.warning("outbox: %s message(s) failed (senscommun outbox retry)", failed)
