"""The forwarding worker: claims due forwards, sends each (e-mail or an external Open311
endpoint), records its fate. A failure of any kind is tried again after a back-off
(``[forwarding]``), and a forward gives up only by age: see ``storage.forwards``."""

from __future__ import annotations

import logging
from datetime import timedelta

import aiohttp

from bot.config.forwarding import EmailConfig, ForwardingConfig
from bot.forwarding import crm, email
from bot.loops import Worker
from core.deps import Deps
from core.integrations import forwarding
from storage import forwards
from storage.enums import ForwardChannel, ForwardState

log = logging.getLogger(__name__)

BATCH = 20


class ForwardWorker(Worker):
    name = "forwarding"

    def __init__(self, deps: Deps, mail: EmailConfig, cfg: ForwardingConfig) -> None:
        super().__init__()
        self.deps, self.mail, self.cfg = deps, mail, cfg
        self.poll_interval = cfg.poll_interval_s
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    async def recover(self) -> None:
        """At start on SQLite (one process): what a dead process left ``sending`` goes again."""
        async with self.deps.writing() as s:
            await forwards.recover(s, self.deps.clock())
            await s.commit()

    async def stop(self) -> None:
        await super().stop()
        if self._http is not None:
            await self._http.close()

    async def drain_once(self) -> int:
        deps = self.deps
        async with deps.writing() as s:
            claimed = await forwards.claim_due(s, deps.clock(), BATCH)
            await s.commit()
        for c in claimed:
            await self._one(c)
        return len(claimed)

    async def _one(self, c: forwards.Claimed) -> None:
        deps = self.deps
        external: str | None = None
        try:
            external = await self._send(c)
        except Exception as exc:  # any failure: tried again later, logged without the data
            error = str(exc) if isinstance(exc, crm.CrmError) else type(exc).__name__
            async with deps.writing() as s:
                state = await forwards.mark_failed(
                    s,
                    c,
                    deps.clock(),
                    error,
                    give_up_after=timedelta(hours=self.cfg.give_up_after_hours),
                    first_retry_s=self.cfg.first_retry_s,
                    max_retry_s=self.cfg.max_retry_s,
                )
                await s.commit()
            level = logging.ERROR if state is ForwardState.FAILED else logging.WARNING
            log.log(level, "forward %s (%s) failed: %s; %s", c.id, c.channel, error, state)
            return
        async with deps.writing() as s:
            await forwards.mark_sent(s, c.id, deps.clock(), external)
            await s.commit()

    async def _send(self, c: forwards.Claimed) -> str | None:
        """Send one forward; returns the endpoint's id for the report (Open311)."""
        deps = self.deps
        timeout = self.cfg.timeout_s
        async with deps.sessions() as s:
            if c.channel is ForwardChannel.EMAIL:
                mail = await forwarding.email(s, deps, c.report_id, c.service_code)
                post = None
            else:
                post = await forwarding.open311_post(s, deps, c.report_id, c.service_code)
                mail = None
        if mail is not None:
            await email.send(self.mail, mail, timeout)
            return None
        if post is not None:
            return await crm.post(self._session(), post.target, post.fields, timeout)
        # The configuration changed since: kept, and given up by age unless it comes back.
        raise crm.CrmError("the service no longer forwards there")
