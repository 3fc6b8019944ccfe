"""Moderation: agents hide what a report shows the public; administrators block a resident.

Hiding takes a report's text (with its typed address) or its photos out of every public
output (Open311, the page a shared link opens); the agents keep seeing them, and the
resident's own copy is untouched. A card's button and the dashboard's form both come here
(through ``core.reports.agent_actions``): an agent of the report's service, any state. No
public output shows photos today (Open311 publishes no ``media_url``); ``photo_hidden`` is
the flag any that does must honour.

Blocking is the town's answer to abuse: a blocked resident's messages are still stored as
they arrive (the inbox keeps them, as any update) but no longer processed, and she is told
once (``core.residents.limits.admit``). Only an administrator (``bot.administrators``) or
the command line (someone with the server's shell) may block. Every act writes an audit line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import AgentRef, NotAllowed
from core.deps import Deps
from core.reports import status
from core.views import ReportView
from storage.models import AuditLine, Report, Resident


class Hidden(StrEnum):
    TEXT = "text"
    PHOTO = "photo"


async def hide(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int, what: Hidden, now: datetime
) -> tuple[ReportView, bool]:
    """Hide the report's text or photos from the public; False when it was hidden already."""
    rv = await status.authorise(s, deps, by, report_id)  # an agent of its service
    column = Report.text_hidden if what is Hidden.TEXT else Report.photo_hidden
    done = await s.execute(
        update(Report)
        .where(Report.id == report_id, column.is_(False))
        .values({column.key: True})
        .execution_options(synchronize_session=False)
    )
    changed = bool(getattr(done, "rowcount", 0))
    if changed:
        audit(s, now, by, f"hide_{what.value}", f"report:{report_id}")
    return rv, changed


def audit(
    s: AsyncSession,
    now: datetime,
    by: AgentRef | None,
    action: str,
    target: str,
    detail: str = "",
) -> None:
    """One line of the audit log (``by`` None: the command line)."""
    s.add(
        AuditLine(
            at=now,
            actor_telegram_id=by.telegram_user_id if by else None,
            actor_name=by.name if by else "command line",
            action=action,
            target=target,
            detail=detail,
        )
    )


@dataclass(frozen=True)
class Blocked:
    resident_id: int
    changed: bool  # False: she was blocked (or unblocked) already


async def resident_of(s: AsyncSession, ref: str) -> int | None:
    """The resident a reference names: ``#12`` (the author of report 12) or ``12`` (a
    resident's id); None when there is none."""
    ref = ref.strip()
    digits = ref.lstrip("#")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
        return None
    if ref.startswith("#"):
        return await s.scalar(select(Report.resident_id).where(Report.id == int(digits)))
    return await s.scalar(select(Resident.id).where(Resident.id == int(digits)))


async def block(
    s: AsyncSession,
    administrators: frozenset[int],
    by: AgentRef | None,
    resident_id: int,
    now: datetime,
    on: bool = True,
) -> Blocked:
    """Block (``on``) or unblock a resident. ``by`` None is the command line; an agent must be
    one of ``administrators`` (``bot.administrators``)."""
    if by is not None and by.telegram_user_id not in administrators:
        raise NotAllowed("moderation.not_admin")
    who = await s.get(Resident, resident_id)
    if who is None:
        raise NotAllowed("moderation.unknown")
    if (who.barred_at is not None) == on:
        return Blocked(resident_id, False)
    who.barred_at, who.barred_told = (now if on else None), False
    audit(s, now, by, "block" if on else "unblock", f"resident:{resident_id}")
    return Blocked(resident_id, True)
