"""Processes stored updates: in order for each chat, each in one unit of work.

An update's effects and its processed mark are committed together; Telegram calls the
handlers asked for run after that commit. What a failure does depends on its class
(``storage.failures``): a transient one (the database is away) leaves the update pending, tried
again without counting, until it is older than ``inbox.give_up_after_hours`` (a lock never
released, a database that refuses it for days: then it is set aside, with a log line and a
count); any other counts as an attempt, and after a few the update is set aside with its error
and an apology to the resident, so that its chat is served again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import Update

from bot.factory import App
from bot.loops import Worker
from core import messages
from core.deps import Deps
from core.unit import unit_of_work
from storage import inbox
from storage.failures import is_transient
from storage.inbox import Claim, Pending

log = logging.getLogger(__name__)


class InboxWorker(Worker):
    name = "inbox"

    def __init__(
        self,
        app: App,
        services: Deps,
        concurrency: int = 8,
        on_queued: Callable[[], None] = lambda: None,
        give_up_after: timedelta = timedelta(hours=48),
    ) -> None:
        """``on_queued`` is called after a commit that queued messages (it wakes the outbox
        worker, so that a new card does not wait for the outbox's next poll)."""
        super().__init__()
        self.app, self.svc = app, services
        self.concurrency = concurrency
        self.on_queued = on_queued
        self.give_up_after = give_up_after
        self.gave_up = 0  # updates set aside by age since start

    async def drain_once(self) -> int:
        """Process what is pending now; returns how many updates were processed."""
        async with self.svc.sessions() as s:
            batch = await inbox.pending(s)
        if not batch:
            return 0
        by_chat: OrderedDict[int | None, list[Pending]] = OrderedDict()
        for p in batch:
            by_chat.setdefault(p.chat_id, []).append(p)
        sem = asyncio.Semaphore(self.concurrency)
        counts = await asyncio.gather(*(self._chat(items, sem) for items in by_chat.values()))
        return sum(counts)

    async def _chat(self, items: list[Pending], sem: asyncio.Semaphore) -> int:
        async with sem:
            done = 0
            for p in items:
                if not await self.process(p):
                    break  # keep this chat's order: later updates wait for this one
                done += 1
            return done

    async def process(self, p: Pending) -> bool:
        """One update in one transaction; True when it is done with (processed or set aside)."""
        await self._classify_ahead(p)
        now = self.svc.clock()
        after: list[Any] = []
        error: BaseException | None = None
        try:
            async with self.svc.writing() as s:
                claim = await inbox.claim(s, p)
                if claim is not Claim.MINE:
                    # Another worker has this chat now (it waits), or has done this update.
                    return claim is Claim.DONE
                with unit_of_work(s) as unit:
                    update = Update.de_json(p.payload, self.app.bot)
                    await self.app.process_update(update)
                error = unit.error
                if error is None:
                    await inbox.mark_processed(s, p.id, now, None)
                    await s.commit()
                    after = unit.after_commit
                    if messages.queued(s):
                        self.on_queued()
                else:
                    await s.rollback()
        except Exception as exc:  # the database, or an update PTB cannot parse, or a bug
            error = exc
        if error is None:
            await self._say(after)
            return True
        if is_transient(error):
            # The database is locked or down: nothing was applied, the update stays pending
            # and is tried again without counting against it, for as long as it is young.
            age = now - p.received_at
            if age <= self.give_up_after:
                log.warning("update %s postponed: %s", p.update_id, type(error).__name__)
                return False
            return await self._give_up(p, error, age)
        return await self._failed(p, error)

    async def _classify_ahead(self, p: Pending) -> None:
        """Classify a resident's free text before the unit takes the write gate (see
        ``core.conversation.ahead``): the likely language is Telegram's, as for a resident on
        first contact."""
        msg = p.payload.get("message")
        if not isinstance(msg, dict) or msg.get("reply_to_message") is not None:
            return
        text, chat, user = msg.get("text"), msg.get("chat"), msg.get("from")
        if not isinstance(text, str) or not text.strip() or text.startswith("/"):
            return
        if not isinstance(chat, dict) or not isinstance(user, dict):
            return
        if chat.get("type") != "private":
            return
        lang = self.svc.texts.pick(user.get("language_code"))
        try:
            await self.svc.ahead.prefetch(self.svc.nlp, text, lang)
        except Exception as exc:  # the unit will classify again, and handle a failure there
            log.warning("classifying ahead failed: %s", type(exc).__name__)

    async def _say(self, calls: list[Any]) -> None:
        for call in calls:
            try:
                await call()
            except Exception as exc:  # the update is done: one reply lost is not its failure
                log.warning("reply not delivered: %s", type(exc).__name__)

    async def _failed(self, p: Pending, error: BaseException) -> bool:
        detail = f"{type(error).__name__}: {error}"[:500]
        try:
            async with self.svc.writing() as s:
                attempts = await inbox.mark_failed_attempt(s, p.id, detail)
                if attempts < inbox.MAX_ATTEMPTS:
                    await s.commit()
                    return False
                await inbox.mark_processed(s, p.id, self.svc.clock(), detail)
                await s.commit()
        except Exception as exc:  # tried again at the next pass, and counted then
            log.warning(
                "inbox: failure of update %s not recorded (%s)", p.update_id, type(exc).__name__
            )
            return False
        # The detail may quote the resident's words: it stays in the database, not in the logs.
        log.error(
            "update %s set aside after %s attempts: %s", p.update_id, attempts, type(error).__name__
        )
        await self._apologise(p)
        return True

    async def _give_up(self, p: Pending, error: BaseException, age: timedelta) -> bool:
        """Set aside an update that met only transient failures for longer than allowed."""
        hours = age.total_seconds() / 3600
        detail = f"gave up after {hours:.0f} h of transient failures: {type(error).__name__}"
        try:
            async with self.svc.writing() as s:
                await inbox.mark_processed(s, p.id, self.svc.clock(), detail)
                await s.commit()
        except Exception as exc:  # the database still refuses: it stays pending, nothing lost
            log.warning("update %s postponed: %s", p.update_id, type(exc).__name__)
            return False
        self.gave_up += 1
        log.error(
            "inbox: update %s given up after %.0f h of transient failures "
            "(inbox.give_up_after_hours; %s given up since start): %s",
            p.update_id,
            hours,
            self.gave_up,
            type(error).__name__,
        )
        await self._apologise(p)
        return True

    async def _apologise(self, p: Pending) -> None:
        if p.chat_id is not None and p.chat_id > 0:
            text = self.svc.texts.get(self._lang(p), "error.generic")
            with contextlib.suppress(Exception):
                await self.app.bot.send_message(p.chat_id, text)

    def _lang(self, p: Pending) -> str:
        for key in ("message", "callback_query", "edited_message"):
            obj = p.payload.get(key)
            if isinstance(obj, dict) and isinstance(obj.get("from"), dict):
                return self.svc.texts.pick(obj["from"].get("language_code"))
        return self.svc.settings.default_language
