"""``senscommun apikey``: the Open311 clients that may post reports (``create NAME`` prints
the key once, ``list``, ``revoke NAME``); ``senscommun forwards``: what the forwarding worker
has yet to send or gave up on (``status``), and given-up forwards sent again (``retry``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from typing import Any

from bot.cli.db import session
from bot.config.settings import load_config
from storage.enums import ForwardChannel, ForwardState


async def _create(args: argparse.Namespace) -> int:
    from core.integrations import api_clients

    cfg = load_config(args.config)
    async with session(cfg) as s:
        try:
            key = await api_clients.create(
                s, args.name, cfg.bot.default_language, datetime.now(UTC)
            )
        except api_clients.ClientError as exc:
            print(f"senscommun: {exc}", file=sys.stderr)
            return 2
        await s.commit()
    print(f"API client {args.name!r} created. Its key, shown this once (only its hash is kept):")
    print(key)
    return 0


async def _list(args: argparse.Namespace) -> int:
    from core.integrations import api_clients

    cfg = load_config(args.config)
    async with session(cfg) as s:
        rows = await api_clients.listed(s)
    if not rows:
        print("no API client")
    for r in rows:
        state = f"revoked {r.revoked_at.isoformat()}" if r.revoked_at else "active"
        print(f"{r.name}\tcreated {r.created_at.isoformat()}\t{state}")
    return 0


async def _revoke(args: argparse.Namespace) -> int:
    from core.integrations import api_clients

    cfg = load_config(args.config)
    async with session(cfg) as s:
        done = await api_clients.revoke(s, args.name, datetime.now(UTC))
        await s.commit()
    if not done:
        print(f"senscommun: no active API client named {args.name!r}", file=sys.stderr)
        return 1
    print(f"API client {args.name!r} revoked: its key no longer works")
    return 0


async def _status(args: argparse.Namespace) -> int:
    from storage import forwards

    cfg = load_config(args.config)
    async with session(cfg) as s:
        counts = await forwards.counts(s)
    if not counts:
        print("forwards: none")
        return 0
    for channel in ForwardChannel:
        states = {st: n for (ch, st), n in counts.items() if ch is channel}
        if states:
            shown = ", ".join(f"{st.value} {n}" for st, n in sorted(states.items()))
            print(f"{channel.value}: {shown}")
    failed = sum(n for (_, st), n in counts.items() if st is ForwardState.FAILED)
    hint = " (senscommun forwards retry sends them again)" if failed else ""
    print(f"failed: {failed}{hint}")
    return 0


async def _retry(args: argparse.Namespace) -> int:
    from storage import forwards

    cfg = load_config(args.config)
    async with session(cfg) as s:
        n = await forwards.retry_failed(s, datetime.now(UTC))
        await s.commit()
    print(f"forwards: {n} failed forward(s) queued again")
    return 0


def _run(coro: Any) -> Any:
    return lambda args: asyncio.run(coro(args))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    a = sub.add_parser("apikey", help="Open311 clients that may post reports")
    asub = a.add_subparsers(dest="apikey_command", required=True)
    c = asub.add_parser("create", help="a new client; prints its key once")
    c.add_argument("name", help="lowercase letters, digits, '.', '_' or '-' (shown on cards)")
    c.set_defaults(handler=_run(_create))
    asub.add_parser("list", help="the clients, active or revoked").set_defaults(handler=_run(_list))
    r = asub.add_parser("revoke", help="the client's key no longer works")
    r.add_argument("name")
    r.set_defaults(handler=_run(_revoke))
    f = sub.add_parser("forwards", help="reports sent to the services' other systems")
    fsub = f.add_subparsers(dest="forwards_command", required=True)
    fsub.add_parser("status", help="counts by channel and state").set_defaults(
        handler=_run(_status)
    )
    fsub.add_parser("retry", help="send given-up forwards again").set_defaults(handler=_run(_retry))
