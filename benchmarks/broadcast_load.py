"""Broadcast delivery at scale: a campaign to N subscribers through the outbox, against a fake
Bot API that enforces the limits (429 with retry_after past them), with a ``kill -9`` of the
worker mid-way and a restart.

Prints the achieved rate (against the configured limit), duplicates, lost messages, 429s and
the worker's memory over time.

    python -m benchmarks.broadcast_load [--recipients 10000] [--rate 25] [--db URL]
        [--kill-at 0.5] [--no-kill] [--workers 2]

``--workers 2`` (PostgreSQL): two worker processes share the outbox; one sends for the bot
token, the other stands by. The kill hits the first one started (the sender), and it is not
started again: the one standing by takes the sending over.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from sqlalchemy import func, insert, select

from bot.config.settings import OutboxConfig
from bot.demo.fake_telegram import Call, FakeBotApi, RateLimit
from bot.outbox.batch import batch_for
from storage.db import create_engine
from storage.enums import OutboxState
from storage.migrate import upgrade
from storage.models import OutboxMessage, Resident, Subscription

TOPIC = "works"
FIRST_CHAT = 1_000_000


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def write_config(
    tmp: Path, db: str, api: FakeBotApi, rate: float, at_least_once: bool = False
) -> Path:
    # --at-least-once: a broadcast in doubt after the kill is sent again (perhaps twice, never
    # lost) instead of being left unknown (never twice, perhaps lost): outbox.resend_in_doubt.
    resend = ", ".join(f'"{p.value}"' for p in OutboxConfig().resend_in_doubt)  # the default
    if at_least_once:
        resend += ', "broadcast"'
    cfg = tmp / "bench.toml"
    cfg.write_text(
        f"""
[telegram]
token = "123:bench"
api_base_url = "{api.base_url}"
api_file_url = "{api.file_url}"

[database]
url = "{db}"
migrate_on_start = true

[bot]
media_dir = "{tmp / "media"}"

[nlp]
kind = "keywords"

[outbox]
messages_per_second = {rate}
per_chat_interval_s = 1.0
poll_interval_s = 0.2
resend_in_doubt = [{resend}]

