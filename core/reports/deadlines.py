"""The response-time job: a report nearing its limit is re-announced in its agents' chat; past
it, escalated once to the supervisors' chat (``response_times.escalation_chat_id``, else the
desk's chat) and marked overdue on its card.

Run by the leader only (``bot.jobs``), with the injected clock. Idempotent: each report's
furthest announced step is stored (``Report.deadline_stage``) and only a further step writes
anything, in the same transaction as its messages; run twice, late, or after a restart, it
sends nothing twice.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.deps import Deps
from core.reports.due import Stage, acknowledge_by, resolve_by, stage_at
from core.reports.status import refresh_card
from core.reports.submit import first_photo
from core.telegram_format import escape
from core.views import ReportView, view
from storage import sql
from storage.enums import OPEN_STATUSES, ActorKind, EventKind, OutboxPurpose
from storage.models import Report, ReportEvent

#: Reports looked at in one transaction.
BATCH = 200


async def remind_job(deps: Deps) -> int:
    """Announce every step reached since the last run; how many were announced."""
    done, after = 0, 0
    while True:
        async with deps.writing() as s:
            rows = (
                await s.scalars(
                    sql.locked(
                        select(Report)
                        .where(
                            Report.status.in_(OPEN_STATUSES),
                            Report.deadline_stage < int(Stage.RESOLVE_LATE),
                            Report.id > after,
                        )
                        .order_by(Report.id)
                        .limit(BATCH)
                    )
                )
            ).all()
            for row in rows:
                done += await _step(s, deps, row)
            await s.commit()
        if len(rows) < BATCH:
            return done
        after = rows[-1].id


async def _step(s: AsyncSession, deps: Deps, row: Report) -> int:
    now = deps.clock()
    rv = view(row)
    reached = stage_at(rv, deps.catalogue, now, deps.settings.deadline_warn_at)
    if reached <= row.deadline_stage:
        return 0
    row.deadline_stage = int(reached)
    s.add(
        ReportEvent(
            report_id=row.id,
            at=now,
            kind=EventKind.DEADLINE,
            actor_kind=ActorKind.SYSTEM,
            note=reached.name.lower(),
        )
    )
    card_chat = deps.catalogue.card_chat(row.service_code)
    if reached in (Stage.ACK_WARNED, Stage.RESOLVE_WARNED):
        if card_chat is not None:
            messages.enqueue(
                s,
                chat_id=card_chat,
                text=_text(deps, rv, reached),
                purpose=OutboxPurpose.NOTICE,
                report_id=row.id,
                reply_to_card=True,
                now=now,
            )
        return 1
    chat = deps.settings.escalation_chat_id or deps.catalogue.card_chat("other")
    if chat is not None:
        messages.enqueue(
            s, chat_id=chat, text=_text(deps, rv, reached), purpose=OutboxPurpose.NOTICE, now=now
        )
    if card_chat is not None:  # the card shows it overdue
        await refresh_card(s, deps, view(row, await first_photo(s, row.id)), card_chat, now)
    return 1


def _text(deps: Deps, rv: ReportView, reached: Stage) -> str:
    t = deps.texts.lang(deps.lang)
    ack = reached in (Stage.ACK_WARNED, Stage.ACK_LATE)
    by = acknowledge_by(rv, deps.catalogue) if ack else resolve_by(rv, deps.catalogue)
    return t(
        f"deadline.{reached.name.lower()}",
        ref=rv.id,
        service=escape(deps.catalogue.name(rv.service, deps.lang)),
        by=deps.settings.local(by).strftime("%d/%m/%Y %H:%M"),
        assignee=escape(rv.assignee_name or t("deadline.nobody")),
    )
