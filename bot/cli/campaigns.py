"""``senscommun broadcast`` and ``senscommun survey``: campaigns from the command line.

They write to the database only; the running worker delivers (through the outbox, within
Telegram's limits and quiet hours).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config.settings import Config, ConfigError, load_config
from bot.factory import sync_surveys
from core.deps import Deps
from core.engagement.audience import Audience
from core.enums import SurveyType


@asynccontextmanager
async def _services(config_path: Path | None) -> AsyncIterator[tuple[Deps, Config]]:
    from bot.factory import create_deps
    from storage.db import is_sqlite
    from storage.migrate import upgrade

    cfg = load_config(config_path)
    # The classifier is not needed here: do not spend seconds loading it.
    light = cfg.model_copy(update={"nlp": cfg.nlp.model_copy(update={"kind": "keywords"})})
    svc = create_deps(light)
    engine = svc.engine
    try:
        if cfg.database.migrate_on_start or is_sqlite(cfg.database.url):
            await upgrade(engine)
        await sync_surveys(svc, cfg)
        yield svc, cfg
    finally:
        await engine.dispose()


async def _broadcast_send(args: argparse.Namespace) -> int:
    from core.engagement import campaigns

    async with _services(args.config) as (svc, _cfg):
        topic = svc.topic(args.topic)
        if topic is None:
            codes = ", ".join(t.code for t in svc.topics) or "none configured"
            raise ConfigError(f"topics: no topic {args.topic!r} (topics: {codes})")
        text = {lang: v for lang, v in (("fr", args.fr), ("en", args.en)) if v}
        async with svc.writing() as s:
            c = await campaigns.start_broadcast(s, svc.texts, topic, text, svc.clock())
            await s.commit()
        await campaigns.expand_all(svc)
        async with svc.sessions() as s:
            d = await campaigns.delivery(s, c.id)
    print(f"broadcast #{c.id} to the subscribers of {topic.code}: {d.recipients} message(s) queued")
    return 0


async def _campaign_status(args: argparse.Namespace) -> int:
    from core.engagement import campaigns

    async with _services(args.config) as (svc, _cfg), svc.sessions() as s:
        d = await campaigns.delivery(s, args.id)
    states = ", ".join(f"{k} {v}" for k, v in sorted(d.by_state.items())) or "no message"
    print(f"campaign #{args.id}: {d.recipients} recipient(s): {states}")
    return 0


async def _resend_unknown(args: argparse.Namespace) -> int:
    from storage import outbox_admin

    async with _services(args.config) as (svc, _cfg), svc.writing() as s:
        n = await outbox_admin.resend_unknown(s, args.id)
        await s.commit()
    print(f"campaign #{args.id}: {n} message(s) in doubt queued again")
    return 0


async def _survey_create(args: argparse.Namespace) -> int:
    from core.engagement import surveys
    from core.engagement.surveys import SurveyDef

    question = {"fr": args.question_fr, "en": args.question_en or args.question_fr}
    choices = tuple(_choice(c) for c in args.choice)
    audience = Audience("service_reporters", args.service) if args.service else Audience()
    try:
        d = SurveyDef(
            code=args.code,
            question=question,
            type=SurveyType(args.type),
            choices=choices,
            audience=audience,
            schedule=args.schedule,
            send_at=datetime.fromisoformat(args.at) if args.at else None,
            expires_after_hours=args.expires_hours,
        )
    except ValueError as exc:
        print(f"senscommun: {exc}", file=sys.stderr)
        return 2
    async with _services(args.config) as (svc, _cfg), svc.writing() as s:
        sv = await surveys.upsert(s, d, svc.clock(), svc.settings.tz)
        await s.commit()
        nxt = sv.next_run_at
    print(f"survey {d.code} saved; next round: {nxt.isoformat() if nxt else 'when sent by hand'}")
    return 0


def _choice(raw: str) -> dict[str, str]:
    fr, _, en = raw.partition("|")
    return {"fr": fr.strip(), "en": (en or fr).strip()}


async def _survey_list(args: argparse.Namespace) -> int:
    from core.engagement import surveys

    async with _services(args.config) as (svc, _cfg), svc.sessions() as s:
        rows = await surveys.listing(s)
    if not rows:
        print("no survey")
    for r in rows:
        state = "active" if r["active"] else "stopped"
        print(
            f"{r['code']:<20} {r['type']:<7} {state:<8} {r['audience']:<36} "
            f"schedule {r['schedule']:<16} next {r['next_run_at']}"
        )
    return 0


async def _survey_send(args: argparse.Namespace) -> int:
    from core.engagement import campaigns, surveys

    async with _services(args.config) as (svc, _cfg):
        c = await surveys.send_now(svc, args.code)
        if c is None:
            print(f"senscommun: no survey {args.code!r}", file=sys.stderr)
            return 2
        async with svc.sessions() as s:
            d = await campaigns.delivery(s, c.id)
    print(f"survey {args.code}: round #{c.id}, {d.recipients} question(s) queued")
    return 0


def _run(coro: Any) -> Any:
    return lambda args: asyncio.run(coro(args))


def register(sub: argparse._SubParsersAction) -> Any:  # type: ignore[type-arg]
    """Add ``broadcast`` and ``survey``; returns the ``survey`` subcommands (for more)."""
    b = sub.add_parser("broadcast", help="information campaigns to a topic's subscribers")
    bsub = b.add_subparsers(dest="broadcast_command", required=True)
    send = bsub.add_parser("send", help="send a message to a topic's subscribers")
    send.add_argument("--topic", required=True)
    send.add_argument("--fr", required=True, help="the text in French")
    send.add_argument("--en", help="the text in English (default: the French one)")
    send.set_defaults(handler=_run(_broadcast_send))
    st = bsub.add_parser("status", help="where a campaign's messages are")
    st.add_argument("id", type=int)
    st.set_defaults(handler=_run(_campaign_status))
    again = bsub.add_parser(
        "resend-unknown",
        help="send again a campaign's messages a crash left in doubt (some may arrive twice)",
    )
    again.add_argument("id", type=int)
    again.set_defaults(handler=_run(_resend_unknown))

    sv = sub.add_parser("survey", help="micro-surveys: create, list, send, results")
    ssub = sv.add_subparsers(dest="survey_command", required=True)
    create = ssub.add_parser("create", help="create or update a survey")
    create.add_argument("--code", required=True)
    create.add_argument("--type", choices=["rating", "yes_no", "choice"], default="rating")
    create.add_argument("--question-fr", required=True)
    create.add_argument("--question-en")
    create.add_argument("--choice", action="append", default=[], help="'français|English'")
    create.add_argument("--service", help="ask only residents who reported to this service")
    when = create.add_mutually_exclusive_group(required=True)
    when.add_argument("--schedule", help="cron, in the town's timezone: '0 10 * * 1'")
    when.add_argument("--at", help="once, at this ISO date and time")
    create.add_argument("--expires-hours", type=int, default=72)
    create.set_defaults(handler=_run(_survey_create))
    ssub.add_parser("list", help="the surveys and their next round").set_defaults(
        handler=_run(_survey_list)
    )
    sn = ssub.add_parser("send", help="send a round now")
    sn.add_argument("code")
    sn.set_defaults(handler=_run(_survey_send))
    return ssub
