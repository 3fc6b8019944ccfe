"""What agents do to a report: change its status, pass it to another service, mark duplicates.

Every action is authorised here, whatever button or route led to it: only agents of the
report's current service may act on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.actors import AgentRef, NotAllowed
from core.callbacks import AgentVerb
from core.deps import Deps
from core.engagement import questionnaire
from core.integrations import forwarding
from core.reports.cards import card_buttons, card_text
from core.reports.duplicates import co_reporter_ids
from core.reports.submit import enqueue_card, first_photo, load, reporter
from core.residents import feedback
from core.telegram_format import escape
from core.views import ReportView, view
from storage.enums import (
    ActorKind,
    CorrectionSource,
    EventKind,
    OutboxKind,
    OutboxPurpose,
    PhotoKind,
    ReportStatus,
)
from storage.models import Photo, Report, ReportEvent, Resident

#: The status each agent's verb sets (the card's buttons, the dashboard's forms).
VERB_STATUS = {
    AgentVerb.ACK: ReportStatus.ACKNOWLEDGED,
    AgentVerb.PROGRESS: ReportStatus.IN_PROGRESS,
    AgentVerb.RESOLVE: ReportStatus.RESOLVED,
    AgentVerb.REJECT: ReportStatus.REJECTED,
}


@dataclass(frozen=True)
class StatusChanged:
    report: ReportView
    old_status: ReportStatus
    changed: bool


async def locked_for(s: AsyncSession, deps: Deps, by: AgentRef, report_id: int) -> Report:
    """The report, locked, if ``by`` is an agent of its service (every agent's use case)."""
    row = await load(s, report_id, for_update=True)
    if row is None:
        raise NotAllowed("agent.unknown_report")
    if not deps.catalogue.is_agent(by.telegram_user_id, row.service_code):
        raise NotAllowed("agent.not_allowed")
    return row


def still_open(row: Report) -> None:
    """The policy of every door (``core.reports.agent_actions``): a closed report accepts no
    change. Checked after "already so", so that a double tap is told "unchanged"."""
    if not row.status.is_open:
        raise NotAllowed("agent.closed")


async def authorise(s: AsyncSession, deps: Deps, by: AgentRef, report_id: int) -> ReportView:
    """Check ``by`` is an agent of the report's service, to show it or a picker (which change
    nothing yet)."""
    row = await locked_for(s, deps, by, report_id)
    return view(row, await first_photo(s, report_id))


async def record(
    s: AsyncSession,
    deps: Deps,
    row: Report,
    by: AgentRef,
    now: datetime,
    *,
    old_status: ReportStatus,
    old_service: str,
    card_chat: int | None,
    resident_key: str,
    note: str | None = None,
    kind: EventKind = EventKind.STATUS,
    actor: ActorKind = ActorKind.AGENT,
) -> ReportView:
    """History entry, the card edited in place, and the resident told (all via the outbox)."""
    row.updated_at = now
    s.add(
        ReportEvent(
            report_id=row.id,
            at=now,
            actor_kind=actor,
            actor_telegram_id=by.telegram_user_id or None,
            actor_name=by.name[:128],
            old_status=old_status,
            new_status=row.status,
            old_service=old_service,
            new_service=row.service_code,
            note=note,
            kind=kind,
        )
    )
    rv = view(row, await first_photo(s, row.id))
    after = await after_photo(s, row.id) if row.status is ReportStatus.RESOLVED else None
    if card_chat is not None:
        await refresh_card(
            s, deps, rv, card_chat, now, set_by=by.name, buttons=row.service_code == old_service
        )
    for who in await followers(s, row.id):
        if not who.chat_id:
            continue
        messages.enqueue(
            s,
            chat_id=who.chat_id,
            text=follower_notice(deps, who.language, resident_key, row, reason=note or ""),
            photo=after,
            purpose=OutboxPurpose.STATUS,
            report_id=row.id,
            now=now,
        )
    if row.status != old_status:  # after the notices: "resolved" comes before "is it fixed?"
        await questionnaire.on_status_change(s, deps, row, old_status, now)
    return rv


async def after_photo(s: AsyncSession, report_id: int) -> str | None:
    """The latest "after" photo an agent attached: it goes with the resolved notice."""
    return await s.scalar(
        select(Photo.file_id)
        .where(Photo.report_id == report_id, Photo.kind == PhotoKind.AFTER)
        .order_by(Photo.id.desc())
        .limit(1)
    )


def follower_notice(deps: Deps, lang: str, key: str, row: Report, reason: str = "") -> str:
    """What a follower (reporter or co-reporter) is told of a change to the report; when it is
    resolved, they are thanked for their part."""
    t = deps.texts.lang(lang)
    text = t(
        key,
        ref=row.id,
        status=t(f"status.{row.status.value}"),
        service=deps.catalogue.name(row.service_code, lang),
        original=row.duplicate_of or "",
        reason=escape(reason),
    )
    if key == "notify.status" and row.status is ReportStatus.RESOLVED:
        text = f"{text}\n\n{t('notify.thanks')}"
    return text


async def followers(s: AsyncSession, report_id: int) -> list[Resident]:
    """Who hears of a report's progress: its reporter, then its co-reporters."""
    first = await reporter(s, report_id)
    others = await co_reporter_ids(s, report_id)
    rows = (
        (await s.scalars(select(Resident).where(Resident.id.in_(others)))).all() if others else []
    )
    by_id = {r.id: r for r in rows}
    return [first, *(by_id[i] for i in others if i in by_id)]


async def refresh_card(
    s: AsyncSession,
    deps: Deps,
    rv: ReportView,
    chat_id: int,
    now: datetime,
    set_by: str | None = None,
    buttons: bool = True,
    photo_card: bool = False,
) -> None:
    """Edit the report's card in ``chat_id`` to show it as it is now (through the outbox).
    ``photo_card``: the card was sent with a photo since removed (an erasure): its caption is
    edited."""
    if set_by is None:
        set_by = await s.scalar(
            select(ReportEvent.actor_name)
            .where(ReportEvent.report_id == rv.id, ReportEvent.actor_kind == ActorKind.AGENT)
            .order_by(ReportEvent.id.desc())
            .limit(1)
        )
    who = await reporter(s, rv.id)
    text = card_text(
        rv,
        who.first_name,
        deps,
        set_by=set_by or None,
        co_reporters=len(await co_reporter_ids(s, rv.id)),
        photo_card=photo_card,
    )
    messages.enqueue(
        s,
        chat_id=chat_id,
        kind=OutboxKind.EDIT_CARD,
        text=text,
        buttons=card_buttons(rv, deps.texts, deps.lang) if buttons else [],
        photo=rv.photo_file_id,
        purpose=OutboxPurpose.CARD,
        report_id=rv.id,
        pin=False if rv.urgent and not (buttons and rv.status.is_open) else None,
        now=now,
        caption_only=photo_card and not rv.photo_file_id,
    )


async def change_status(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    report_id: int,
    to: ReportStatus,
    now: datetime,
) -> StatusChanged:
    row = await locked_for(s, deps, by, report_id)
    old = row.status
    if old == to:
        return StatusChanged(view(row, await first_photo(s, row.id)), old, changed=False)
    still_open(row)
    row.status = to
    chat = deps.catalogue.card_chat(row.service_code)
    rv = await record(
        s,
        deps,
        row,
        by,
        now,
        old_status=old,
        old_service=row.service_code,
        card_chat=chat,
        resident_key="notify.status",
    )
    return StatusChanged(rv, old, changed=True)


async def external_change(
    s: AsyncSession, deps: Deps, report_id: int, to: ReportStatus, source: str, now: datetime
) -> bool:
    """A status pulled back from the service's external system (``source``: its name): the
    history, the card and the residents exactly as an agent's change, the open report only.
    Returns whether it changed anything (pulled twice, it changes nothing)."""
    row = await load(s, report_id, for_update=True)
    if row is None or row.status == to or not row.status.is_open:
        return False
    old, row.status = row.status, to
    await record(
        s,
        deps,
        row,
        AgentRef(0, source),
        now,
        old_status=old,
        old_service=row.service_code,
        card_chat=deps.catalogue.card_chat(row.service_code),
        resident_key="notify.status",
        actor=ActorKind.EXTERNAL,
    )
    return True


async def move_to_service(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    report_id: int,
    to_service: str,
    now: datetime,
) -> StatusChanged:
    """ "Not ours": the report goes to ``to_service``, whose agents chat gets a new card."""
    if to_service not in deps.catalogue:
        raise NotAllowed("agent.unknown_service")
    row = await locked_for(s, deps, by, report_id)
    old_status, old_service = row.status, row.service_code
    if old_service == to_service:
        return StatusChanged(view(row, await first_photo(s, row.id)), old_status, changed=False)
    still_open(row)
    old_chat = deps.catalogue.card_chat(old_service)
    row.service_code, row.status = to_service, ReportStatus.NOT_OURS
    rv = await record(
        s,
        deps,
        row,
        by,
        now,
        old_status=old_status,
        old_service=old_service,
        card_chat=old_chat,
        resident_key="notify.moved",
        kind=EventKind.SERVICE,
    )
    who = await reporter(s, row.id)
    enqueue_card(s, deps, rv, who.first_name, now)
    forwarding.enqueue(s, deps, row.id, to_service, now)  # new to that service's systems too
    recorded = await feedback.record(s, row.id, to_service, CorrectionSource.AGENT, now)
    if recorded.ask_consent and who.chat_id:
        text, buttons = feedback.consent_question(deps.texts, who.language)
        messages.enqueue(
            s,
            chat_id=who.chat_id,
            text=text,
            buttons=buttons,
            purpose=OutboxPurpose.NOTICE,
            report_id=row.id,
            now=now,
        )
    return StatusChanged(rv, old_status, changed=True)


async def mark_duplicate(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    report_id: int,
    original_id: int,
    now: datetime,
) -> StatusChanged:
    if original_id == report_id:
        raise NotAllowed("agent.duplicate_of_itself")
    row = await locked_for(s, deps, by, report_id)
    original = await load(s, original_id)
    if original is None:
        raise NotAllowed("agent.unknown_report")
    if original.service_code != row.service_code:  # the picker offers the service's own only
        raise NotAllowed("agent.stale_button")
    old = row.status
    if old is ReportStatus.DUPLICATE and row.duplicate_of == original_id:  # pressed twice
        return StatusChanged(view(row, await first_photo(s, row.id)), old, changed=False)
    still_open(row)
    row.status, row.duplicate_of = ReportStatus.DUPLICATE, original_id
    chat = deps.catalogue.card_chat(row.service_code)
    rv = await record(
        s,
        deps,
        row,
        by,
        now,
        old_status=old,
        old_service=row.service_code,
        card_chat=chat,
        resident_key="notify.duplicate",
        note=f"duplicate of #{original_id}",
    )
    return StatusChanged(rv, old, changed=True)
