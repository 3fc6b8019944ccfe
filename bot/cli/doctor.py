"""``senscommun doctor``: what an operator checks before and after a start, one line each.

- the configuration is valid (the same rules as a start);
- the database answers and is at the newest migration;
- the config file, the SQLite database and the media folder are not open to others;
- the keys: the webhook's secret (webhook mode) and the report links' key, configured or stored.

Exit code 0 when every check passed, 1 otherwise (a script can act on it)."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.config.settings import Config, ConfigError, load_config

#: How long the database may take to answer.
DB_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str

    def __str__(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.what}"


async def _database(cfg: Config) -> list[Finding]:
    from sqlalchemy.exc import SQLAlchemyError

    from storage import secrets
    from storage.db import create_engine, create_sessionmaker
    from storage.migrate import current_revision, head_revision

    engine = create_engine(cfg.database.url, cfg.database.busy_timeout_ms)
    found: list[Finding] = []
    try:
        current = await asyncio.wait_for(current_revision(engine), DB_TIMEOUT_S)
        head = head_revision()
        if current != head:
            at = current or "empty"
            found.append(Finding(False, f"database: at {at}, not {head} (senscommun db upgrade)"))
            return found
        found.append(Finding(True, f"database: reachable, at the newest migration ({head})"))
        async with create_sessionmaker(engine)() as s:
            link = await secrets.values(s, secrets.LINK)
            hook = await secrets.values(s, secrets.WEBHOOK)
    except (OSError, TimeoutError, SQLAlchemyError) as exc:
        found.append(Finding(False, f"database: cannot be reached ({type(exc).__name__})"))
        return found
    finally:
        await engine.dispose()
    found.append(_keys(cfg, bool(link), bool(hook)))
    return found


def _keys(cfg: Config, link_stored: bool, hook_stored: bool) -> Finding:
    problems = []
    if cfg.telegram.mode == "webhook" and not (cfg.webhook.secret_token or hook_stored):
        problems.append("no webhook secret yet (made at the first start)")
    if not (cfg.security.link_secret or link_stored):
        problems.append("no report-link key yet (made at the first start)")
    if problems:
        return Finding(False, "keys: " + "; ".join(problems))
    hook = "configured" if cfg.webhook.secret_token else "stored"
    where = f"webhook secret {hook}, " if cfg.telegram.mode == "webhook" else ""
    link = "configured" if cfg.security.link_secret else "stored"
    return Finding(True, f"keys: {where}report-link key {link}")


async def diagnose(config_path: Path | None) -> list[Finding]:
    from bot.permissions import exposed

    try:
        cfg = load_config(config_path)
    except ConfigError as exc:
        return [Finding(False, f"config: {exc}")]
    found = [Finding(True, "config: valid")]
    found += await _database(cfg)
    bad = exposed(cfg, config_path)
    found += [Finding(False, f"permissions: {e}") for e in bad]
    if not bad:
        found.append(Finding(True, "permissions: config, database and media kept to their owner"))
    return found


def _doctor(args: argparse.Namespace) -> int:
    import os

    env = os.environ.get("SENSCOMMUN_CONFIG")
    path = args.config or (Path(env) if env else None)
    found = asyncio.run(diagnose(path))
    for f in found:
        print(f)
    return 0 if all(f.ok for f in found) else 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    d = sub.add_parser("doctor", help="check the config, the database, permissions and keys")
    d.set_defaults(handler=_doctor)
