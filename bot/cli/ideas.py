"""``senscommun ideas list [--service X] [--state S] [--csv]``: the residents' ideas with their
supports, the town's latest answer and the milestones reached, as a table or as CSV. The
authors are not shown: the list is for the town's follow-up, not for singling anyone out."""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from bot.cli.db import known_service, session
from bot.config.settings import load_config
from core.ideas.answers import IdeaLine, overview
from storage.enums import IdeaState

COLUMNS = (
    "id",
    "service",
    "state",
    "supports",
    "created",
    "on_agenda",
    "answer",
    "answered",
    "milestones",
    "milestones_done",
    "text",
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ideas = sub.add_parser("ideas", help="the residents' ideas, their supports and answers")
    verbs = ideas.add_subparsers(dest="ideas_command", required=True)
    p = verbs.add_parser("list", help="ideas with supports, answers and milestones")
    p.add_argument("--service", metavar="CODE", help="only this service")
    p.add_argument(
        "--state",
        choices=[s.value for s in IdeaState] + ["all"],
        default="all",
        help="only ideas in this state (default: all)",
    )
    p.add_argument("--csv", action="store_true", help="one CSV on standard output")
    p.set_defaults(handler=_cmd_list)


def _cmd_list(args: argparse.Namespace) -> int:
    state = None if args.state == "all" else IdeaState(args.state)
    return asyncio.run(list_ideas(args.config, args.service, state, args.csv, sys.stdout))


async def list_ideas(
    config_path: Path | None,
    service: str | None,
    state: IdeaState | None,
    as_csv: bool,
    out: IO[str],
) -> int:
    from bot.factory import create_catalogue

    cfg = load_config(config_path)
    if not known_service(create_catalogue(cfg), service):
        return 2
    async with session(cfg) as s:
        lines = await overview(s, service, state)
    rows = [_row(line, ZoneInfo(cfg.bot.timezone)) for line in lines]
    if as_csv:
        w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    else:
        out.write(_table(rows))
    return 0


def _row(line: IdeaLine, tz: ZoneInfo) -> dict[str, Any]:
    i = line.idea

    def day(at: Any) -> str:
        return at.astimezone(tz).date().isoformat() if at is not None else ""

    return {
        "id": i.id,
        "service": i.service,
        "state": i.state.value,
        "supports": i.supports,
        "created": day(i.created_at),
        "on_agenda": day(i.on_agenda_at),
        "answer": line.answer.value if line.answer else "",
        "answered": day(line.answered_at),
        "milestones": line.milestones,
        "milestones_done": line.milestones_done,
        "text": i.text,
    }


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No idea yet.\n"
    shown = [
        {
            **r,
            "milestones": f"{r['milestones_done']}/{r['milestones']}" if r["milestones"] else "",
            "text": (r["text"][:57] + "…") if len(r["text"]) > 58 else r["text"],
        }
        for r in rows
    ]
    cols = [c for c in COLUMNS if c != "milestones_done"]
    cells = [[str(r[c]).replace("\n", " ") for c in cols] for r in shown]
    widths = [max(len(c), *(len(row[k]) for row in cells)) for k, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"
