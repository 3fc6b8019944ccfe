"""Internal notes and replies to the resident, never confused.

A *note* is for agents only: it is kept on the ticket and never leaves the agents' chat or the
dashboard. A *reply* reaches the resident, and only through an explicit act that says so
before sending: :func:`draft_reply` keeps the words as a draft and shows who will read them,
in which language; :func:`send_reply` sends that draft. In Telegram a plain reply to a card is
a note (see ``docs/architecture.md``, "Notes and replies"): a slip of the thumb cannot reach a
resident. Both doors call these functions; every one checks the agent's service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.actors import AgentRef, NotAllowed
from core.deps import Deps
from core.reports import relay
from core.reports.status import change_status, locked_for
from core.reports.submit import reporter
from core.telegram_format import escape
from storage import sql
from storage.enums import ActorKind, EventKind, OutboxPurpose, ReportStatus
from storage.models import ReportEvent, Resident


@dataclass(frozen=True)
class Noted:
    report_id: int


@dataclass(frozen=True)
class ReplyDraft:
    """Words waiting for "Send": who reads them, in which language, and a status to set."""

    report_id: int
    draft_id: int
    lang: str
    text: str
    status: ReportStatus | None = None


@dataclass(frozen=True)
class Sent:
    report_id: int
    changed: bool  # False: already sent (pressed twice)


def _event(by: AgentRef, report_id: int, kind: EventKind, text: str, now: datetime) -> ReportEvent:
    return ReportEvent(
        report_id=report_id,
        at=now,
        kind=kind,
        actor_kind=ActorKind.AGENT,
        actor_telegram_id=by.telegram_user_id,
        actor_name=by.name[:128],
        note=text,
    )


async def add_note(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int, text: str, now: datetime
) -> Noted:
    """A note on the ticket, for agents only (open or closed: a note changes nothing)."""
    await locked_for(s, deps, by, report_id)
    s.add(_event(by, report_id, EventKind.NOTE, text, now))
    return Noted(report_id)


async def draft_reply(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    report_id: int,
    text: str,
    now: datetime,
    status: ReportStatus | None = None,
) -> ReplyDraft:
    """Keep ``text`` as a reply not sent yet; the caller shows it with "Send" and "Cancel"."""
    row = await locked_for(s, deps, by, report_id)
    if status is not None and not row.status.is_open:
        raise NotAllowed("agent.closed")
    event = _event(by, report_id, EventKind.REPLY_DRAFT, text, now)
    event.new_status = status  # set with the reply when sent (a template's status)
    s.add(event)
    await s.flush()
    who = await reporter(s, report_id)
    return ReplyDraft(report_id, event.id, deps.texts.pick(who.language), text, status)


async def _draft(s: AsyncSession, report_id: int, draft_id: int) -> ReportEvent:
    event = await s.scalar(
        sql.locked(
            select(ReportEvent).where(
                ReportEvent.id == draft_id, ReportEvent.report_id == report_id
            )
        )
    )
    if event is None or event.kind not in (EventKind.REPLY_DRAFT, EventKind.REPLY):
        raise NotAllowed("agent.stale_button")  # cancelled, or never this report's
    return event


async def send_reply(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int, draft_id: int, now: datetime
) -> Sent:
    """The resident receives the draft (and the report takes its status, if it has one)."""
    row = await locked_for(s, deps, by, report_id)
    event = await _draft(s, report_id, draft_id)
    if event.kind is EventKind.REPLY:
        return Sent(report_id, changed=False)
    if event.new_status is not None and event.new_status != row.status:
        await change_status(s, deps, by, report_id, event.new_status, now)
    event.kind, event.at = EventKind.REPLY, now
    event.new_status = None  # the status change has its own line in the history
    event.actor_telegram_id, event.actor_name = by.telegram_user_id, by.name[:128]
    who = await reporter(s, report_id)
    _to_resident(s, deps, who, report_id, row.service_code, event.note or "", now)
    return Sent(report_id, changed=True)


async def drop_reply(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int, draft_id: int
) -> Sent:
    """The draft is not sent (already sent: too late, and said so)."""
    await locked_for(s, deps, by, report_id)
    event = await _draft(s, report_id, draft_id)
    if event.kind is EventKind.REPLY:
        raise NotAllowed("agent.already_sent")
    await s.delete(event)
    return Sent(report_id, changed=True)


def _to_resident(
    s: AsyncSession,
    deps: Deps,
    who: Resident,
    report_id: int,
    service: str,
    text: str,
    now: datetime,
) -> None:
    if not who.chat_id:
        return
    t = deps.texts.lang(who.language)
    name = escape(deps.catalogue.name(service, deps.texts.pick(who.language)))

    def notice(words: str) -> str:
        return t("notify.agent_message", ref=report_id, service=name, text=words)

    for piece in relay.in_pieces(notice, text):
        messages.enqueue(
            s,
            chat_id=who.chat_id,
            text=piece,
            purpose=OutboxPurpose.AGENT_MESSAGE,
            report_id=report_id,
            now=now,
        )
