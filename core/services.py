"""The services every use case, handler, route and job reaches: built once by ``bot/``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ahead import Ahead
from core.catalogue import Catalogue
from core.desk import Desk
from core.faq import FaqEntry
from core.i18n import Texts
from core.quiet import QuietHours
from core.subscriptions import Topic
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
    #: Minutes after a resolution before "is it fixed?" is asked.
    questionnaire_delay_minutes: int = 1440
    still_open_days: int = 28
    quiet_hours: QuietHours | None = None
    survey_min_days_between: int = 7
    min_answers: int = 5
    idea_threshold: int = 25
    idea_thresholds: tuple[tuple[str, int], ...] = ()
    idea_remind_days: int = 3
    #: Days a processed update stays in the inbox (``inbox.keep_days``).
    inbox_keep_days: int = 7
    #: Signs the report links residents share (``core.metoo``); derived from the bot's token.
    link_secret: bytes = b"unset"
    #: Reports published as open data (the Open311 API), with their masked text or without:
    #: /privacy says so.
    open_data: bool = False
    open_data_text: bool = False
    #: The dashboard's login address (``{web.public_url}/dashboard/login``); "" when it is off.
    dashboard_login_url: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def not_before(self, now: datetime) -> datetime:
        """When a push the resident did not ask for may go out: now, or after quiet hours."""
        if self.quiet_hours is None:
            return now
        return self.quiet_hours.next_allowed(now, self.tz)


@dataclass
class Services:
    sessions: async_sessionmaker[AsyncSession]
    nlp: Classifier
    texts: Texts
    catalogue: Catalogue
    settings: Settings
    clock: Clock = utcnow
    faq: tuple[FaqEntry, ...] = ()
    topics: tuple[Topic, ...] = ()
    #: Held while writing. On SQLite an asyncio.Lock: writers of this process queue here and
    #: wake at once, instead of sleeping in SQLite's busy handler. A no-op on PostgreSQL.
    write_gate: AbstractAsyncContextManager[Any] = field(default_factory=nullcontext)
    ahead: Ahead = field(default_factory=Ahead)

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A session for a unit that writes (the caller commits)."""
        async with self.write_gate, self.sessions() as s:
            yield s

    def topic(self, code: str) -> Topic | None:
        return next((t for t in self.topics if t.code == code), None)

    @property
    def desk(self) -> Desk:
        s = self.settings
        return Desk(
            self.catalogue,
            self.texts,
            s.default_language,
            ZoneInfo(s.timezone),
            questionnaire_delay=timedelta(minutes=s.questionnaire_delay_minutes),
            quiet_hours=s.quiet_hours,
            idea_threshold=s.idea_threshold,
            idea_thresholds=dict(s.idea_thresholds),
            idea_remind=timedelta(days=s.idea_remind_days),
        )
