"""The questionnaire: "is it fixed?" after a resolution, "still a problem?" after weeks open.

Asking follows the report's status: every status change calls :func:`on_status_change` in its
transaction, which schedules one question per follower when a report becomes resolved and
cancels those not sent yet when it stops being resolved. Two jobs ask what is due:
:func:`send_due` and :func:`ask_still_open`. The answers are in
``core.engagement.questionnaire_answers``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.callbacks import QuestionnaireAction, QuestionnaireVerb
from core.deps import Deps
from core.messages import Buttons
from core.telegram_format import escape
from storage import sql
from storage.db import rowcount
from storage.enums import (
    OPEN_STATUSES,
    OutboxPurpose,
    QuestionnaireAnswer,
    QuestionnaireKind,
    QuestionnaireState,
    ReportStatus,
)
from storage.models import CoReporter, OutboxMessage, Questionnaire, Report, Resident
from storage.outbox_payload import OutboxPayload

#: Questions written per transaction, and transactions per job run: a long backlog is
#: worked through over several runs rather than in one long transaction.
BATCH = 200
MAX_BATCHES = 10

FIXED, STILL_OPEN = QuestionnaireKind.FIXED, QuestionnaireKind.STILL_OPEN


def reachable(who: Resident) -> bool:
    """Whether a push may be sent to the resident: not erased, and not known to block us."""
    return who.chat_id is not None and who.blocked_at is None


async def recipients(s: AsyncSession, report: Report) -> list[Resident]:
    """Who is asked "is it fixed?": the reporter, then the co-reporters."""
    co = select(CoReporter.resident_id).where(CoReporter.report_id == report.id)
    rows = (
        await s.scalars(
            select(Resident)
            .where(or_(Resident.id == report.resident_id, Resident.id.in_(co)))
            .order_by(Resident.id)
        )
    ).all()
    return sorted(rows, key=lambda r: r.id != report.resident_id)


def tag(row: OutboxMessage, questionnaire_id: int, force_reply: bool = False) -> None:
    """Mark an outbox row as belonging to a questionnaire, so that a reply to the message it
    becomes can be traced back to it (``force_reply``: the comment prompt)."""
    was = OutboxPayload.from_json(row.payload)
    tagged = replace(
        was, questionnaire_id=questionnaire_id, force_reply=was.force_reply or force_reply
    )
    row.payload = tagged.to_json()


# --- scheduling ----------------------------------------------------------------------------


async def on_status_change(
    s: AsyncSession,
    deps: Deps,
    report: Report,
    old: ReportStatus,
    now: datetime,
    *,
    by_resident: int | None = None,
) -> None:
    """Keep the questions in step with the report's status (in the change's transaction).

    ``by_resident``: the resident whose answer changed the status, who is not asked again.
    """
    new = report.status
    if old is ReportStatus.RESOLVED and new is not ReportStatus.RESOLVED:
        await s.execute(
            update(Questionnaire)
            .where(
                Questionnaire.report_id == report.id,
                Questionnaire.kind == FIXED,
                Questionnaire.state == QuestionnaireState.SCHEDULED,
            )
            .values(state=QuestionnaireState.CANCELLED)
        )
    if new is ReportStatus.RESOLVED and old is not ReportStatus.RESOLVED:
        await schedule_fixed(s, deps, report, now, skip=by_resident)


async def schedule_fixed(
    s: AsyncSession, deps: Deps, report: Report, now: datetime, skip: int | None = None
) -> list[int]:
    """One "is it fixed?" per follower, due after the configured delay (at once when 0)."""
    # An earlier round's question left unanswered no longer applies: this round replaces it.
    await s.execute(
        update(Questionnaire)
        .where(
            Questionnaire.report_id == report.id,
            Questionnaire.kind == FIXED,
            Questionnaire.state.in_([QuestionnaireState.SCHEDULED, QuestionnaireState.SENT]),
        )
        .values(state=QuestionnaireState.CANCELLED)
    )
    due = now + deps.settings.questionnaire_delay
    ids = []
    for who in await recipients(s, report):
        if who.id == skip or not reachable(who):
            continue
        q = Questionnaire(
            report_id=report.id,
            resident_id=who.id,
            service_code=report.service_code,
            kind=FIXED,
            state=QuestionnaireState.SCHEDULED,
            due_at=due,
            created_at=now,
        )
        s.add(q)
        await s.flush()
        if due <= now:
            ask(s, deps, q, report, who, now, deps.settings.not_before(now))
        ids.append(q.id)
    return ids


# --- asking ----------------------------------------------------------------------------------


def question(deps: Deps, q: Questionnaire, report: Report, lang: str) -> tuple[str, Buttons]:
    """The question's text and its three buttons, in the resident's language."""
    t = deps.texts.lang(lang)
    service = escape(deps.catalogue.name(report.service_code, lang))
    if q.kind is FIXED:
        text = t("questionnaire.fixed", ref=report.id, service=service)
        yes, no = t("button.q_yes"), t("button.q_no")
    else:
        date = deps.settings.local(report.created_at).strftime("%d/%m/%Y")
        text = t("questionnaire.still_open", ref=report.id, service=service, date=date)
        yes, no = t("button.q_still"), t("button.q_not_any_more")

    def b(label: str, answer: QuestionnaireAnswer) -> tuple[str, str]:
        return (label, QuestionnaireAction(QuestionnaireVerb.ANSWER, q.id, answer.value).encode())

    return text, [
        [b(yes, QuestionnaireAnswer.YES), b(no, QuestionnaireAnswer.NO)],
        [b(t("button.q_unknown"), QuestionnaireAnswer.UNKNOWN)],
    ]


def ask(
    s: AsyncSession,
    deps: Deps,
    q: Questionnaire,
    report: Report,
    who: Resident,
    now: datetime,
    not_before: datetime,
) -> None:
    """Put the question in the outbox (held until ``not_before``) and mark it sent."""
    assert who.chat_id is not None
    text, buttons = question(deps, q, report, who.language)
    row = messages.enqueue(
        s,
        chat_id=who.chat_id,
        text=text,
        buttons=buttons,
        purpose=OutboxPurpose.QUESTIONNAIRE,
        report_id=report.id,
        now=now,
        not_before=not_before,
    )
    tag(row, q.id)
    q.state, q.sent_at = QuestionnaireState.SENT, now


async def send_due(svc: Deps) -> int:
    """Job: ask the scheduled questions that are due. Returns how many were asked.

    Rows are claimed (``storage.sql.claimable``) on PostgreSQL, so two workers share the work and a
    question is asked once; a row asked is no longer SCHEDULED, so running again does nothing.
    """
    asked = 0
    for _ in range(MAX_BATCHES):
        async with svc.writing() as s:
            now = svc.clock()
            query = (
                select(Questionnaire)
                .where(
                    Questionnaire.state == QuestionnaireState.SCHEDULED,
                    Questionnaire.due_at <= now,
                )
                .order_by(Questionnaire.id)
                .limit(BATCH)
            )
            rows = (await s.scalars(sql.claimable(query))).all()
            not_before = svc.settings.not_before(now)
            for q in rows:
                asked += await _send_one(s, svc, q, now, not_before)
            await s.commit()
        if len(rows) < BATCH:
            break
    return asked


async def _send_one(
    s: AsyncSession, deps: Deps, q: Questionnaire, now: datetime, not_before: datetime
) -> int:
    # Compare and set: whatever the isolation (SQLite reads outside the write transaction),
    # only one run moves a row out of SCHEDULED, and only that one asks.
    claimed = await s.execute(
        update(Questionnaire)
        .where(Questionnaire.id == q.id, Questionnaire.state == QuestionnaireState.SCHEDULED)
        .values(state=QuestionnaireState.SENT, sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(claimed) != 1:
        return 0
    report = await s.get(Report, q.report_id)
    who = await s.get(Resident, q.resident_id)
    still_due = report is not None and (
        q.kind is not FIXED or report.status is ReportStatus.RESOLVED
    )
    if report is None or who is None or not still_due or not reachable(who):
        q.state = QuestionnaireState.CANCELLED
        return 0
    ask(s, deps, q, report, who, now, not_before)
    return 1


async def ask_still_open(svc: Deps) -> int:
    """Job: ask the reporter of each report open for more than ``still_open_days`` whether it
    is still a problem, once per report. Returns how many were asked."""
    asked = 0
    for _ in range(MAX_BATCHES):
        async with svc.writing() as s:
            now = svc.clock()
            cutoff = now - timedelta(days=svc.settings.still_open_days)
            already = exists().where(
                Questionnaire.report_id == Report.id, Questionnaire.kind == STILL_OPEN
            )
            query = (
                select(Report)
                .where(Report.status.in_(OPEN_STATUSES), Report.created_at < cutoff, ~already)
                .order_by(Report.id)
                .limit(BATCH)
            )
            found = (await s.scalars(sql.claimable(query))).all()
            # Read again now that the rows are locked: another worker may have asked meanwhile
            # (its commit is newer than the snapshot the query above filtered with).
            done = set(
                (
                    await s.scalars(
                        select(Questionnaire.report_id).where(
                            Questionnaire.report_id.in_([r.id for r in found]),
                            Questionnaire.kind == STILL_OPEN,
                        )
                    )
                ).all()
            )
            not_before = svc.settings.not_before(now)
            for report in found:
                if report.id not in done:
                    asked += await _ask_still_open(s, svc, report, now, not_before)
            await s.commit()
        if len(found) < BATCH:
            break
    return asked


async def _ask_still_open(
    s: AsyncSession, deps: Deps, report: Report, now: datetime, not_before: datetime
) -> int:
    who = await s.get_one(Resident, report.resident_id)
    q = Questionnaire(
        report_id=report.id,
        resident_id=who.id,
        service_code=report.service_code,
        kind=STILL_OPEN,
        state=QuestionnaireState.SCHEDULED,
        due_at=now,
        created_at=now,
    )
    s.add(q)
    if not reachable(who):  # kept, cancelled, so that the report is not considered again
        q.state = QuestionnaireState.CANCELLED
        return 0
    await s.flush()
    ask(s, deps, q, report, who, now, not_before)
    return 1
