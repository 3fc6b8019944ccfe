from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from storage.db import create_engine
from storage.migrate import current_revision, upgrade
from storage.models import Base


async def test_migrations_create_exactly_the_models(db_url: str) -> None:
    engine = create_engine(db_url)
    await upgrade(engine)
    assert await current_revision(engine) == "0012"

    def diff(conn: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {
        "residents",
        "services",
        "agents",
        "reports",
        "report_events",
        "photos",
        "drafts",
        "inbox",
        "outbox",
    } <= tables
    await upgrade(engine)  # idempotent
    await engine.dispose()


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_url: str) -> None:
    from sqlalchemy import text

    engine = create_engine(sqlite_url, busy_timeout_ms=4321)
    async with engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 4321
    await engine.dispose()


async def test_processes_starting_together_migrate_once(db_url: str) -> None:
    import asyncio

    engines = [create_engine(db_url) for _ in range(3)]
    await asyncio.gather(*(upgrade(e) for e in engines))
    assert await current_revision(engines[0]) == "0012"
    for e in engines:
        await e.dispose()


async def test_db_upgrade_command(db_url: str, tmp_path: Path) -> None:
    import asyncio

    from bot.cli.main import main

    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    assert await asyncio.to_thread(main, ["--config", str(cfg), "db", "upgrade"]) == 0
    engine = create_engine(db_url)
    assert await current_revision(engine) == "0012"
    await engine.dispose()
