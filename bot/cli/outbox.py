"""``senscommun outbox``: what waits and what failed (``status``), and failed messages sent
again (``retry``). They write to the database only; the running worker delivers."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from typing import Any

from bot.cli.db import session
from bot.config.settings import load_config
from storage.enums import OutboxLane, OutboxState


async def _status(args: argparse.Namespace) -> int:
    from storage import outbox_admin

    cfg = load_config(args.config)
    now = datetime.now(UTC)
    async with session(cfg) as s:
        sm = await outbox_admin.summary(s, now)
    if not sm.counts:
        print("outbox: empty")
        return 0
    for lane in OutboxLane:
        states = {st: n for (ln, st), n in sm.counts.items() if ln == lane}
        if states:
            shown = ", ".join(f"{st.value} {n}" for st, n in sorted(states.items()))
            print(f"lane {lane.value} ({lane.name.lower()}): {shown}")
    failed = sum(n for (_, st), n in sm.counts.items() if st is OutboxState.FAILED)
    if sm.oldest_due is None:
        print("due now: none")
    else:
        age = (now - sm.oldest_due).total_seconds()
        print(
            f"due now: {sm.due}; the oldest written {sm.oldest_due.isoformat()} ({age:.0f} s ago)"
        )
    print(f"failed: {failed}" + (" (senscommun outbox retry sends them again)" if failed else ""))
    return 0


async def _retry(args: argparse.Namespace) -> int:
    from storage import outbox_admin

    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            print(f"senscommun: --since {args.since!r} is not an ISO date", file=sys.stderr)
            return 2
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
    cfg = load_config(args.config)
    async with session(cfg) as s:
        n = await outbox_admin.retry_failed(s, datetime.now(UTC), since)
        await s.commit()
    after = f" written since {since.isoformat()}" if since else ""
    print(f"outbox: {n} failed message(s){after} queued again")
    return 0


def _run(coro: Any) -> Any:
    return lambda args: asyncio.run(coro(args))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    o = sub.add_parser("outbox", help="messages to deliver: what waits, what failed")
    osub = o.add_subparsers(dest="outbox_command", required=True)
    osub.add_parser("status", help="counts by lane and state, the oldest due").set_defaults(
        handler=_run(_status)
    )
    r = osub.add_parser("retry", help="send failed messages again")
    r.add_argument("--since", help="only those written since this ISO date (UTC if no zone)")
    r.set_defaults(handler=_run(_retry))
