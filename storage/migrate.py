"""Apply Alembic migrations from code (``senscommun db upgrade``, start-up on SQLite)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.filelock import migrating
from storage.sql import MIGRATION_LOCK

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    """The newest migration's revision: what an up-to-date database is at."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database at ``engine`` to ``revision``."""

    def _upgrade(conn: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

    async with migrating(engine.url.render_as_string(hide_password=False)), engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # Processes starting together wait for each other's file lock (``migrating``);
            # the write lock, taken first, also keeps out a command running meanwhile.
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # One migrator at a time on PostgreSQL too (released at commit).
            await conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        await conn.run_sync(_upgrade)


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def _current(conn: Connection) -> str | None:
        return MigrationContext.configure(conn).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(_current)
