"""Ticket latency during a broadcast: while a campaign to N subscribers goes out at the
configured rate, residents file reports over the webhook, spread across the campaign; for each,
the time from the resident's "Send" (the POST of the button press) to the card's arrival at
the fake Bot API in the agents' chat.

One process (``senscommun run --role all``: webhook, inbox, outbox) against a fake Bot API in
this process that enforces the rate (429 past it). Prints p50, p90, p99 and the maximum, and
how much of the campaign was left when each report was sent.

    python -m benchmarks.ticket_latency [--recipients 10000] [--rate 25] [--reports 20]
        [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.broadcast_load import populate, send_broadcast
from bot.demo.fake_telegram import Call, FakeBotApi, RateLimit
from bot.demo.simulate import Person, UpdateFactory, post_update, wait_healthy

AGENTS_CHAT = -100_777
SECRET = "bench-secret-0123456"
FIRST_RESIDENT = 5_000_000


def write_config(tmp: Path, db: str, api: FakeBotApi, rate: float, port: int) -> Path:
    cfg = tmp / "bench.toml"
    cfg.write_text(
        f"""
[telegram]
token = "123:bench"
api_base_url = "{api.base_url}"
api_file_url = "{api.file_url}"
mode = "webhook"

[webhook]
port = {port}
secret_token = "{SECRET}"

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

[surveys]
quiet_hours = ""   # the benchmark must not depend on the time of day

[[services]]
code = "other"
name = {{ fr = "Accueil", en = "Desk" }}
agents_chat_id = {AGENTS_CHAT}
agents = [501]
""",
        encoding="utf-8",
    )
    return cfg


class Resident:
    """One resident filing one report, as Telegram would deliver her taps."""

    def __init__(
        self, http: aiohttp.ClientSession, url: str, api: FakeBotApi, n: int, f: UpdateFactory
    ) -> None:
        self.http, self.url, self.api = http, url, api
        self.who = Person(FIRST_RESIDENT + n, f"Resident {n}", "fr")
        self.updates = f  # one for all: update ids never repeat
        self.n = n

    def _seen(self) -> int:
        return len(self.api.texts(self.who.user_id))

    async def _post(self, update: dict[str, Any]) -> None:
        before = self._seen()
        await self._deliver(update)
        await self.api.wait_for(lambda _: self._seen() > before, within=60)

    async def _press(self, prefix: str) -> None:
        message_id, data = self.api.button(self.who.user_id, prefix)
        chat = self.updates.private(self.who)
        await self._post(self.updates.press(self.who, chat, message_id, data))

    def _has(self, prefix: str) -> bool:
        rows = self.api.last_buttons(self.who.user_id)
        return any(str(b.get("callback_data", "")).startswith(prefix) for r in rows for b in r)

    async def file(self, cards: list[Call]) -> float:
        """The report; returns the seconds from "Send" to the card."""
        await self.until_send()
        return await self.send(cards)

    async def until_send(self) -> None:
        """The report's conversation, up to the "Send" button."""
        await self._post(self.updates.text(self.who, f"Fuite d'eau rue {self.n}, au numéro 4"))
        if self._has("d:ok"):
            await self._press("d:ok")
        if not self._has("d:nophoto"):
            await self._post(self.updates.location(self.who, 45.76 + self.n / 1000, 4.83))
            try:
                await self.api.wait_for(
                    lambda _: self._has("d:nophoto") or self._has("d:notsame"), within=20
                )
            except TimeoutError:
                raise RuntimeError(
                    f"{self.api.texts(self.who.user_id)} {self.api.last_buttons(self.who.user_id)}"
                ) from None
        if self._has("d:notsame"):
            await self._press("d:notsame")
            await self.api.wait_for(lambda _: self._has("d:nophoto"), within=60)
        if not self._has("d:nophoto"):
            raise RuntimeError(f"unexpected conversation: {self.api.texts(self.who.user_id)}")
        await self._press("d:nophoto")
        await self.api.wait_for(lambda _: self._has("d:send"), within=60)

    async def send(self, cards: list[Call]) -> float:
        """Press "Send"; returns the seconds from the press to the card."""
        message_id, data = self.api.button(self.who.user_id, "d:send")
        chat = self.updates.private(self.who)
        had = len(cards)
        sent_at = time.monotonic()
        await self._deliver(self.updates.press(self.who, chat, message_id, data))
        await self.api.wait_for(lambda _: len(cards) > had, within=1200)
        return cards[had].at - sent_at

    async def _deliver(self, update: dict[str, Any]) -> None:
        assert await post_update(self.http, self.url, SECRET, update) == 200


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        db = args.db or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        if db.startswith("postgresql"):
            from tests.conftest import reset_postgres

            await reset_postgres(db)
        # Telegram's own limit is about 30/s; the bot is configured below it (25/s by default),
        # as a deployment would be. The residents' replies come on top of the campaign.
        limit = RateLimit(per_second=max(30.0, args.rate * 1.2), per_chat_interval=1.0)
        api = FakeBotApi("123:bench", limit)
        await api.start()
        port = 18_000 + int(time.time()) % 1000
        cfg = write_config(tmp, db, api, args.rate, port)
        await populate(db, args.recipients)
        pushed: list[Call] = []
        cards: list[Call] = []

        def on_call(call: Call) -> None:
            if call.method not in ("sendMessage", "sendPhoto"):
                return
            chat = int(call.params.get("chat_id", 0))
            if chat == AGENTS_CHAT:
                cards.append(call)
            elif chat < FIRST_RESIDENT:
                pushed.append(call)

        api.on_call = on_call
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli.main", "--config", str(cfg), "run",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/telegram"
        async with aiohttp.ClientSession() as http:
            await wait_healthy(http, f"http://127.0.0.1:{port}/health", proc)
            print(f"campaign: {await send_broadcast(cfg)}")
            await api.wait_for(lambda _: bool(pushed), within=120)
            start = time.monotonic()
            length = args.recipients / args.rate
            latencies: list[float] = []
            updates = UpdateFactory()
            left: list[int] = []
            for i in range(args.reports):
                at = start + length * (i + 0.5) / (args.reports + 1)
                await asyncio.sleep(max(0.0, at - time.monotonic()))
                left.append(args.recipients - len(pushed))
                latencies.append(await Resident(http, url, api, i, updates).file(cards))
            await api.wait_for(lambda _: len(pushed) >= args.recipients, within=3 * length)
            span = (pushed[-1].at - pushed[0].at) if pushed else float("nan")
        proc.terminate()
        await proc.wait()
        await api.stop()
    db_name = db.split("+")[0].split(":")[0]
    print(
        f"database: {db_name}; {args.recipients} recipients at {args.rate:g}/s; "
        f"campaign delivered {len(pushed)} in {span:.1f} s"
    )
    print(
        f"{len(latencies)} reports during the campaign (with {min(left)} to {max(left)} campaign "
        f"messages still to send): Send → card p50 {statistics.median(latencies):.2f} s, "
        f"p90 {pct(latencies, 90):.2f} s, p99 {pct(latencies, 99):.2f} s, "
        f"max {max(latencies):.2f} s"
    )
    print(f"429 answered by the fake: {api.throttled}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--recipients", type=int, default=10_000)
    p.add_argument("--rate", type=float, default=25.0)
    p.add_argument("--reports", type=int, default=20)
    p.add_argument("--db", default=None, help="a PostgreSQL URL (default: a SQLite file)")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
