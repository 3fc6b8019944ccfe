"""Who has a report: "Take", handing it to a colleague of the service, releasing it, and an
agent's own open tickets (``/mine``, the dashboard's "mine").

Only an agent of the report's service may take, hand or release it, and only to a colleague
of that same service (the catalogue's agents): a ticket is never handed outside its service,
whatever a forged button says. A closed report belongs to nobody's work: it cannot be taken.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import AgentRef, NotAllowed
from core.deps import Deps
from core.reports import priority
from core.reports.status import locked_for, refresh_card, still_open
from core.reports.submit import first_photo
from core.views import ReportView, view
from storage.enums import OPEN_STATUSES, ActorKind, EventKind
from storage.models import Report, ReportEvent


@dataclass(frozen=True)
class Assigned:
    report: ReportView
    changed: bool


async def take(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int, now: datetime
) -> Assigned:
    """``by`` takes the report (from nobody, or from a colleague)."""
    return await _assign(s, deps, by, report_id, by.telegram_user_id, by.name, now)


async def hand_to(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int, to_user: int, now: datetime
) -> Assigned:
    """``by`` hands the report to ``to_user``, who must be an agent of its service."""
    row = await locked_for(s, deps, by, report_id)
    if not deps.catalogue.is_agent(to_user, row.service_code):
        raise NotAllowed("agent.not_a_colleague")
    names = await agent_names(s, [to_user])
    return await _assign(s, deps, by, report_id, to_user, names.get(to_user, ""), now)


async def release(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int, now: datetime
) -> Assigned:
    """Nobody has the report any more."""
    return await _assign(s, deps, by, report_id, None, "", now)


async def _assign(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    report_id: int,
    to_user: int | None,
    to_name: str,
    now: datetime,
) -> Assigned:
    row = await locked_for(s, deps, by, report_id)
    if row.assignee_telegram_id == to_user:  # pressed twice
        return Assigned(view(row, await first_photo(s, row.id)), changed=False)
    still_open(row)
    row.assignee_telegram_id = to_user
    row.assignee_name = (to_name or (f"#{to_user}" if to_user else ""))[:128] or None
    row.updated_at = now
    s.add(
        ReportEvent(
            report_id=row.id,
            at=now,
            kind=EventKind.ASSIGN,
            actor_kind=ActorKind.AGENT,
            actor_telegram_id=by.telegram_user_id,
            actor_name=by.name[:128],
            note=row.assignee_name,  # None: released
        )
    )
    rv = view(row, await first_photo(s, row.id))
    chat = deps.catalogue.card_chat(row.service_code)
    if chat is not None:
        await refresh_card(s, deps, rv, chat, now)
    return Assigned(rv, changed=True)


async def agent_names(s: AsyncSession, user_ids: Collection[int]) -> dict[int, str]:
    """The names agents were last seen with (their actions, their dashboard logins): the
    catalogue knows agents by Telegram id only."""
    if not user_ids:
        return {}
    rows = (
        await s.execute(
            select(ReportEvent.actor_telegram_id, ReportEvent.actor_name)
            .where(
                ReportEvent.actor_kind == ActorKind.AGENT,
                ReportEvent.actor_telegram_id.in_(list(user_ids)),
                ReportEvent.actor_name != "",
            )
            .order_by(ReportEvent.id)
        )
    ).all()
    return {int(uid): name for uid, name in rows if uid is not None}


async def colleagues(
    s: AsyncSession, deps: Deps, by: AgentRef, report_id: int
) -> tuple[ReportView, list[tuple[int, str]]]:
    """The agents of the report's service ``by`` may hand it to (not the one who has it)."""
    row = await locked_for(s, deps, by, report_id)
    still_open(row)
    ids = sorted(u for u in deps.catalogue.get(row.service_code).agents)
    ids = [u for u in ids if u != row.assignee_telegram_id]
    names = await agent_names(s, ids)
    return view(row, await first_photo(s, row.id)), [(u, names.get(u, f"#{u}")) for u in ids]


async def mine(
    s: AsyncSession, user_id: int, services: Collection[str], limit: int = 30
) -> list[ReportView]:
    """The open reports ``user_id`` has, in ``services``, most pressing first."""
    rows = await s.scalars(
        select(Report)
        .where(
            Report.assignee_telegram_id == user_id,
            Report.service_code.in_(list(services)),
            Report.status.in_(OPEN_STATUSES),
        )
        .order_by(*priority.order())
        .limit(limit)
    )
    return [view(r) for r in rows]
