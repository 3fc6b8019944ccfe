"""Which tickets the dashboard's list shows: one typed filter, turned into SQL in one place.

The list, its map and any later view (``/mine``, an overdue queue) read the same
:class:`TicketFilter`, so that a filter means the same thing everywhere. To add one (the
assignee, "overdue"), add a field here and its condition in :func:`conditions`; the web form
only parses into this dataclass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_

from core.actors import NotAllowed
from core.agents.access import Agent
from core.reports.due import overdue_clause
from storage.enums import OPEN_STATUSES, ReportStatus
from storage.models import Report

#: The longest search the list accepts (a reference, some words, a street).
MAX_SEARCH = 100
#: The largest reference a search reads as one (the ids are int4).
MAX_REFERENCE = 999_999_999


@dataclass(frozen=True)
class TicketFilter:
    """What an agent asked to see. Empty fields filter nothing."""

    statuses: frozenset[ReportStatus] = OPEN_STATUSES
    service: str | None = None  # one of the agent's services; None: all of them
    #: A reference ("123" or "#123"), or words of the masked text or of the address.
    search: str = ""
    urgent: bool | None = None  # True: urgent only; False: not urgent only
    #: True: only those the learnt danger score alone flagged; False: only those it did not.
    may_be_urgent: bool | None = None
    received_from: datetime | None = None  # included (UTC)
    received_before: datetime | None = None  # excluded (UTC)
    assignee: int | None = None  # the Telegram id of the agent who has them ("mine")
    unassigned: bool = False  # only those nobody has
    overdue: bool = False  # only those past their response time

    def services(self, agent: Agent) -> list[str]:
        """The services shown: the agent's, or the one picked among them (another is
        refused: :class:`NotAllowed`)."""
        if self.service is None:
            return list(agent.services)
        if self.service not in agent.services:
            raise NotAllowed("agent.not_allowed")
        return [self.service]


def reference(search: str) -> int | None:
    """The report id a search names, if it is one ("123", "#123")."""
    word = search.strip().lstrip("#")
    if word.isascii() and word.isdigit() and 0 < int(word) <= MAX_REFERENCE:
        return int(word)
    return None


def conditions(f: TicketFilter, codes: Sequence[str]) -> list[ColumnElement[bool]]:
    """The ``WHERE`` of the tickets ``f`` shows among the services ``codes`` (already
    authorised). Text is searched in the masked text agents see, never the resident's own."""
    where: list[ColumnElement[bool]] = [
        Report.service_code.in_(list(codes)),
        Report.status.in_(sorted(f.statuses)),
    ]
    words = f.search.strip()[:MAX_SEARCH]
    if words:
        ref = reference(words)
        matches = [
            Report.redacted_text.icontains(words, autoescape=True),
            Report.address.icontains(words, autoescape=True),
        ]
        if ref is not None:
            matches.append(Report.id == ref)
        where.append(or_(*matches))
    if f.urgent is not None:
        where.append(Report.urgent.is_(f.urgent))
    if f.may_be_urgent is not None:
        flagged = Report.danger.is_not(None) & Report.urgent.is_(False)
        where.append(flagged if f.may_be_urgent else ~flagged)
    if f.received_from is not None:
        where.append(Report.created_at >= f.received_from)
    if f.received_before is not None:
        where.append(Report.created_at < f.received_before)
    if f.assignee is not None:
        where.append(Report.assignee_telegram_id == f.assignee)
    if f.unassigned:
        where.append(Report.assignee_telegram_id.is_(None))
    if f.overdue:
        where.append(overdue_clause())
    return where
