"""Webhook load: 1,000 residents each send two free-text reports, 50 requests at a time.

Prints the webhook's acknowledgement latency (p50/p95/p99), replies per second and updates
stored, for Sens Commun (inbox, classification, database, outbox in the path) and, as the
anchor, a bare PTB echo bot behind the same kind of aiohttp webhook, in the same run.

    python -m benchmarks.webhook_load [--residents 1000] [--concurrency 50] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Person, UpdateFactory, wait_healthy
from bot.inbox.webhook import SECRET_HEADER
from bot.runtime import Runtime
from storage.models import InboxUpdate
from tests.conftest import make_config

SECRET = "bench-secret-0123456"
TEXTS = [
    "Il y a une fuite d'eau devant le 12 rue Victor Hugo depuis ce matin",
    "Le lampadaire de la rue des Lilas est éteint depuis trois jours",
    "Gros nid de poule avenue Jean Jaurès, dangereux pour les vélos",
    "Poubelles pas ramassées rue Pasteur cette semaine",
    "Overflowing litter bin near the bus stop on Station Road",
    "Bus 12 did not come this morning, second time this week",
    "Des tags sur le mur de l'école primaire Jules Ferry",
    "Loud music every night from the bar on Market Street",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def load(
    url: str, residents: int, per_resident: int, concurrency: int
) -> tuple[list[float], float]:
    """Post every update; returns the ack latencies (ms) and when the first post started."""
    f = UpdateFactory()
    people = [Person(100_000 + i, f"R{i}", "fr" if i % 3 else "en") for i in range(residents)]
    updates = [
        f.text(p, TEXTS[(i + k) % len(TEXTS)])
        for k in range(per_resident)
        for i, p in enumerate(people)
    ]
    latencies: list[float] = []
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for u in updates:
        queue.put_nowait(u)
    conn = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=conn) as http:

        async def client() -> None:
            while not queue.empty():
                u = queue.get_nowait()
                t0 = time.perf_counter()
                async with http.post(url, json=u, headers={SECRET_HEADER: SECRET}) as resp:
                    await resp.read()
                    assert resp.status == 200, resp.status
                latencies.append((time.perf_counter() - t0) * 1000)

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, start


async def wait_replies(api: FakeBotApi, n: int, within: float) -> float:
    await api.wait_for(lambda a: len(a.of("sendMessage")) >= n, within=within)
    return time.perf_counter()


def report(
    name: str, lat: list[float], start: float, end: float, replies: int, stored: int
) -> None:
    rate = replies / (end - start)
    print(
        f"{name:<12} ack p50 {pct(lat, 50):6.1f} ms  p95 {pct(lat, 95):6.1f} ms  "
        f"p99 {pct(lat, 99):6.1f} ms  | {replies} replies in {end - start:5.1f} s = "
        f"{rate:6.1f}/s | updates stored {stored}"
    )


def serve_senscommun(args: argparse.Namespace) -> None:
    """The bot under test, in its own process: webhook on ``args.port``."""
    api = argparse.Namespace(base_url=args.api + "/bot", file_url=args.api + "/file/bot")
    cfg = make_config(
        args.db,
        Path(args.tmp),
        api,
        webhook={"secret_token": SECRET, "port": args.port},
        nlp={"kind": args.nlp},
        inbox={"concurrency": args.inbox_concurrency},
        outbox={"per_chat_interval_s": 1.0, "messages_per_second": 25},
    )

    async def run() -> None:
        async with Runtime(cfg, role=args.role):
            ready_marker(Path(args.tmp), os.getpid()).touch()  # the model is loaded
            await asyncio.Event().wait()

    asyncio.run(run())


def ready_marker(tmp: Path, pid: int) -> Path:
    return tmp / f"ready-{pid}"


async def wait_ready(tmp: Path, proc: asyncio.subprocess.Process, within: float = 120) -> None:
    """Wait until a worker process has started (its classifier loaded): the load must not
    count the seconds it takes to start, which the echo bot does not have."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not ready_marker(tmp, proc.pid).exists():
        if proc.returncode is not None or loop.time() > deadline:
            raise RuntimeError("the worker did not start")
        await asyncio.sleep(0.05)


