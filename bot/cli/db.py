"""What the read-only reporting commands share: the configured catalogue, a check of the
``--service`` they were given, and a session on the configured database."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config.settings import Config
from core.catalogue import Catalogue


def known_service(catalogue: Catalogue, service: str | None) -> bool:
    """Whether ``--service`` names a configured service (or was not given); says why not."""
    if service is None or service in catalogue:
        return True
    known = ", ".join(catalogue.codes)
    print(f"senscommun: unknown service {service!r} (one of: {known})", file=sys.stderr)
    return False


@asynccontextmanager
async def session(cfg: Config) -> AsyncIterator[AsyncSession]:
    """One session on the configured database, its engine disposed of afterwards."""
    from storage.db import create_engine, create_sessionmaker

    engine = create_engine(cfg.database.url, cfg.database.busy_timeout_ms)
    try:
        async with create_sessionmaker(engine)() as s:
            yield s
    finally:
        await engine.dispose()
