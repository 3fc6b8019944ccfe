"""What the agent-facing use cases need besides the session: the catalogue, the texts, the
agents' language and the town's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.catalogue import Catalogue
from core.i18n import Texts


@dataclass(frozen=True)
class Desk:
    catalogue: Catalogue
    texts: Texts
    lang: str  # the language of agents chats
    tz: ZoneInfo

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)