def serve_echo(args: argparse.Namespace) -> None:
    """The anchor: a bare PTB echo bot; its webhook puts updates on PTB's update queue."""
    app = (
        Application.builder()
        .token("123:bench")
        .base_url(args.api + "/bot")
        .updater(None)
        .concurrent_updates(True)
        .connection_pool_size(16)  # as Sens Commun: PTB's default of 256 is slower here
        .build()
    )

    async def echo(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    app.add_handler(MessageHandler(filters.TEXT, echo))

    async def webhook(request: web.Request) -> web.Response:
        if request.headers.get(SECRET_HEADER) != SECRET:
            return web.Response(status=403)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    async def health(request: web.Request) -> web.Response:
        return web.Response()

    async def run() -> None:
        web_app = web.Application()
        web_app.router.add_post("/telegram", webhook)
        web_app.router.add_get("/health", health)
        runner = web.AppRunner(web_app, access_log=None)
        async with app:
            await app.start()
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", args.port).start()
            await asyncio.Event().wait()

    asyncio.run(run())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def measure(
    args: argparse.Namespace, which: str, tmp: Path, db: str
) -> tuple[float, list[float]]:
    """Start the bot ``which`` in a process of its own, load it, wait for every reply."""
    api = FakeBotApi("123:bench")
    await api.start()
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.webhook_load",
        "--serve",
        which,
        "--port",
        str(port),
        "--inbox-concurrency",
        str(args.inbox_concurrency),
        "--api",
        f"http://127.0.0.1:{api.port}",
        "--db",
        db,
        "--tmp",
        str(tmp),
        "--nlp",
        args.nlp,
    ]
    procs = []
    # SQLite serves one process (enforced since issue 12): web and worker split on PostgreSQL.
    split = which == "senscommun" and args.split and not db.startswith("sqlite")
    roles = ["web"] + ["worker"] * args.workers if split else ["all"]
    try:
        async with aiohttp.ClientSession() as http:
            for role in roles:  # one after the other: the first one migrates the database
                procs.append(
                    await asyncio.create_subprocess_exec(
                        *cmd, "--role", role, stdout=asyncio.subprocess.DEVNULL
                    )
                )
                if role != "worker":
                    await wait_healthy(http, f"http://127.0.0.1:{port}/health", procs[-1])
                else:
                    await wait_ready(tmp, procs[-1])
        n = args.residents * 2
        lat, start = await load(
            f"http://127.0.0.1:{port}/telegram", args.residents, 2, args.concurrency
        )
        end = await wait_replies(api, n, within=900)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.terminate()
            await proc.wait()
    stored = n
    if which == "senscommun":
        from storage.db import create_engine

        engine = create_engine(db)
        async with engine.connect() as conn:
            stored = int(await conn.scalar(select(func.count()).select_from(InboxUpdate)) or 0)
            distinct = int(
                await conn.scalar(select(func.count(InboxUpdate.update_id.distinct()))) or 0
            )
        await engine.dispose()
        assert stored == distinct == n, (stored, distinct, n)
    replies = len(api.of("sendMessage"))
    label = which if len(roles) == 1 else f"{which} (web+{len(roles) - 1} worker)"
    report(label, lat, start, end, replies, stored)
    await api.stop()
    return replies / (end - start), lat


async def main_async(args: argparse.Namespace) -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"load: {args.residents} residents x 2 reports, {args.concurrency} at a time, "
        f"nlp={args.nlp}"
    )
    print("each bot runs in its own process; the load and the fake Bot API share another")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        if db.startswith("postgresql"):
            from tests.conftest import reset_postgres

            await reset_postgres(db)
        print(f"database: {db.split('://')[0]}")
        echo, _ = await measure(args, "echo", Path(tmp), db)
        ours, lat = await measure(args, "senscommun", Path(tmp), db)
    print(f"replies/s, Sens Commun / echo bot: {ours / echo:.2f} (target >= 0.5)")
    print(f"Sens Commun ack p99: {pct(lat, 99):.1f} ms (target < 100 ms)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--residents", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--db", default=os.environ.get("SENSCOMMUN_BENCH_DB", ""))
    p.add_argument("--nlp", default="auto", choices=["auto", "keywords", "spacy"])
    p.add_argument("--inbox-concurrency", type=int, default=8)
    p.add_argument(
        "--single",
        dest="split",
        action="store_false",
        help="run Sens Commun as one process (default on PostgreSQL: a web and a worker process;"
        " SQLite always serves one process)",
    )
    p.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL only)")
    p.add_argument("--role", default="all", help=argparse.SUPPRESS)
    p.add_argument("--serve", choices=["senscommun", "echo"], help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--api", default="", help=argparse.SUPPRESS)
    p.add_argument("--tmp", default="", help=argparse.SUPPRESS)
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = p.parse_args()
    if args.serve == "senscommun":
        serve_senscommun(args)
    elif args.serve == "echo":
        serve_echo(args)
    else:
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
