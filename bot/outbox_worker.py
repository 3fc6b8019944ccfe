"""Delivers the outbox within Telegram's limits: overall rate, one message a second per chat,
twenty a minute per group; honours ``retry_after``, retries failures, never sends twice."""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import ForceReply, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.config import OutboxConfig
from bot.worker import Worker
from core import outbox
from core.outbox import Claimed
from core.services import Services
from handlers.render import inline
from storage.enums import OutboxKind, OutboxState

log = logging.getLogger(__name__)


class Limits:
    """Token bucket overall; spacing per chat; a sliding minute per group (negative ids)."""

    def __init__(self, cfg: OutboxConfig, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.cfg, self.now = cfg, monotonic
        self._tokens = 1.0
        self._stamp = monotonic()
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
        if self._tokens >= 1.0:
            return pause
        return max(pause, (1.0 - self._tokens) / rate)

    def took(self, chat_id: int) -> None:
        now = self.now()
        self._tokens -= 1.0
        self._chat_next[chat_id] = now + self.cfg.per_chat_interval_s
        if chat_id < 0:
            self._group.setdefault(chat_id, deque()).append(now)

    def back_off(self, chat_id: int, seconds: float) -> None:
        self._chat_next[chat_id] = self.now() + seconds
        self.paused_until = max(self.paused_until, self.now() + min(seconds, 5.0))


class OutboxWorker(Worker):
    name = "outbox"

    def __init__(
        self,
        bot: Any,
        services: Services,
        cfg: OutboxConfig,
        postgres: bool,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__()
        self.bot, self.svc, self.cfg, self.postgres = bot, services, cfg, postgres
        self.poll_interval = cfg.poll_interval_s
        self.sleep = sleep
        self.limits = Limits(cfg, monotonic)

    async def recover(self) -> int:
        async with self.svc.writing() as s:
            n = await outbox.release_interrupted(s)
            await s.commit()
        if n:
            log.warning("outbox: %s message(s) interrupted mid-call are not resent", n)
        return n

    async def drain_once(self, batch: int = 100) -> int:
        """Claim due messages and send those whose chat is ready now; others go back."""
        async with self.svc.writing() as s:
            claimed = await outbox.claim_due(s, self.svc.clock(), batch, self.postgres)
            await s.commit()
        if not claimed:
            return 0
        sent, later = 0, []
        for row in claimed:
            if self._stopping or not self.limits.chat_ready(row.chat_id):
                later.append((row, self.limits.ready_in(row.chat_id)))
                continue
            wait = self.limits.wait_global()
            if wait > 0:
                await self.sleep(wait)
            self.limits.took(row.chat_id)
            await self._deliver(row)
            sent += 1
        if later:
            async with self.svc.writing() as s:
                now = self.svc.clock()
                for row, wait in later:
                    # Back in line until its chat's turn: not claimed again and again meanwhile.
                    at = now + timedelta(seconds=wait)
                    await outbox.mark_retry(
                        s, row.id, at, "waiting for its chat's turn", refund=True
                    )
                await s.commit()
        return sent

    async def _deliver(self, row: Claimed) -> None:
        now = self.svc.clock()
        try:
            msg = await self._send(row)
        except RetryAfter as exc:
            delay = retry_after_seconds(exc)
            self.limits.back_off(row.chat_id, delay)
            await self._record_retry(
                row, now + timedelta(seconds=delay), f"retry_after {delay}", count=False
            )
            return
        except Forbidden as exc:
            await self._record_final(row, OutboxState.BLOCKED, str(exc))
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                await self._record_sent(row, None)
                return
            if row.kind is OutboxKind.EDIT_CARD and "not found" in str(exc).lower():
                await self._record_final(row, OutboxState.FAILED, str(exc))
                return
            await self._after_error(row, exc)
            return
        except (NetworkError, TelegramError) as exc:
            await self._after_error(row, exc)
            return
        except _NotYet as exc:
            await self._record_retry(row, now + timedelta(seconds=2), str(exc), count=False)
            return
        message_id = msg.message_id if isinstance(msg, Message) else None
        await self._record_sent(row, message_id)
        if "pin" in row.payload and message_id is not None:
            await self._pin(row.chat_id, message_id, bool(row.payload["pin"]))

    async def _pin(self, chat_id: int, message_id: int, pin: bool) -> None:
        """Best effort: the bot may lack the right to pin in that group."""
        try:
            if pin:
                await self.bot.pin_chat_message(chat_id, message_id, disable_notification=False)
            else:
                await self.bot.unpin_chat_message(chat_id, message_id)
        except TelegramError as exc:
            log.info("could not %s a card: %s", "pin" if pin else "unpin", type(exc).__name__)

    async def _after_error(self, row: Claimed, exc: Exception) -> None:
        if row.attempts >= self.cfg.max_attempts:
            await self._record_final(row, OutboxState.FAILED, f"{type(exc).__name__}: {exc}")
        else:
            at = self.svc.clock() + outbox.backoff(row.attempts)
            await self._record_retry(row, at, f"{type(exc).__name__}: {exc}", count=True)

    async def _send(self, row: Claimed) -> Any:
        p = row.payload
        markup = inline(p.get("buttons"))
        parse = ParseMode.HTML if p.get("html") else None
        if row.kind is OutboxKind.EDIT_CARD:
            assert row.report_id is not None
            async with self.svc.sessions() as s:
                target = await outbox.card_message(s, row.report_id, row.chat_id)
                pending = target is None and await outbox.card_pending(
                    s, row.report_id, row.chat_id
                )
            if target is None:
                if pending:
                    raise _NotYet("the card is not sent yet")
                return None  # no card to edit (never had one): nothing to do
            if p.get("photo"):
                return await self.bot.edit_message_caption(
                    row.chat_id, target, caption=p["text"], parse_mode=parse, reply_markup=markup
                )
            return await self.bot.edit_message_text(
                p["text"],
                row.chat_id,
                target,
                parse_mode=parse,
                reply_markup=markup,
                disable_web_page_preview=True,
            )
        reply_to = None
        if p.get("reply_to_card") and row.report_id is not None:
            async with self.svc.sessions() as s:
                card = await outbox.card_message(s, row.report_id, row.chat_id)
            if card is not None:
                reply_to = ReplyParameters(card, allow_sending_without_reply=True)
        if p.get("photo"):
            return await self.bot.send_photo(
                row.chat_id,
                p["photo"],
                caption=p["text"],
                parse_mode=parse,
                reply_markup=markup,
                reply_parameters=reply_to,
            )
        return await self.bot.send_message(
            row.chat_id,
            p["text"],
            parse_mode=parse,
            # a prompt to reply to (a questionnaire's comment), or the buttons
            reply_markup=ForceReply() if p.get("force_reply") else markup,
            disable_web_page_preview=True,
            reply_parameters=reply_to,
        )

    async def _record_sent(self, row: Claimed, message_id: int | None) -> None:
        async with self.svc.writing() as s:
            await outbox.mark_sent(s, row.id, message_id, self.svc.clock())
            await s.commit()

    async def _record_retry(self, row: Claimed, at: Any, error: str, count: bool) -> None:
        async with self.svc.writing() as s:
            await outbox.mark_retry(s, row.id, at, error, refund=not count)
            await s.commit()

    async def _record_final(self, row: Claimed, state: OutboxState, error: str) -> None:
        async with self.svc.writing() as s:
            await outbox.mark_final(s, row.id, state, error)
            await s.commit()


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` is an int today and a timedelta in PTB's next major version."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        ra: int | timedelta = exc.retry_after
    return ra.total_seconds() if isinstance(ra, timedelta) else float(ra)


class _NotYet(Exception):
    """An edit whose card has not been delivered yet: try again shortly."""
