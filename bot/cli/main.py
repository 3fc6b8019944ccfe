"""The ``senscommun`` command line."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from pathlib import Path

from bot.config.settings import ConfigError, load_config

#: Libraries whose INFO and DEBUG lines hold personal data or the token: SQL with its
#: parameters and rows (sqlalchemy, aiosqlite), Bot API calls with their text (telegram),
#: request URLs with the token (httpx), clients' addresses (aiohttp.access).
QUIET = (
    "httpx",
    "httpcore",
    "aiohttp.access",
    "apscheduler",
    "sqlalchemy",
    "aiosqlite",
    "telegram",
)


def _logging(verbose: bool) -> None:
    """The log on standard error: ``-v`` adds our own DEBUG lines, never the libraries' (see
    :data:`QUIET`); every line goes through ``storage.scrub`` (no token, no secret)."""
    from storage.scrub import install

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        install(handler)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _env_config() -> Path | None:
    return Path(os.environ["SENSCOMMUN_CONFIG"]) if os.environ.get("SENSCOMMUN_CONFIG") else None


async def _run(config_path: Path | None, role: str, health_port: int | None = None) -> int:
    from storage.filelock import AlreadyRunning, ProcessLock

    cfg = load_config(config_path)
    if not cfg.telegram.token:
        raise ConfigError("telegram.token: required to run (set it or SENSCOMMUN_TELEGRAM_TOKEN)")
    lock = ProcessLock(cfg.database.url)
    try:
        lock.acquire()  # SQLite: refused at once, before anything slow is loaded
    except AlreadyRunning as exc:
        print(f"senscommun: {exc}", file=sys.stderr)
        return 2
    from bot.runtime import NotMigrated, Runtime

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        runtime = Runtime(
            cfg,
            role=role,  # type: ignore[arg-type]
            health_port=health_port,
            lock=lock,
            config_path=config_path or _env_config(),
        )
        async with runtime:
            # What start-up loaded (the classifier's tables, the application) lives as long
            # as the process: kept out of the collector's full passes, which otherwise walked
            # it all and paused the event loop for 70 to 110 ms several times a minute.
            gc.freeze()
            await stop.wait()
    except NotMigrated as exc:
        print(f"senscommun: {exc}", file=sys.stderr)
        return 2
    return 0


async def _db_upgrade(config_path: Path | None) -> int:
    from storage.db import create_engine
    from storage.migrate import current_revision, upgrade

    cfg = load_config(config_path)
    engine = create_engine(cfg.database.url, cfg.database.busy_timeout_ms)
    try:
        await upgrade(engine)
        print(f"database at revision {await current_revision(engine)}")
    finally:
        await engine.dispose()
    return 0


async def _export_feedback(config_path: Path | None, out: Path | None) -> int:
    """Corrections from residents who agreed, as training lines for `nlp train --with-feedback`."""
    import json

    from core.residents import feedback
    from storage.db import create_engine, create_sessionmaker

    cfg = load_config(config_path)
    engine = create_engine(cfg.database.url, cfg.database.busy_timeout_ms)
    try:
        async with create_sessionmaker(engine)() as s:
            lines = await feedback.export(s)
    finally:
        await engine.dispose()
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if out is None:
        sys.stdout.write(text)
    else:
        await asyncio.to_thread(out.write_text, text, encoding="utf-8")
        print(f"{len(lines)} corrections written to {out}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="senscommun", description="Sens Commun: co-produce public services"
    )
    p.add_argument("--config", type=Path, help="TOML config file (default: $SENSCOMMUN_CONFIG)")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="serve the bot (polling or webhook, per the config)")
    run.add_argument(
        "--role",
        choices=["all", "web", "worker"],
        default="all",
        help="web: only receive and store updates; worker: only process and deliver",
    )
    run.add_argument(
        "--health-port",
        type=int,
        help="worker role: serve /health and /ready on this port (0: any free port)",
    )
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    sub.add_parser("demo", help="play a scripted story against a fake Telegram, no token needed")
    sub.add_parser("check-config", help="validate the config and exit")
    fb = sub.add_parser("feedback", help="corrections that may teach the classifier")
    fb.add_argument("action", choices=["export"])
    fb.add_argument("--out", type=Path, help="JSONL file (default: standard output)")
    from bot.cli.campaigns import register as register_campaigns
    from bot.cli.doctor import register as register_doctor
    from bot.cli.ideas import register as register_ideas
    from bot.cli.integrations import register as register_integrations
    from bot.cli.outbox import register as register_outbox
    from bot.cli.residents import register as register_residents
    from bot.cli.results import add_results_command
    from bot.cli.secrets import register as register_secrets

    add_results_command(register_campaigns(sub))  # `survey results` beside create/list/send
    register_ideas(sub)
    register_outbox(sub)
    register_integrations(sub)
    register_doctor(sub)
    register_secrets(sub)
    register_residents(sub)
    try:
        from nlp.commands import register
    except ImportError:  # the NLP commands are optional while the pipeline is being built
        pass
    else:
        register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    # Opt in to PTB's next-major behaviour: durations (retry_after...) as timedelta.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = build_parser().parse_args(argv)
    _logging(args.verbose)
    config_path = args.config
    try:
        match args.command:
            case "run":
                return asyncio.run(_run(config_path, args.role, args.health_port))
            case "db":
                return asyncio.run(_db_upgrade(config_path))
            case "demo":
                logging.getLogger().setLevel(logging.WARNING)
                from bot.demo.story import main as demo

                demo()
                return 0
            case "feedback":
                return asyncio.run(_export_feedback(config_path, args.out))
            case "check-config":
                load_config(config_path)
                print("config OK")
                return 0
            case _:
                handler = getattr(args, "handler", None) or getattr(args, "func", None)
                if handler is None:
                    build_parser().print_help()
                    return 2
                return int(handler(args) or 0)
    except ConfigError as exc:
        print(f"senscommun: config error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
