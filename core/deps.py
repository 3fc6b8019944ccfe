"""The dependencies every use case, handler, route and job reaches (``Deps``), built once by
``bot/``, and the town's settings they read (``Settings``)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.catalogue import Catalogue
from core.conversation.ahead import Ahead
from core.conversation.faq import FaqEntry
from core.engagement.quiet import QuietHours
from core.engagement.subscriptions import Topic
from core.i18n import Texts
from core.telegram_format import TEXT_LIMIT
from nlp.types import Classifier

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Settings:
    default_language: str = "fr"
    confidence_threshold: float = 0.55
    media_dir: Path = Path("media")
    max_text_chars: int = TEXT_LIMIT
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
    outbox_keep_days: int = 30  # delivered messages lose their text after this many days
    #: Signs the report links residents share (``core.reports.metoo``): ``security.link_secret``
    #: or the key stored at first start (``bot.keys``). Until then a random key nobody knows:
    #: never a public value.
    link_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    #: Earlier link keys, still accepted (a link already shared keeps working).
    old_link_secrets: tuple[bytes, ...] = ()
    #: Reports published as open data (the Open311 API), with their masked text or without:
    #: /privacy says so.
    open_data: bool = False
    open_data_text: bool = False
    #: Telegram user ids of the town's administrators (``bot.administrators``): they block a
    #: resident and edit answer templates on the dashboard.
    administrators: frozenset[int] = frozenset()
    #: Per resident (``[limits]``; 0: none).
    reports_per_hour: int = 0
    messages_per_minute: int = 0
    #: Idea supports count only from residents who shared their phone (``ideas.require_phone``).
    idea_require_phone: bool = False
    #: Salts the hashes of those phone numbers.
    phone_salt: bytes = b"unset"
    #: The dashboard's login address (``{web.public_url}/dashboard/login``); "" when it is off.
    dashboard_login_url: str = ""
    #: A report is re-announced once this share of its response time has passed
    #: (``response_times.warn_at``); past it, escalated to ``escalation_chat_id`` (else the
    #: desk's chat).
    deadline_warn_at: float = 0.8
    escalation_chat_id: int | None = None

    @property
    def link_keys(self) -> tuple[bytes, ...]:
        """Every link key accepted, the newest (the one that signs) first."""
        return (self.link_secret, *self.old_link_secrets)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    @property
    def questionnaire_delay(self) -> timedelta:
        """How long after a resolution "is it fixed?" is asked: a status change schedules it."""
        return timedelta(minutes=self.questionnaire_delay_minutes)

    def threshold(self, service: str) -> int:
        """Supports that put an idea of ``service`` on its agenda."""
        return dict(self.idea_thresholds).get(service, self.idea_threshold)

    @property
    def idea_remind(self) -> timedelta:
        """How often agents are reminded of an idea on their agenda still without an answer."""
        return timedelta(days=self.idea_remind_days)

    def not_before(self, now: datetime) -> datetime:
        """When a push the resident did not ask for may go out: now, or after quiet hours."""
        if self.quiet_hours is None:
            return now
        return self.quiet_hours.next_allowed(now, self.tz)


@dataclass(frozen=True)
class EmergencyNumber:
    number: str
    labels: dict[str, str]  # per language


@dataclass
class Deps:
    """Built once at start and handed down; never a town service (see ``core.catalogue``)."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    nlp: Classifier
    texts: Texts
    catalogue: Catalogue
    settings: Settings
    clock: Clock = utcnow
    faq: tuple[FaqEntry, ...] = ()
    topics: tuple[Topic, ...] = ()
    #: Shown first when someone may be in danger (``[[emergency]]``, else ``bot.country``'s).
    emergency: tuple[EmergencyNumber, ...] = ()
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

    def emergency_numbers(self, lang: str) -> str:
        """The emergency numbers as a resident reads them: "112 (emergency), 15 (ambulance)"."""
        return ", ".join(
            f"{n.number} ({n.labels.get(lang) or next(iter(n.labels.values()))})"
            for n in self.emergency
        )

    @property
    def lang(self) -> str:
        """The language of agents' chats and pages: the town's default."""
        return self.settings.default_language