[surveys]
quiet_hours = ""   # the benchmark must not depend on the time of day
""",
        encoding="utf-8",
    )
    return cfg


async def populate(db: str, n: int) -> None:
    """N residents subscribed to the topic, inserted in bulk."""
    engine = create_engine(db)
    await upgrade(engine)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        for start in range(0, n, 5_000):
            ids = range(start, min(n, start + 5_000))
            await conn.execute(
                insert(Resident),
                [
                    {
                        "telegram_user_id": FIRST_CHAT + i,
                        "chat_id": FIRST_CHAT + i,
                        "first_name": f"R{i}",
                        "language": "fr" if i % 3 else "en",
                        "language_chosen": False,
                        "consent_training_asked": False,
                        "consent_surveys_asked": False,
                        "created_at": now,
                        "last_seen_at": now,
                    }
                    for i in ids
                ],
            )
        rows = (await conn.execute(select(Resident.id))).scalars().all()
        for start in range(0, len(rows), 5_000):
            await conn.execute(
                insert(Subscription),
                [
                    {"resident_id": r, "topic": TOPIC, "created_at": now}
                    for r in rows[start : start + 5_000]
                ],
            )
    await engine.dispose()


#: ``--priority``: how much higher the fake Bot API is scheduled than the worker (nice levels).
PRIORITY = 10


def _normal_priority() -> None:  # in the worker's process, before it starts
    os.nice(PRIORITY)


async def worker(cfg: Path, priority: bool = False) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "--config",
        str(cfg),
        "run",
        "--role",
        "worker",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        preexec_fn=_normal_priority if priority else None,
    )


async def send_broadcast(cfg: Path) -> str:
    """``senscommun broadcast send`` to the topic's subscribers, as an operator would; returns
    what it printed (raises if it failed)."""
    send = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", "--config", str(cfg), "broadcast", "send",
        "--topic", TOPIC, "--fr", "Travaux rue Pasteur lundi", "--en", "Works on Pasteur St",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await send.communicate()
    if send.returncode != 0:
        raise RuntimeError(f"broadcast send ended with {send.returncode}")
    return out.decode().strip()


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        db = args.db or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        if db.startswith("postgresql"):
            from tests.conftest import reset_postgres

            await reset_postgres(db)
        api = FakeBotApi("123:bench", RateLimit(per_second=args.rate, per_chat_interval=1.0))
        # The fake keeps every call (100,000 of them): the collector's full passes over them
        # would stall it for tens of milliseconds, long enough to bunch arrivals past the
        # limit. The harness must not be what the figures measure.
        gc.disable()
        if args.priority:
            # Telegram's servers are not on this machine's two cores: with --priority the fake
            # (this process) is scheduled ahead of the worker, so that its own stalls do not
            # bunch arrivals (a 30 ms stall makes 30 ms of sends arrive as one instant).
            os.nice(-PRIORITY)
        await api.start()
        cfg = write_config(tmp, db, api, args.rate, args.at_least_once)
        t0 = time.perf_counter()
        await populate(db, args.recipients)
        print(f"{args.recipients} subscribers written in {time.perf_counter() - t0:.1f} s")

        seen: list[str] = []  # chat ids, in order of delivery (kept by the fake, cheaply)

        def on_call(call: Call) -> None:
            if call.method == "sendMessage":
                seen.append(str(call.params.get("chat_id")))

        api.on_call = on_call

        def delivered() -> list[str]:
            return seen

        proc = await worker(cfg, args.priority)
        standby = [await worker(cfg, args.priority) for _ in range(args.workers - 1)]
        t0 = time.perf_counter()
        out = await send_broadcast(cfg)
        print(f"campaign: {out} ({time.perf_counter() - t0:.1f} s)")

        n = args.recipients
        stamps: list[float] = []
        memory: list[tuple[float, float]] = []
        killed_at = restarted_first = None
        # A third of a batch past the mark: between two batches the worker pauses to claim
        # (SQLite), and a kill there would find nothing on the wire.
        kill_after = int(n * args.kill_at) + batch_for(args.rate) // 3 if args.kill else None
        start = time.perf_counter()
        last_progress, last_count = start, 0
        while True:
            await asyncio.sleep(0.25)
            count = len(delivered())
            reached = len(set(delivered())) if args.at_least_once else count
            now = time.perf_counter()
            memory.append((now - start, rss_mb(proc.pid)))
            if count != last_count:
                last_progress, last_count = now, count
            if kill_after is not None and killed_at is None and count >= kill_after:
                proc.send_signal(signal.SIGKILL)
                await proc.wait()
                killed_at = (now, count)
                if standby:  # it takes over: no restart
                    proc = standby.pop(0)
                else:
                    proc = await worker(cfg, args.priority)
            if killed_at and restarted_first is None and count > killed_at[1]:
                restarted_first = now
            if reached >= n or now - last_progress > 30:
                break
        for p in [proc, *standby]:
            p.send_signal(signal.SIGTERM)
            await p.wait()
        stamps = [c.at for c in api.calls if c.method == "sendMessage"]

        per_chat = Counter(delivered())
        dups = sum(v - 1 for v in per_chat.values() if v > 1)
        lost = n - len(per_chat)
        engine = create_engine(db)
        async with engine.connect() as conn:
            states = dict(
                (
                    await conn.execute(
                        select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
                    )
                ).all()
            )
        await engine.dispose()
        await api.stop()

    first, last = min(stamps), max(stamps)
    span = last - first
    gap = 0.0
    if killed_at and restarted_first:
        # Sending time lost to the restart: the longest silence (the kill, the new process
        # starting, recovering, claiming again).
        ordered = sorted(stamps)
        gap = max(b - a for a, b in pairwise(ordered))
    steady = len(stamps) / (span - gap) if span > gap else float("nan")
    mem = [m for _, m in memory if m > 0]
    print(
        f"database: {db.split('://')[0]}, {args.workers} worker process(es), "
        f"limit {args.rate:g} messages/s, 1/s per chat"
    )
    print(
        f"delivered {len(stamps)} in {span:.1f} s: {len(stamps) / span:.1f}/s overall, "
        f"{steady:.1f}/s excluding the {gap:.1f} s restart gap "
        f"= {steady / args.rate * 100:.1f}% of the limit"
    )
    print(f"duplicates {dups}, lost {lost}, 429 answered {api.throttled}")
    if args.timeline:
        per_second = Counter(int(t - first) for t in stamps)
        print("per second:", " ".join(str(per_second[i]) for i in range(int(span) + 1)))
    print(f"outbox states: {', '.join(f'{k} {v}' for k, v in sorted(states.items()))}")
    if killed_at:
        print(
            f"killed -9 after {killed_at[1]} deliveries; {states.get(OutboxState.UNKNOWN, 0)} "
            "left unknown (on the wire when killed, not resent)"
            + (" [--at-least-once: those in doubt were sent again]" if args.at_least_once else "")
        )
    if mem:
        q = len(mem) // 4 or 1
        print(
            f"worker RSS MB: first quarter max {max(mem[:q]):.0f}, last quarter max "
            f"{max(mem[-q:]):.0f}, overall max {max(mem):.0f}"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--recipients", type=int, default=10_000)
    p.add_argument("--rate", type=float, default=25.0)
    p.add_argument("--db", default=os.environ.get("SENSCOMMUN_BENCH_DB", ""))
    p.add_argument("--kill-at", type=float, default=0.5)
    p.add_argument("--no-kill", dest="kill", action="store_false")
    p.add_argument("--timeline", action="store_true", help="print deliveries per second")
    p.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL)")
    p.add_argument(
        "--at-least-once",
        action="store_true",
        help="broadcasts in doubt after the kill are sent again (outbox.resend_in_doubt)",
    )
    p.add_argument(
        "--priority",
        action="store_true",
        help="schedule the fake Bot API ahead of the worker (needs the right to lower nice)",
    )
    args = p.parse_args()
    if args.workers > 1 and not args.db.startswith("postgresql"):
        p.error("--workers needs PostgreSQL (--db): SQLite serves one process")
    py = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {py}")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
