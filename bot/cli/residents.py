"""``senscommun resident block|unblock REF``: the command line's door to blocking a resident
(``core.residents.moderation``). REF is ``#12`` (the author of report 12) or a resident's id.
Whoever holds the server's shell is trusted as an administrator; the audit log says "command
line"."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.db import session
from bot.config.settings import load_config
from core.deps import utcnow
from core.residents import moderation


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    r = sub.add_parser("resident", help="moderation: block or unblock a resident")
    verbs = r.add_subparsers(dest="resident_command", required=True)
    for verb, help_ in (
        ("block", "her messages are kept, not processed; she is told once"),
        ("unblock", "she may write again"),
    ):
        p = verbs.add_parser(verb, help=help_)
        p.add_argument("ref", help="#REPORT (its author) or a resident's id")
        p.set_defaults(handler=_cmd, on=verb == "block")


def _cmd(args: argparse.Namespace) -> int:
    return asyncio.run(block(args.config, args.ref, args.on))


async def block(config_path: Path | None, ref: str, on: bool) -> int:
    cfg = load_config(config_path)
    async with session(cfg) as s:
        resident_id = await moderation.resident_of(s, ref)
        if resident_id is None:
            print(f"senscommun: no resident for {ref!r} (#REPORT or an id)", file=sys.stderr)
            return 1
        done = await moderation.block(s, frozenset(), None, resident_id, utcnow(), on=on)
        await s.commit()
    state = "blocked" if on else "unblocked"
    print(f"resident {resident_id} {state}" + ("" if done.changed else " already"))
    return 0
