"""What agents do to a report: change its status, pass it to another service, mark duplicates.

Every action is authorised here, whatever button or route led to it: only agents of the
report's current service may act on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox
from core.cards import card_buttons, card_text
from core.desk import Desk
from core.reports import enqueue_card, first_photo, load, reporter
from core.views import ReportView, view
from storage.enums import ActorKind, OutboxKind, OutboxPurpose, ReportStatus
from storage.models import Report, ReportEvent


@dataclass(frozen=True)
class AgentRef:
    telegram_user_id: int
    name: str


class NotAllowed(Exception):
    """The actor may not do this; ``key`` names the catalogue text that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class StatusChanged:
    report: ReportView
    old_status: ReportStatus
    changed: bool


async def _authorised(s: AsyncSession, desk: Desk, by: AgentRef, report_id: int) -> Report:
    row = await load(s, report_id, for_update=True)
    if row is None:
        raise NotAllowed("agent.unknown_report")
    if not desk.catalogue.is_agent(by.telegram_user_id, row.service_code):
        raise NotAllowed("agent.not_allowed")
    return row


async def authorise(s: AsyncSession, desk: Desk, by: AgentRef, report_id: int) -> ReportView:
    """Check ``by`` may act on the report (for pickers that change nothing yet)."""
    row = await _authorised(s, desk, by, report_id)
    return view(row, await first_photo(s, report_id))


async def _record(
    s: AsyncSession,
    desk: Desk,
    row: Report,
    by: AgentRef,
    now: datetime,
    *,
    old_status: ReportStatus,
    old_service: str,
    card_chat: int | None,
    resident_key: str,
    note: str | None = None,
) -> ReportView:
    """History entry, the card edited in place, and the resident told (all via the outbox)."""
    row.updated_at = now
    s.add(
        ReportEvent(
            report_id=row.id,
            at=now,
            actor_kind=ActorKind.AGENT,
            actor_telegram_id=by.telegram_user_id,
            actor_name=by.name[:128],
            old_status=old_status,
            new_status=row.status,
            old_service=old_service,
            new_service=row.service_code,
            note=note,
        )
    )
    rv = view(row, await first_photo(s, row.id))
    who = await reporter(s, row.id)
    if card_chat is not None:
        text = card_text(
            rv, who.first_name, desk, set_by=by.name, limit=1024 if rv.photo_file_id else 4096
        )
        buttons = card_buttons(rv, desk.texts, desk.lang) if row.service_code == old_service else []
        outbox.enqueue(
            s,
            chat_id=card_chat,
            kind=OutboxKind.EDIT_CARD,
            text=text,
            buttons=buttons,
            photo=rv.photo_file_id,
            purpose=OutboxPurpose.CARD,
            report_id=row.id,
            now=now,
        )
    if who.chat_id:
        t = desk.texts.lang(who.language)
        outbox.enqueue(
            s,
            chat_id=who.chat_id,
            text=t(
                resident_key,
                ref=row.id,
                status=t(f"status.{row.status.value}"),
                service=desk.catalogue.name(row.service_code, who.language),
                original=row.duplicate_of or "",
            ),
            purpose=OutboxPurpose.STATUS,
            report_id=row.id,
            now=now,
        )
    return rv


async def change_status(
    s: AsyncSession, desk: Desk, by: AgentRef, report_id: int, to: ReportStatus, now: datetime
) -> StatusChanged:
    row = await _authorised(s, desk, by, report_id)
    old = row.status
    if old == to:
        return StatusChanged(view(row, await first_photo(s, row.id)), old, changed=False)
    row.status = to
    chat = desk.catalogue.get(row.service_code).agents_chat_id
    rv = await _record(
        s,
        desk,
        row,
        by,
        now,
        old_status=old,
        old_service=row.service_code,
        card_chat=chat,
        resident_key="notify.status",
    )
    return StatusChanged(rv, old, changed=True)


async def move_to_service(
    s: AsyncSession, desk: Desk, by: AgentRef, report_id: int, to_service: str, now: datetime
) -> StatusChanged:
    """ "Not ours": the report goes to ``to_service``, whose agents chat gets a new card."""
    if to_service not in desk.catalogue:
        raise NotAllowed("agent.unknown_service")
    row = await _authorised(s, desk, by, report_id)
    old_status, old_service = row.status, row.service_code
    if old_service == to_service:
        return StatusChanged(view(row, await first_photo(s, row.id)), old_status, changed=False)
    old_chat = desk.catalogue.get(old_service).agents_chat_id
    row.service_code, row.status = to_service, ReportStatus.NOT_OURS
    rv = await _record(
        s,
        desk,
        row,
        by,
        now,
        old_status=old_status,
        old_service=old_service,
        card_chat=old_chat,
        resident_key="notify.moved",
    )
    who = await reporter(s, row.id)
    enqueue_card(s, desk, rv, who.first_name, now)
    return StatusChanged(rv, old_status, changed=True)


async def mark_duplicate(
    s: AsyncSession, desk: Desk, by: AgentRef, report_id: int, original_id: int, now: datetime
) -> StatusChanged:
    if original_id == report_id:
        raise NotAllowed("agent.duplicate_of_itself")
    row = await _authorised(s, desk, by, report_id)
    if await load(s, original_id) is None:
        raise NotAllowed("agent.unknown_report")
    old = row.status
    row.status, row.duplicate_of = ReportStatus.DUPLICATE, original_id
    chat = desk.catalogue.get(row.service_code).agents_chat_id
    rv = await _record(
        s,
        desk,
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
