"""The services every use case, handler, route and job reaches: built once by ``bot/``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.catalogue import Catalogue
from core.desk import Desk
from core.i18n import Texts
from nlp.types import Classifier

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Settings:
    default_language: str = "fr"
    confidence_threshold: float = 0.55
    media_dir: Path = Path("media")
    max_text_chars: int = 4_000
    timezone: str = "Europe/Paris"


@dataclass
class Services:
    sessions: async_sessionmaker[AsyncSession]
    nlp: Classifier
    texts: Texts
    catalogue: Catalogue
    settings: Settings
    clock: Clock = utcnow

    @property
    def desk(self) -> Desk:
        s = self.settings
        return Desk(self.catalogue, self.texts, s.default_language, ZoneInfo(s.timezone))
