"""What the agents' dashboard shows: the tickets of an agent's services, one ticket with its
history and conversation, and the export. Agents see what their Telegram card shows: the
masked text, the place, the reporter's first name; the resident's words masked."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.agents.access import Agent
from core.agents.photos import kept_photos
from core.agents.ticket_filter import TicketFilter, conditions
from core.deps import Deps
from core.reports import assignment, priority, status, templates
from core.reports import submit as reports
from core.reports.duplicates import co_reporter_ids
from core.views import ReportView, view
from nlp.redact import redact
from storage.enums import (
    OPEN_STATUSES,
    ActorKind,
    EventKind,
    QuestionnaireAnswer,
    QuestionnaireKind,
    QuestionnaireState,
    ReportStatus,
)
from storage.models import Questionnaire, Report, ReportEvent, Resident

#: Tickets per page of the list (it pages through them all).
PAGE_SIZE = 50
#: The most open tickets the map shows at once (the most pressing first); the list has them all.
MAP_LIMIT = 2_000


@dataclass(frozen=True)
class Listed:
    report: ReportView
    co_reporters: int


@dataclass(frozen=True)
class Pin:
    """An open ticket on the map."""

    id: int
    lat: float
    lon: float
    urgent: bool
    status: ReportStatus


@dataclass(frozen=True)
class TicketList:
    tickets: list[Listed]  # this page's, most pressing first (as /queue)
    total: int  # every ticket the filter matches
    page: int  # from 1
    pages: int  # at least 1
    counts: dict[ReportStatus, int]  # per status, over the agent's services (or the one picked)
    pins: list[Pin]  # the open tickets among those the filter matches, with a place


async def assignees(s: AsyncSession, agent: Agent) -> list[tuple[int, str]]:
    """The agents who have open tickets of ``agent``'s services (the list's "who has it"
    filter), by name."""
    rows = await s.execute(
        select(Report.assignee_telegram_id, func.max(Report.assignee_name))
        .where(
            Report.service_code.in_(list(agent.services)),
            Report.status.in_(sorted(OPEN_STATUSES)),
            Report.assignee_telegram_id.is_not(None),
        )
        .group_by(Report.assignee_telegram_id)
    )
    found = [(int(uid), name or str(uid)) for uid, name in rows.all() if uid is not None]
    return sorted(found, key=lambda a: a[1].lower())


async def tickets(
    s: AsyncSession, agent: Agent, f: TicketFilter | None = None, page: int = 1
) -> TicketList:
    """One page of the tickets ``f`` matches among the agent's services, most pressing first,
    and how many there are; a page past the last shows the last."""
    f = f or TicketFilter()
    codes = f.services(agent)
    where = conditions(f, codes)
    total = int(await s.scalar(select(func.count()).select_from(Report).where(*where)) or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = (
        await s.execute(
            select(Report, priority.co_reporter_count())
            .where(*where)
            .order_by(*priority.order())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    ).all()
    counted = (
        await s.execute(
            select(Report.status, func.count())
            .where(Report.service_code.in_(codes))
            .group_by(Report.status)
        )
    ).all()
    on_map = conditions(replace(f, statuses=f.statuses & OPEN_STATUSES), codes)
    placed = (
        await s.execute(
            select(Report.id, Report.lat, Report.lon, Report.urgent, Report.status)
            .where(*on_map, Report.lat.is_not(None), Report.lon.is_not(None))
            .order_by(*priority.order())
            .limit(MAP_LIMIT)
        )
    ).all()
    return TicketList(
        [Listed(view(r), int(n or 0)) for r, n in rows],
        total,
        page,
        pages,
        {st: int(n) for st, n in counted},
        [
            Pin(i, la, lo, bool(u), ReportStatus(st))
            for i, la, lo, u, st in placed
            if la is not None and lo is not None
        ],
    )


@dataclass(frozen=True)
class Step:
    """A status or service change; or an assignment (``kind``, ``note``: who has it now), a
    reopening (``note``: its reason), a response-time step, an "after" photo."""

    at: datetime
    by: str  # the agent's name; "" for the resident or the system
    by_agent: bool
    old_status: ReportStatus | None
    new_status: ReportStatus | None
    old_service: str | None
    new_service: str | None
    kind: EventKind = EventKind.STATUS
    note: str | None = None


@dataclass(frozen=True)
class Said:
    """Words about the ticket: an agent's note (agents only), an agent's reply (sent to the
    resident), a reply drafted and not sent yet, or a resident's message (masked)."""

    at: datetime
    by: str
    by_agent: bool
    text: str
    kind: EventKind = EventKind.REPLY
    id: int = 0


#: The history's words, by kind; the rest are steps (status, service, assignment...).
WORDS = frozenset({EventKind.NOTE, EventKind.REPLY, EventKind.REPLY_DRAFT, EventKind.MESSAGE})
#: Steps without a status change, shown in the history too.
STEPS = frozenset({EventKind.ASSIGN, EventKind.DEADLINE, EventKind.PHOTO})


