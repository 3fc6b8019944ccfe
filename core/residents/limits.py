"""How much one resident may ask of the town's services, and what she is told past it.

Checked before any handler (``admit``, on every update of a private chat): a blocked
resident (``core.residents.moderation``) is told once, then her updates are stored and not
processed; past ``limits.messages_per_minute`` an update is answered, not read (nothing is
dropped silently: the resident knows to send it again); a text longer than
``bot.max_text_chars`` is refused with the limit stated. Refused rather than cut: a cut
changes her words behind her back (the end of a message is often the address), while she
still holds the whole text in her own chat to shorten and send again.

Past ``limits.reports_per_hour`` the report is not sent but kept as a draft, with the time
she may send it (``report_allowed_from``), so nothing is lost there either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.deps import Deps
from storage.models import InboxUpdate, Report, Resident

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Held:
    """An update not processed, and what to say (None: nothing more, she was told)."""

    reply: str | None


async def admit(
    s: AsyncSession,
    deps: Deps,
    user_id: int,
    chat_id: int,
    text: str,
    now: datetime,
    language: str | None = None,
) -> Held | None:
    """None when the update may be processed; else what to answer (in her language, or in
    ``language``, Telegram's, for someone not known yet)."""
    row = (
        await s.execute(
            select(Resident.id, Resident.language, Resident.barred_at, Resident.barred_told).where(
                Resident.telegram_user_id == user_id
            )
        )
    ).first()
    t = deps.texts.lang(row.language if row is not None else (language or deps.lang))
    if row is not None and row.barred_at is not None:
        if row.barred_told:
            return Held(None)
        await s.execute(update(Resident).where(Resident.id == row.id).values(barred_told=True))
        return Held(t("moderation.barred"))
    per_minute = deps.settings.messages_per_minute
    if per_minute and await _recent_updates(s, chat_id, now - MINUTE) > per_minute:
        return Held(t("limits.too_fast", limit=per_minute))
    limit = deps.settings.max_text_chars
    if len(text) > limit:
        return Held(t("limits.too_long", n=len(text), limit=limit))
    return None


async def _recent_updates(s: AsyncSession, chat_id: int, since: datetime) -> int:
    """Updates of the chat stored since ``since`` (this one included)."""
    q = select(func.count()).where(InboxUpdate.chat_id == chat_id, InboxUpdate.received_at > since)
    return int(await s.scalar(q) or 0)


async def report_allowed_from(
    s: AsyncSession, deps: Deps, resident_id: int, now: datetime
) -> datetime | None:
    """When the resident may send her next report, if not now (``limits.reports_per_hour``)."""
    per_hour = deps.settings.reports_per_hour
    if not per_hour:
        return None
    sent = (
        await s.scalars(
            select(Report.created_at)
            .where(Report.resident_id == resident_id, Report.created_at > now - HOUR)
            .order_by(Report.created_at.desc())
            .limit(per_hour)
        )
    ).all()
    if len(sent) < per_hour:
        return None
    return sent[-1] + HOUR  # the oldest of the last ``per_hour`` leaves the window


def fits_description(deps: Deps, text: str) -> bool:
    """A draft's description stays within ``bot.max_text_chars``, however many messages."""
    return len(text) <= deps.settings.max_text_chars
