"""Liveness and readiness: ``GET /health`` and ``GET /ready``.

``/health`` says the process is up and serving (a liveness probe: restart it if this fails).
``/ready`` says it can do its work now: the database answers a ``SELECT 1`` within a second,
every loop of the process is alive and, where the process delivers the outbox, the oldest
message due has waited less than ``outbox.ready_max_lag_s``. Otherwise it answers 503 with JSON
naming what fails (a load balancer sends nothing to it meanwhile). Its body also gives the
count of failed outbox messages, which no retry will send.

The web server serves both beside the webhook; a worker process (``run --role worker``) serves
them on ``--health-port``, in a small server of its own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

from bot.loops import Loop
from core.deps import Deps
from storage import health

STARTED = web.AppKey("started", dict[str, bool])


class Readiness:
    def __init__(
        self,
        deps: Deps,
        loops: Callable[[], Sequence[Loop]],
        max_lag_s: float | None,
        ping_timeout_s: float = 1.0,
    ) -> None:
        """``loops``: those the process runs (asked at each check: they start late);
        ``max_lag_s``: None where the process does not deliver the outbox."""
        self.deps, self.loops = deps, loops
        self.max_lag_s, self.ping_timeout_s = max_lag_s, ping_timeout_s

    async def check(self) -> tuple[bool, dict[str, Any]]:
        failing: list[str] = []
        body: dict[str, Any] = {}
        try:
            async with asyncio.timeout(self.ping_timeout_s):
                await health.ping(self.deps.engine)
            body["database"] = "ok"
        except Exception as exc:  # down, refused, timed out: not ready, whatever the type
            body["database"] = type(exc).__name__
            failing.append("database")
        now = time.monotonic()
        loops: dict[str, Any] = {}
        for loop in self.loops():
            ago = None if loop.last_pass is None else round(now - loop.last_pass, 3)
            loops[loop.name] = {"alive": loop.alive, "last_pass_s_ago": ago}
            if not loop.alive:
                failing.append(f"loop {loop.name}")
        body["loops"] = loops
        if body["database"] == "ok":
            await self._outbox(body, failing)
        body["failing"] = failing
        body["status"] = "not ready" if failing else "ready"
        return not failing, body

    async def _outbox(self, body: dict[str, Any], failing: list[str]) -> None:
        clock = self.deps.clock
        try:
            async with self.deps.sessions() as s:
                figures = await health.outbox_figures(s, clock())
        except Exception as exc:
            body["database"] = type(exc).__name__
            failing.append("database")
            return
        lag = None
        if figures.oldest_due is not None:
            lag = max(0.0, (clock() - figures.oldest_due).total_seconds())
        body["outbox"] = {"failed": figures.failed, "oldest_due_s": lag}
        if self.max_lag_s is not None and lag is not None and lag > self.max_lag_s:
            failing.append("outbox lag")


def add_health_routes(app: web.Application, readiness: Readiness) -> None:
    app[STARTED] = {"started": False}

    async def health_(request: web.Request) -> web.Response:
        if not request.app[STARTED]["started"]:
            return web.json_response({"status": "starting"}, status=503)
        return web.json_response({"status": "ok"})

    async def ready(request: web.Request) -> web.Response:
        if not request.app[STARTED]["started"]:
            return web.json_response({"status": "starting", "failing": ["start"]}, status=503)
        ok, body = await readiness.check()
        return web.json_response(body, status=200 if ok else 503)

    app.router.add_get("/health", health_)
    app.router.add_get("/ready", ready)


def mark_started(app: web.Application) -> None:
    app[STARTED]["started"] = True


async def serve(readiness: Readiness, listen: str, port: int) -> tuple[web.AppRunner, int]:
    """The worker's small server: ``/health`` and ``/ready`` only. Returns it and its port."""
    app = web.Application()
    add_health_routes(app, readiness)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    mark_started(app)
    return runner, int(runner.addresses[0][1])
