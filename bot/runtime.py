"""Starting and stopping the whole product: database, bot, workers, web server, polling."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from aiohttp import web
from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat, Update
from telegram.error import TelegramError

from bot import keys
from bot.config.settings import Config
from bot.factory import (
    App,
    create_application,
    create_deps,
    sync_surveys,
    sync_templates,
    web_options,
)
from bot.forwarding.pull import Puller
from bot.forwarding.worker import ForwardWorker
from bot.health import Readiness, add_health_routes, mark_started, serve
from bot.inbox.polling import poll
from bot.inbox.webhook import create_web_app
from bot.inbox.worker import InboxWorker
from bot.inbox.writer import InboxWriter
from bot.jobs import Job, Jobs, default_jobs
from bot.loops import Loop, Supervisor, Task, guarded
from bot.outbox.worker import OutboxWorker
from bot.permissions import check_permissions
from core.catalogue import sync_catalogue
from core.deps import Clock, Deps, utcnow
from handlers import AGENT_COMMANDS, COMMANDS
from storage import inbox, outbox
from storage.db import is_sqlite
from storage.filelock import AlreadyRunning, ProcessLock
from storage.migrate import current_revision, head_revision, upgrade
from web.app import add_routes
from web.context import WebContext

log = logging.getLogger(__name__)


#: ``web`` only stores updates (webhook or polling); ``worker`` only processes and delivers;
#: ``all`` does both. Several ``web`` processes can share one PostgreSQL.
Role = Literal["all", "web", "worker"]


class NotMigrated(RuntimeError):
    pass


__all__ = ["AlreadyRunning", "NotMigrated", "Role", "Runtime"]


class Runtime:
    """Everything one process runs. ``async with Runtime(config):`` serves until left."""

    def __init__(
        self,
        config: Config,
        clock: Clock = utcnow,
        deps: Deps | None = None,
        role: Role = "all",
        health_port: int | None = None,
        lock: ProcessLock | None = None,
        config_path: Path | None = None,
    ) -> None:
        """``health_port``: where a worker process serves /health and /ready (the other roles
        serve them beside the webhook); ``lock``: the SQLite process lock, when the caller took
        it already (the command line does, before loading anything)."""
        self.config = config
        self.config_path = config_path
        self.role = role
        self.health_port = health_port
        self.lock = lock or ProcessLock(config.database.url)
        self.deps = deps or create_deps(config, clock)
        self.app: App = create_application(config, self.deps)
        self.outbox = OutboxWorker(
            self.app.bot, self.deps, config.outbox, not is_sqlite(config.database.url)
        )
        self.inbox = InboxWorker(
            self.app,
            self.deps,
            config.inbox.concurrency,
            on_queued=self.outbox.kick,
            give_up_after=timedelta(hours=config.inbox.give_up_after_hours),
        )
        self.writer = InboxWriter(self.deps)
        self.forwarding = ForwardWorker(self.deps, config.email, config.forwarding)
        #: Whether a service forwards its reports (the worker runs only then).
        self.forwards = any(s.forward for s in config.services)
        jobs = default_jobs() + pull_jobs(config)
        self.jobs = Jobs(self.deps, [_guarded(j) for j in jobs], after=self.outbox.kick)
        self.web: web.Application | None = None
        self._runner: web.AppRunner | None = None
        self._health: web.AppRunner | None = None
        self.polling = Task("polling", self._poll)
        self.supervisor = Supervisor(self.loops())
        lag = None if role == "web" else config.outbox.ready_max_lag_s
        self.readiness = Readiness(self.deps, self.loops, lag)
        self.port: int = 0
        self.keys = keys.Keys((), config.webhook.secret_token)
        self.health_port_bound: int = 0

    def loops(self) -> list[Loop]:
        """The loops this process runs (those of its role and mode)."""
        mine: list[Loop] = []
        if self.role != "worker":
            mine.append(self.writer)
            if self.config.telegram.mode == "polling":
                mine.append(self.polling)
        if self.role != "web":
            mine += [self.inbox, self.outbox]
            if self.forwards:
                mine.append(self.forwarding)
        return mine

    async def prepare_database(self) -> None:
        engine = self.deps.engine
        auto = self.config.database.migrate_on_start
        if auto or (auto is None and is_sqlite(self.config.database.url)):
            await upgrade(engine)
        else:
            head = head_revision()
            if await current_revision(engine) != head:
                raise NotMigrated("the database is not up to date: run 'senscommun db upgrade'")
        async with self.deps.sessions() as s:
            await sync_catalogue(s, self.deps.catalogue)
            await s.commit()
        await sync_surveys(self.deps, self.config)
        await sync_templates(self.deps, self.config)

    async def __aenter__(self) -> Runtime:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    async def start(self) -> None:
        self.lock.acquire()  # SQLite: refused at once if another process serves the file
        try:
            await self._start()
        except BaseException:
            self.lock.release()
            raise

    async def _start(self) -> None:
        await self.prepare_database()
        self.keys = await keys.load(self.deps, self.config)
        keys.apply(self.deps, self.keys)
        check_permissions(self.config, self.config_path)
        await self.app.initialize()
        await self.app.start()
        await self._set_commands()
        if self.role != "web":
            await self.outbox.recover()
            if self.forwards:
                if is_sqlite(self.config.database.url):
                    await self.forwarding.recover()  # PostgreSQL: a claim's lease runs out
                self.forwarding.start()
            self.inbox.start()
            self.outbox.start()
            if self.deps.clock is utcnow:
                # With an injected clock (tests travelling in time) nothing fires on real
                # time: the caller runs the jobs with ``jobs.run_once()``.
                self.jobs.schedule(self.app.job_queue)
        if self.role != "worker":
            await self._serve_http()
            if self.config.telegram.mode == "polling":
                self.polling.start()
        elif self.health_port is not None:
            self._health, self.health_port_bound = await serve(
                self.readiness, self.config.webhook.listen, self.health_port
            )
        self.supervisor.start()
        self.inbox.kick()  # what was stored but not processed before a restart

    async def _poll(self, task: Task) -> None:
        await poll(self.app.bot, self.writer.store, self.kick, beat=task.went_round)

    async def stop(self) -> None:
        try:
            await self._stop()
        finally:
            self.lock.release()

    async def _stop(self) -> None:
        await self.supervisor.stop()
        await self.polling.stop()
        for runner in (self._runner, self._health):
            if runner:
                await runner.cleanup()
        await self.writer.stop()
        await self.inbox.stop()
        await self.outbox.stop()
        await self.forwarding.stop()
        await self.jobs.leadership.release()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.deps.engine.dispose()

    async def settle(self, within: float = 10.0) -> None:
        """Wait until every stored update is processed and every due message is sent, including
        those only paced behind an earlier message to the same chat (``per_chat_interval_s``);
        messages held longer (quiet hours, a retry's back-off) are not waited for."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        pace = timedelta(seconds=self.config.outbox.per_chat_interval_s)
        while True:
            async with self.deps.sessions() as s:
                waiting = await inbox.count(s, processed=False)
                due = await outbox.count_due(s, self.deps.clock() + pace)
            if not waiting and not due and not self.inbox.busy and not self.outbox.busy:
                return
            if loop.time() > deadline:
                raise TimeoutError(f"not settled: {waiting} update(s), {due} message(s) waiting")
            self.kick()
            await asyncio.sleep(0.01)

    def kick(self) -> None:
        self.inbox.kick()
        self.outbox.kick()
        self.forwarding.kick()

    async def _serve_http(self) -> None:
        """The aiohttp server: the webhook (webhook mode), /health, and the web routes."""
        wh = self.config.webhook
        hooked = self.config.telegram.mode == "webhook"
        self.writer.start()  # the webhook's and polling's one way into the inbox
        self.web = create_web_app(
            wh.path,
            self.keys.webhook_secret,
            wh.max_body_bytes,
            self.kick,
            self.writer.store,
            hooked,
            store_timeout_s=wh.store_timeout_ms / 1000,
        )
        add_health_routes(self.web, self.readiness)
        add_routes(self.web, WebContext(self.deps, web_options(self.config), self.kick))
        self._runner = web.AppRunner(self.web, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, wh.listen, wh.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        if hooked and wh.public_url:
            await self.app.bot.set_webhook(
                wh.public_url.rstrip("/") + wh.path,
                secret_token=self.keys.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        mark_started(self.web)
        log.info("web server listening on %s:%s", wh.listen, self.port)

    async def _set_commands(self) -> None:
        texts = self.deps.texts
        try:
            for lang in texts.languages:
                cmds = [BotCommand(n, texts.get(lang, f"command.{n}")) for n in COMMANDS]
                code = None if lang == texts.default else lang
                await self.app.bot.set_my_commands(
                    cmds, scope=BotCommandScopeAllPrivateChats(), language_code=code
                )
            deps = self.deps
            agents = [
                BotCommand(n, texts.get(deps.lang, f"command.agents.{n}")) for n in AGENT_COMMANDS
            ]
            for chat in sorted({s.agents_chat_id for s in deps.catalogue if s.agents_chat_id}):
                await self.app.bot.set_my_commands(agents, scope=BotCommandScopeChat(chat))
        except TelegramError as exc:
            log.warning("setMyCommands failed: %s", type(exc).__name__)


def pull_jobs(config: Config) -> list[Job]:
    """Pulling statuses back, when a service forwards to an external Open311 endpoint."""
    if not any(s.forward and s.forward.open311 for s in config.services):
        return []
    every = timedelta(minutes=config.forwarding.pull_every_minutes)
    return [Job("open311_pull", every, Puller(config.forwarding.timeout_s))]


def _guarded(job: Job) -> Job:
    """The job, never raising: a failed run is logged by its type and the next catches up."""
    return Job(job.name, job.every, guarded(job.name, job.run))