@dataclass(frozen=True)
class Answered:
    """A questionnaire about the ticket: "is it fixed?" or "still a problem?", and its answer."""

    kind: QuestionnaireKind
    state: QuestionnaireState
    sent_at: datetime | None
    answered_at: datetime | None
    answer: QuestionnaireAnswer | None
    rating: int | None
    comment: str  # masked; "" when none


@dataclass(frozen=True)
class Ticket:
    report: ReportView
    reporter: str  # their first name, as on the card
    co_reporters: int
    history: list[Step]
    conversation: list[Said]
    originals: list[ReportView]  # candidates for "duplicate of"
    photos: list[int]  # ids of the photos kept (``core.agents.photos`` serves them)
    questionnaires: list[Answered]  # those sent, oldest first


async def ticket(s: AsyncSession, deps: Deps, agent: Agent, report_id: int) -> Ticket:
    """One ticket, if the agent may act on it (else :class:`core.actors.NotAllowed`)."""
    rv = await status.authorise(s, deps, agent.ref, report_id)
    rows = (
        await s.execute(
            select(ReportEvent, Resident.first_name, Resident.language)
            .outerjoin(
                Resident,
                and_(
                    ReportEvent.actor_kind == ActorKind.RESIDENT,
                    Resident.telegram_user_id == ReportEvent.actor_telegram_id,
                ),
            )
            .where(ReportEvent.report_id == report_id)
            .order_by(ReportEvent.id)
        )
    ).all()
    history: list[Step] = []
    said: list[Said] = []
    for e, first_name, lang in rows:
        by_agent = e.actor_kind is ActorKind.AGENT
        if e.kind in WORDS and e.note:
            words = e.note if by_agent else redact(e.note, lang or rv.lang)
            name = e.actor_name if by_agent else (first_name or "?")
            said.append(Said(e.at, name, by_agent, words, e.kind, e.id))
        elif e.new_status is not None or e.kind in STEPS:
            history.append(
                Step(
                    e.at,
                    e.actor_name if by_agent else "",
                    by_agent,
                    e.old_status,
                    e.new_status,
                    e.old_service,
                    e.new_service,
                    e.kind,
                    e.note if e.kind is not EventKind.DEADLINE else None,
                )
            )
    who = await reports.reporter(s, report_id)
    originals = await reports.open_in_service(s, rv.service, rv.id, limit=20)
    return Ticket(
        rv,
        who.first_name or "?",
        len(await co_reporter_ids(s, report_id)),
        history,
        said,
        originals,
        await kept_photos(s, deps, report_id),
        await _questionnaires(s, report_id, rv.lang),
    )


async def _questionnaires(s: AsyncSession, report_id: int, lang: str) -> list[Answered]:
    rows = await s.scalars(
        select(Questionnaire)
        .where(
            Questionnaire.report_id == report_id,
            Questionnaire.state.in_([QuestionnaireState.SENT, QuestionnaireState.ANSWERED]),
        )
        .order_by(Questionnaire.id)
    )
    return [
        Answered(
            q.kind,
            q.state,
            q.sent_at,
            q.answered_at,
            q.answer,
            q.rating,
            redact(q.comment, lang) if q.comment else "",
        )
        for q in rows
    ]


@dataclass(frozen=True)
class Workbench:
    """What the ticket page offers to work the ticket: colleagues to hand it to, templates."""

    colleagues: list[tuple[int, str]]
    templates: list[templates.Offered]


async def workbench(s: AsyncSession, deps: Deps, rv: ReportView) -> Workbench:
    """For a ticket already shown to the agent (:func:`ticket` authorised it)."""
    people: list[tuple[int, str]] = []
    if rv.status.is_open:
        ids = sorted(u for u in deps.catalogue.get(rv.service).agents if u != rv.assignee_id)
        names = await assignment.agent_names(s, ids)
        people = [(u, names.get(u, f"#{u}")) for u in ids]
    return Workbench(people, await templates.offered(s, rv.service))


@dataclass(frozen=True)
class ExportRow:
    report: ReportView
    updated_at: datetime
    co_reporters: int
    address: str | None  # masked


async def export(s: AsyncSession, deps: Deps, agent: Agent) -> list[ExportRow]:
    """Every ticket of the agent's services, oldest first, masked and without the resident."""
    rows = (
        await s.execute(
            select(Report, priority.co_reporter_count())
            .where(Report.service_code.in_(agent.services))
            .order_by(Report.id)
        )
    ).all()
    return [
        ExportRow(
            view(r), r.updated_at, int(n or 0), redact(r.address, deps.lang) if r.address else None
        )
        for r, n in rows
    ]
