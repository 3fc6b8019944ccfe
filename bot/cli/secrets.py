"""``senscommun secrets``: the report links' key, when it is stored in the database (no
``security.link_secret`` in the config). ``rotate`` makes a newer key that signs the links
handed out from the next start on, the older ones still accepted; ``forget-old`` removes the
older ones (links signed with them stop opening). Restart the bot after either."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

from bot.cli.db import session
from bot.config.settings import load_config


async def _rotate(args: argparse.Namespace) -> int:
    from storage import secrets

    async with session(load_config(args.config)) as s:
        await secrets.ensure(s, secrets.LINK, datetime.now(UTC))
        version = await secrets.rotate(s, secrets.LINK, datetime.now(UTC))
        await s.commit()
    print(f"report-link key: version {version} made; restart the bot to sign with it")
    return 0


async def _forget(args: argparse.Namespace) -> int:
    from storage import secrets

    async with session(load_config(args.config)) as s:
        n = await secrets.forget_old(s, secrets.LINK)
        await s.commit()
    print(f"report-link key: {n} older version(s) removed; restart the bot")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("secrets", help="the report links' stored key: rotate, forget old ones")
    psub = p.add_subparsers(dest="secrets_command", required=True)
    psub.add_parser("rotate", help="a newer key; the older ones stay accepted").set_defaults(
        handler=lambda a: asyncio.run(_rotate(a))
    )
    psub.add_parser("forget-old", help="remove every key but the newest").set_defaults(
        handler=lambda a: asyncio.run(_forget(a))
    )
