"""Reports: classify a resident's words, submit a report, list a resident's reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.catalogue import DESK
from core.conversation.drafts import DraftData
from core.deps import Deps
from core.integrations import forwarding
from core.reports import priority
from core.reports.cards import card_buttons, card_text
from core.residents.directory import ResidentRef
from core.views import ReportView, view
from storage import sql
from storage.enums import ActorKind, OutboxPurpose, PhotoKind, ReportIntent, ReportStatus
from storage.models import CoReporter, Photo, Report, ReportEvent, Resident


@dataclass(frozen=True)
class NewReport:
    """What a resident confirmed in the conversation."""

    text: str
    service: str
    lang: str
    suggested_service: str
    confidence: float
    intent: ReportIntent = ReportIntent.REPORT
    urgent: bool = False
    danger: str | None = None  # why it may be urgent (``Classification.danger``)
    redacted_text: str = ""
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    photo_file_id: str | None = None
    photo_unique_id: str | None = None
    photo_path: str | None = None

    @classmethod
    def from_draft(cls, data: DraftData) -> NewReport:
        service = str(data.service)
        return cls(
            text=data.text,
            service=service,
            lang=data.lang or "fr",
            suggested_service=data.suggested or service,
            confidence=data.confidence,
            intent=data.intent,
            urgent=data.urgent,
            danger=data.danger,
            redacted_text=data.redacted or data.text,
            address=data.address,
            lat=data.lat,
            lon=data.lon,
            photo_file_id=data.photo_file_id,
            photo_unique_id=data.photo_unique_id,
            photo_path=data.photo_path,
        )


async def submit(
    s: AsyncSession,
    deps: Deps,
    resident: ResidentRef,
    new: NewReport,
    now: datetime,
    actor: ActorKind = ActorKind.RESIDENT,
) -> ReportView:
    """Create the report, its first history entry, its card for the service's agents and its
    forwards to the service's other systems. ``actor``: who made it (a resident, or an Open311
    client through its stand-in resident, ``core.integrations.api_clients``)."""
    service = new.service if new.service in deps.catalogue else DESK
    row = Report(
        resident_id=resident.id,
        service_code=service,
        status=ReportStatus.NEW,
        text=new.text,
        redacted_text=new.redacted_text or new.text,
        lang=new.lang,
        intent=new.intent,
        confidence=new.confidence,
        suggested_service=new.suggested_service,
        urgent=new.urgent,
        danger=new.danger,
        address=new.address,
        lat=new.lat,
        lon=new.lon,
        created_at=now,
        updated_at=now,
    )
    s.add(row)
    await s.flush()
    s.add(
        ReportEvent(
            report_id=row.id,
            at=now,
            actor_kind=actor,
            actor_telegram_id=resident.telegram_user_id or None,
            new_status=ReportStatus.NEW,
            new_service=service,
        )
    )
    if new.photo_file_id:
        s.add(
            Photo(
                report_id=row.id,
                file_id=new.photo_file_id,
                file_unique_id=new.photo_unique_id or new.photo_file_id[:128],
                path=new.photo_path,
            )
        )
    rv = view(row, new.photo_file_id)
    enqueue_card(s, deps, rv, resident.first_name, now)
    forwarding.enqueue(s, deps, row.id, service, now)
    return rv


def enqueue_card(
    s: AsyncSession,
    deps: Deps,
    report: ReportView,
    reporter_first_name: str,
    now: datetime,
) -> None:
    """Send the card to the agents chat of the report's service (or the general desk's)."""
    catalogue = deps.catalogue
    chat = catalogue.card_chat(report.service)
    if chat is None:
        return
    messages.enqueue(
        s,
        chat_id=chat,
        text=card_text(report, reporter_first_name, deps),
        buttons=card_buttons(report, deps.texts, deps.lang),
        photo=report.photo_file_id,
        purpose=OutboxPurpose.CARD,
        report_id=report.id,
        pin=True if report.urgent else None,  # urgent cards stay on top of the agents' chat
        urgent=report.urgent,  # and go out first
        now=now,
    )


async def load(s: AsyncSession, report_id: int, for_update: bool = False) -> Report | None:
    q = select(Report).where(Report.id == report_id)
    if for_update:
        q = sql.locked(q)
    return await s.scalar(q)


async def get_view(s: AsyncSession, report_id: int) -> ReportView | None:
    row = await load(s, report_id)
    if row is None:
        return None
    return view(row, await first_photo(s, report_id))


async def first_photo(s: AsyncSession, report_id: int) -> str | None:
    return await s.scalar(
        select(Photo.file_id)
        .where(Photo.report_id == report_id, Photo.kind == PhotoKind.REPORT)
        .order_by(Photo.id)
        .limit(1)
    )


async def reporter(s: AsyncSession, report_id: int) -> Resident:
    return await s.scalar(
        select(Resident)
        .join(Report, Report.resident_id == Resident.id)
        .where(Report.id == report_id)
    ) or Resident(first_name="?", language="fr")


async def mine(s: AsyncSession, resident_id: int, limit: int = 20) -> list[ReportView]:
    rows = (
        await s.scalars(
            select(Report)
            .where(Report.resident_id == resident_id)
            .order_by(Report.id.desc())
            .limit(limit)
        )
    ).all()
    return [view(r) for r in rows]


async def followed(s: AsyncSession, resident_id: int, limit: int = 20) -> list[ReportView]:
    """Reports the resident joined as a co-reporter ("is it this one?" → yes)."""
    rows = (
        await s.scalars(
            select(Report)
            .join(CoReporter, CoReporter.report_id == Report.id)
            .where(CoReporter.resident_id == resident_id)
            .order_by(Report.id.desc())
            .limit(limit)
        )
    ).all()
    return [view(r) for r in rows]


async def open_in_service(
    s: AsyncSession, service: str, exclude: int, limit: int = 6
) -> list[ReportView]:
    """Open reports of a service, most pressing first: candidates for "duplicate of"."""
    ranked = await priority.open_reports(s, [service], limit=limit, exclude=exclude)
    return [r.report for r in ranked]
