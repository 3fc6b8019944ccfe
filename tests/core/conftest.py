from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.factory import create_deps
from core.catalogue import sync_catalogue
from core.deps import Deps
from nlp.types import Classification, Intent
from storage.migrate import upgrade
from storage.models import Resident
from tests.conftest import Clock, make_config


class FixedClassifier:
    """A classifier that answers what the test says, to exercise the conversation's rules."""

    def __init__(self) -> None:
        self.answer = Classification("water", 0.9, (("roads", 0.05),), Intent.REPORT, "fr")

    def classify(self, text: str, lang: str | None = None) -> Classification:
        return self.answer

    def similarity(self, a: str, b: str) -> float:
        return 1.0 if a == b else 0.0


@pytest.fixture
async def svc(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Deps]:
    services = create_deps(make_config(db_url, tmp_path), clock)
    services.nlp = FixedClassifier()
    await upgrade(services.engine)
    async with services.sessions() as s:
        await sync_catalogue(s, services.catalogue)
        await s.commit()
    yield services
    await services.engine.dispose()


async def add_residents(
    svc: Deps,
    n: int,
    base: int,
    langs: tuple[str, str] = ("fr", "en"),
    **fields: object,
) -> list[int]:
    """``n`` residents with Telegram ids and chats ``base``, ``base + 1``..., named R0, R1...,
    speaking ``langs`` in turn; returns their ids."""
    ids = []
    async with svc.sessions() as s:
        for i in range(n):
            r = Resident(
                telegram_user_id=base + i,
                chat_id=base + i,
                first_name=f"R{i}",
                language=langs[i % 2],
                created_at=svc.clock(),
                last_seen_at=svc.clock(),
                **fields,
            )
            s.add(r)
            await s.flush()
            ids.append(r.id)
        await s.commit()
    return ids
