"""Outages under load: the database away for 15 seconds, then the Bot API away for 10 minutes,
while residents file reports. Prints what was acknowledged and what was lost, and how soon the
service was back after each dependency returned.

    python -m benchmarks.outages --db postgresql+asyncpg://... [--residents 20]
        [--db-outage-s 15] [--bot-outage-s 600]

One process (``senscommun run``: webhook, inbox, outbox) against a fake Bot API in this
process; PostgreSQL behind a TCP proxy (``tests.faults.proxy``) that is cut for the database
outage. Telegram's redelivery is played as Telegram does it: an update answered with anything
but 200 is posted again (here every second) until it is acknowledged.

Database outage: the residents' reports start before the cut, go on through it and after;
each resident's conversation waits for the bot as a person would. Lost = acknowledged updates
not processed, and reports sent whose card never reached the agents.

Bot API outage: the residents get their reports ready up to "Send" while Telegram works; the
Bot API then answers 502 to every call, they press "Send" during the outage (the webhook still
acknowledges: the inbox does not need Telegram), and it comes back after ``--bot-outage-s``.
Lost = cards never delivered. The resident's own "thanks, #ref" is a direct reply, tried for
about 30 s: during a long outage it is counted apart.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

import aiohttp
from sqlalchemy import func, select

from benchmarks.ticket_latency import AGENTS_CHAT, FIRST_RESIDENT, SECRET, Resident, write_config
from bot.demo.fake_telegram import Call, FakeBotApi
from bot.demo.simulate import UpdateFactory, post_update, wait_healthy
from storage.db import create_engine
from storage.models import InboxUpdate
from tests.conftest import reset_postgres
from tests.faults.proxy import Proxy


class Redelivered(Resident):
    """A resident whose updates Telegram delivers again until the webhook acknowledges them."""

    acked: ClassVar[set[int]] = set()  # update ids acknowledged with 200, all residents
    acked_at: ClassVar[list[float]] = []  # when (monotonic)
    answers: ClassVar[list[tuple[int, float]]] = []  # the webhook's status, and how long

    async def _deliver(self, update: dict[str, Any]) -> None:
        while True:  # Telegram's redelivery: again a second later
            t0 = time.monotonic()
            status = await post_update(self.http, self.url, SECRET, update)
            Redelivered.answers.append((status, time.monotonic() - t0))
            if status == 200:
                break
            await asyncio.sleep(1.0)
        Redelivered.acked.add(int(update["update_id"]))
        Redelivered.acked_at.append(time.monotonic())


async def _processed(db: str) -> int:
    engine = create_engine(db)
    async with engine.connect() as conn:
        n = await conn.scalar(
            select(func.count())
            .select_from(InboxUpdate)
            .where(InboxUpdate.processed_at.is_not(None))
        )
    await engine.dispose()
    return int(n or 0)


async def database_outage(
    args: argparse.Namespace,
    http: aiohttp.ClientSession,
    url: str,
    api: FakeBotApi,
    cut: Proxy,
    updates: UpdateFactory,
) -> None:
    cards: list[Call] = [c for c in api.calls if _is_card(c)]
    before = len(cards)
    residents = [Redelivered(http, url, api, i, updates) for i in range(args.residents)]
    span = args.db_outage_s + 10.0  # starts spread from 5 s before the cut to 5 s after
    start = time.monotonic()

    async def one(i: int, r: Redelivered) -> None:
        await asyncio.sleep(span * i / len(residents))
        await r.until_send()
        await r.send(cards)

    async def outage() -> tuple[float, float]:
        await asyncio.sleep(5.0)
        await cut.cut()
        await asyncio.sleep(args.db_outage_s)
        await cut.restore()
        return time.monotonic(), len(Redelivered.acked_at)

    def on_call(call: Call) -> None:
        if _is_card(call):
            cards.append(call)

    api.on_call = on_call
    results = await asyncio.gather(
        outage(), *(one(i, r) for i, r in enumerate(residents)), return_exceptions=True
    )
    failures = [r for r in results[1:] if isinstance(r, BaseException)]
    sent = len(residents) - len(failures)
    with contextlib.suppress(TimeoutError):  # each card, not only the first few
        await api.wait_for(lambda _: len(cards) - before >= sent, within=60)
    api.on_call = None
    restored = results[0]
    assert isinstance(restored, tuple), restored
    restored_at, acked_before = restored
    back = [t - restored_at for t in Redelivered.acked_at[int(acked_before) :] if t >= restored_at]
    processed = await _processed(args.db)
    delivered = len(cards) - before
    print(
        f"database outage {args.db_outage_s:g} s, {len(residents)} residents filing reports "
        f"(starts spread over {span:g} s, {time.monotonic() - start:.1f} s in all)"
    )
    print(
        f"  updates acknowledged {len(Redelivered.acked)}, processed {processed}: lost "
        f"{len(Redelivered.acked) - processed}; reports sent {sent}, "
        f"cards delivered {delivered}: lost {sent - delivered}"
    )
    if back:
        print(f"  first update acknowledged {min(back):.2f} s after the database came back")
    refused = [t for status, t in Redelivered.answers if status != 200]
    slowest = max(t for _, t in Redelivered.answers)
    print(
        f"  webhook answers: {len(Redelivered.answers)}, of which not 200: {len(refused)} "
        f"(slowest {max(refused, default=0):.2f} s); slowest answer of all {slowest:.2f} s"
    )
    for f in failures:
        print(f"  a resident's conversation failed: {type(f).__name__}: {f}")


async def bot_api_outage(
    args: argparse.Namespace,
    http: aiohttp.ClientSession,
    url: str,
    api: FakeBotApi,
    updates: UpdateFactory,
) -> None:
    first = FIRST_RESIDENT + 10_000
    residents = [
        Redelivered(http, url, api, first - FIRST_RESIDENT + i, updates)
        for i in range(args.residents)
    ]
    await asyncio.gather(*(r.until_send() for r in residents))
    cards: list[Call] = []

    def on_call(call: Call) -> None:
        if _is_card(call):
            cards.append(call)

    api.on_call = on_call
    api.outage = "502"
    started = time.monotonic()
    sends = [asyncio.create_task(r.send(cards)) for r in residents]
    await asyncio.sleep(args.bot_outage_s)
    api.end_outage()
    ended = time.monotonic()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*sends), timeout=120)
        await api.wait_for(lambda _: len(cards) >= len(residents), within=60)
    thanks = sum(
        1 for r in residents if any("signalement <b>#" in t for t in api.texts(r.who.user_id))
    )
    after = [c.at - ended for c in cards]
    print(
        f"Bot API outage {args.bot_outage_s:g} s (502 to every call; {api.refused} calls "
        f"refused), {len(residents)} reports sent during it"
    )
    print(
        f"  cards delivered {len(cards)}: lost {len(residents) - len(cards)}; first "
        f"{min(after):.2f} s, last {max(after):.2f} s after the Bot API came back"
        if after
        else "  no card delivered"
    )
    print(
        f"  the residents' own 'thanks, #ref' (a direct reply, tried about 30 s) received by "
        f"{thanks} of {len(residents)}"
    )
    print(f"  outage length as run: {ended - started:.1f} s")
    if after:
        print(f"  cards' median delay after the return: {statistics.median(after):.2f} s")


def _is_card(call: Call) -> bool:
    return (
        call.method in ("sendMessage", "sendPhoto")
        and int(call.params.get("chat_id", 0)) == AGENTS_CHAT
    )


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        await reset_postgres(args.db)
        cut, target = Proxy.before(args.db)
        await cut.start()
        api = FakeBotApi("123:bench")
        await api.start()
        port = 18_000 + int(time.time()) % 1000
        cfg = write_config(tmp, cut.url(target), api, 25.0, port)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli.main", "--config", str(cfg), "run",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/telegram"
        try:
            async with aiohttp.ClientSession() as http:
                await wait_healthy(http, f"http://127.0.0.1:{port}/health", proc)
                updates = UpdateFactory()  # one for the run: update ids never repeat
                if args.db_outage_s > 0:
                    await database_outage(args, http, url, api, cut, updates)
                if args.bot_outage_s > 0:
                    await bot_api_outage(args, http, url, api, updates)
                cards = [c for c in api.calls if _is_card(c)]
                print(f"cards seen by the fake Bot API in all: {len(cards)}")
        finally:
            proc.terminate()
            await proc.wait()
            await api.stop()
            await cut.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--db", required=True, help="PostgreSQL URL (it is cut behind a proxy)")
    p.add_argument("--residents", type=int, default=20)
    p.add_argument("--db-outage-s", type=float, default=15.0)
    p.add_argument("--bot-outage-s", type=float, default=600.0)
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
