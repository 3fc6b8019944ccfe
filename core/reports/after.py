"""The "after" photo: an agent shows the place once fixed. It is kept on the ticket (a photo
of kind ``after``) and reaches the resident with the resolved notice
(``core.reports.status.record``), or at once if the report is already resolved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.actors import AgentRef
from core.deps import Deps
from core.reports.status import follower_notice, followers, locked_for
from storage.enums import ActorKind, EventKind, OutboxPurpose, PhotoKind, ReportStatus
from storage.models import Photo, ReportEvent


@dataclass(frozen=True)
class Attached:
    report_id: int
    sent_now: bool  # the report was resolved already: the residents have it now


async def attach(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    report_id: int,
    file_id: str,
    file_unique_id: str,
    now: datetime,
) -> Attached:
    row = await locked_for(s, deps, by, report_id)
    s.add(
        Photo(
            report_id=report_id,
            file_id=file_id[:256],
            file_unique_id=file_unique_id[:128],
            kind=PhotoKind.AFTER,
        )
    )
    s.add(
        ReportEvent(
            report_id=report_id,
            at=now,
            kind=EventKind.PHOTO,
            actor_kind=ActorKind.AGENT,
            actor_telegram_id=by.telegram_user_id,
            actor_name=by.name[:128],
        )
    )
    if row.status is not ReportStatus.RESOLVED:
        return Attached(report_id, sent_now=False)
    for who in await followers(s, report_id):
        if who.chat_id:
            messages.enqueue(
                s,
                chat_id=who.chat_id,
                text=follower_notice(deps, who.language, "notify.after_photo", row),
                photo=file_id,
                purpose=OutboxPurpose.STATUS,
                report_id=report_id,
                now=now,
            )
    return Attached(report_id, sent_now=True)
