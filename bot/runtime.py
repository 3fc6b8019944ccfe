"""Starting and stopping the whole product: database, bot, workers, web server, polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any, Literal

from aiohttp import web
from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat, Update
from telegram.error import TelegramError

from bot.config.settings import Config
from bot.factory import App, create_application, create_deps, sync_surveys, web_options
from bot.inbox.polling import poll
from bot.inbox.webhook import READY, create_web_app
from bot.inbox.worker import InboxWorker
from bot.inbox.writer import InboxWriter
from bot.jobs import Jobs, default_jobs
from bot.outbox.worker import OutboxWorker
from core.catalogue import sync_catalogue
from core.deps import Clock, Deps, utcnow
from handlers import AGENT_COMMANDS, COMMANDS
from storage import inbox, outbox
from storage.db import is_sqlite
from storage.migrate import current_revision, upgrade
from web.app import add_routes
from web.context import WebContext

log = logging.getLogger(__name__)


#: ``web`` only stores updates (webhook or polling); ``worker`` only processes and delivers;
#: ``all`` does both. Several ``web`` processes can share one PostgreSQL.
Role = Literal["all", "web", "worker"]


class NotMigrated(RuntimeError):
    pass


class Runtime:
    """Everything one process runs. ``async with Runtime(config):`` serves until left."""

    def __init__(
        self,
        config: Config,
        clock: Clock = utcnow,
        deps: Deps | None = None,
        role: Role = "all",
    ) -> None:
        self.config = config
        self.role = role
        self.deps = deps or create_deps(config, clock)
        self.app: App = create_application(config, self.deps)
        self.outbox = OutboxWorker(
            self.app.bot, self.deps, config.outbox, not is_sqlite(config.database.url)
        )
        self.inbox = InboxWorker(
            self.app, self.deps, config.inbox.concurrency, on_queued=self.outbox.kick
        )
        self.writer = InboxWriter(self.deps)
        self.jobs = Jobs(self.deps, default_jobs(), after=self.outbox.kick)
        self.web: web.Application | None = None
        self._runner: web.AppRunner | None = None
        self._polling: asyncio.Task[None] | None = None
        self.port: int = 0

    async def prepare_database(self) -> None:
        engine = self.deps.engine
        auto = self.config.database.migrate_on_start
        if auto or (auto is None and is_sqlite(self.config.database.url)):
            await upgrade(engine)
        else:
            from alembic.script import ScriptDirectory

            from storage.migrate import alembic_config

            head = ScriptDirectory.from_config(alembic_config()).get_current_head()
            if await current_revision(engine) != head:
                raise NotMigrated("the database is not up to date: run 'senscommun db upgrade'")
        async with self.deps.sessions() as s:
            await sync_catalogue(s, self.deps.catalogue)
            await s.commit()
        await sync_surveys(self.deps, self.config)

    async def __aenter__(self) -> Runtime:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    async def start(self) -> None:
        await self.prepare_database()
        await self.app.initialize()
        await self.app.start()
        await self._set_commands()
        if self.role != "web":
            await self.outbox.recover()
            self.inbox.start()
            self.outbox.start()
            if self.deps.clock is utcnow:
                # With an injected clock (tests travelling in time) nothing fires on real
                # time: the caller runs the jobs with ``jobs.run_once()``.
                self.jobs.schedule(self.app.job_queue)
        if self.role != "worker":
            await self._serve_http()
            if self.config.telegram.mode == "polling":
                self._polling = asyncio.create_task(
                    poll(self.app.bot, self.writer.store, self.kick), name="polling"
                )
        self.inbox.kick()  # what was stored but not processed before a restart

    async def stop(self) -> None:
        if self._polling:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
        if self._runner:
            await self._runner.cleanup()
        await self.writer.stop()
        await self.inbox.stop()
        await self.outbox.stop()
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

    async def _serve_http(self) -> None:
        """The aiohttp server: the webhook (webhook mode), /health, and the web routes."""
        wh = self.config.webhook
        hooked = self.config.telegram.mode == "webhook"
        self.writer.start()  # the webhook's and polling's one way into the inbox
        self.web = create_web_app(
            wh.path, wh.secret_token, wh.max_body_bytes, self.kick, self.writer.store, hooked
        )
        add_routes(self.web, WebContext(self.deps, web_options(self.config), self.kick))
        self._runner = web.AppRunner(self.web, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, wh.listen, wh.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        if hooked and wh.public_url:
            await self.app.bot.set_webhook(
                wh.public_url.rstrip("/") + wh.path,
                secret_token=wh.secret_token,
                allowed_updates=Update.ALL_TYPES,
            )
        self.web[READY]["ready"] = True
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
