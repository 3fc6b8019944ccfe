"""What the agent-facing use cases need besides the session: the catalogue, the texts, the
agents' language and the town's time zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.catalogue import Catalogue
from core.i18n import Texts
from core.quiet import QuietHours


@dataclass(frozen=True)
class Desk:
    catalogue: Catalogue
    texts: Texts
    lang: str  # the language of agents chats
    tz: ZoneInfo
    #: How long after a resolution "is it fixed?" is asked (``questionnaire.delay_minutes``):
    #: a status change schedules it, so the status use cases need it.
    questionnaire_delay: timedelta = timedelta(minutes=1440)
    #: Pushes nobody asked for wait for the end of these (``surveys.quiet_hours``).
    quiet_hours: QuietHours | None = None
    #: Supports that put an idea on its service's agenda, and the services' own figures.
    idea_threshold: int = 25
    idea_thresholds: Mapping[str, int] = field(default_factory=dict)
    #: How often agents are reminded of an idea on their agenda still without an answer.
    idea_remind: timedelta = timedelta(days=3)

    def threshold(self, service: str) -> int:
        return self.idea_thresholds.get(service, self.idea_threshold)

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def not_before(self, now: datetime) -> datetime:
        """When a push the resident did not ask for may go out: now, or after quiet hours."""
        if self.quiet_hours is None:
            return now
        return self.quiet_hours.next_allowed(now, self.tz)
