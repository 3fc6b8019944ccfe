"""A resident answers a questionnaire: the answer, then a 1 to 5 rating, then a comment.

Only the resident who was asked may answer, and only once; any other press (someone else,
a forged or stale id, a second press) changes nothing and gets a polite pop-up. A "no" to
"is it fixed?" reopens the report; "not any more" to "still a problem?" closes it as resolved.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.callbacks import RATINGS, QuestionnaireAction, QuestionnaireVerb
from core.conversation.prompts import Reply
from core.deps import Deps
from core.engagement import questionnaire
from core.i18n import Translate
from core.messages import Buttons
from core.reports import status
from core.reports.relay import in_pieces
from core.reports.submit import first_photo, load
from core.residents.directory import ResidentRef
from core.telegram_format import escape
from core.views import view
from nlp.redact import redact_off_loop
from storage import sql
from storage.enums import (
    ActorKind,
    OutboxPurpose,
    QuestionnaireAnswer,
    QuestionnaireKind,
    QuestionnaireState,
    ReportStatus,
)
from storage.models import OutboxMessage, Questionnaire, Report, ReportEvent, Resident
from storage.outbox_payload import OutboxPayload

YES, NO, UNKNOWN = QuestionnaireAnswer.YES, QuestionnaireAnswer.NO, QuestionnaireAnswer.UNKNOWN


async def _load(s: AsyncSession, questionnaire_id: int) -> Questionnaire | None:
    """The questionnaire, locked on PostgreSQL: of two presses at once, the second waits and
    sees the first. Its report is locked first, in the order status changes lock them."""
    report_id = await s.scalar(
        select(Questionnaire.report_id).where(Questionnaire.id == questionnaire_id)
    )
    if report_id is None:
        return None
    await load(s, report_id, for_update=True)
    return await s.scalar(
        sql.locked(select(Questionnaire).where(Questionnaire.id == questionnaire_id))
    )


def agents_chat(deps: Deps, service: str) -> int | None:
    """The chat a report's card went to: its service's, or the general desk's."""
    cat = deps.catalogue
    return cat.card_chat(service)


async def press(
    s: AsyncSession, deps: Deps, resident: ResidentRef, action: QuestionnaireAction, now: datetime
) -> Reply:
    """A button of a questionnaire: the text (and buttons) its message becomes, or a pop-up."""
    t = deps.texts.lang(resident.language)
    q = await _load(s, action.questionnaire_id)
    if q is None or q.resident_id != resident.id:
        return Reply(t("questionnaire.not_for_you"), alert=True)
    if q.state in (QuestionnaireState.SCHEDULED, QuestionnaireState.CANCELLED):
        return Reply(t("questionnaire.no_longer"), alert=True)
    match action.verb:
        case QuestionnaireVerb.ANSWER:
            if q.answer is not None:
                return Reply(t("questionnaire.already"), alert=True)
            return await _answer(s, deps, q, resident, QuestionnaireAnswer(action.arg), now)
        case QuestionnaireVerb.RATE:
            if q.answer is None:
                return Reply(t("questionnaire.no_longer"), alert=True)
            if q.rating is not None:
                return Reply(t("questionnaire.already"), alert=True)
            return _rate(s, q, resident, int(action.arg), t, now)
        case QuestionnaireVerb.SKIP_COMMENT:
            if q.rating is None or q.comment is not None:
                return Reply(t("questionnaire.already"), alert=True)
            q.comment = ""  # skipped: a later reply to the prompt is not taken
            return Reply(t("questionnaire.thanks"))


async def _answer(
    s: AsyncSession,
    deps: Deps,
    q: Questionnaire,
    resident: ResidentRef,
    answer: QuestionnaireAnswer,
    now: datetime,
) -> Reply:
    q.answer, q.answered_at, q.state = answer, now, QuestionnaireState.ANSWERED
    t = deps.texts.lang(resident.language)
    report = await load(s, q.report_id, for_update=True)
    who = await s.get_one(Resident, resident.id)
    lead = t("questionnaire.noted")
    if report is not None:
        service = escape(deps.catalogue.name(report.service_code, resident.language))
        if q.kind is QuestionnaireKind.FIXED:
            lead = await _fixed(s, deps, report, who, answer, now, t, service)
        else:
            lead = await _still_open(s, deps, report, who, answer, now, t, service)
    return Reply(f"{lead}\n\n{t('questionnaire.rate')}", buttons=rating_buttons(q.id))


async def _fixed(
    s: AsyncSession,
    deps: Deps,
    report: Report,
    who: Resident,
    answer: QuestionnaireAnswer,
    now: datetime,
    t: Translate,
    service: str,
) -> str:
    if answer is YES:
        return t("questionnaire.glad")
    if answer is UNKNOWN:
        return t("questionnaire.noted")
    if report.status is ReportStatus.RESOLVED:
        await _resident_sets(
            s, deps, report, who, ReportStatus.REOPENED, now, "notice.reopened", "not fixed"
        )
        return t("questionnaire.reopened", ref=report.id, service=service)
    # Already reopened (by a co-reporter) or changed by an agent: the agents hear it anyway.
    _notice(s, deps, report, who, "notice.not_fixed", now)
    return t("questionnaire.told", service=service)


async def _still_open(
    s: AsyncSession,
    deps: Deps,
    report: Report,
    who: Resident,
    answer: QuestionnaireAnswer,
    now: datetime,
    t: Translate,
    service: str,
) -> str:
    if answer is UNKNOWN or not report.status.is_open:
        return t("questionnaire.noted")
    if answer is YES:
        _notice(s, deps, report, who, "notice.still_a_problem", now)
        return t("questionnaire.told", service=service)
    await _resident_sets(
        s, deps, report, who, ReportStatus.RESOLVED, now, "notice.closed", "no longer a problem"
    )
    return t("questionnaire.closed", ref=report.id)


async def _resident_sets(
    s: AsyncSession,
    deps: Deps,
    report: Report,
    who: Resident,
    to: ReportStatus,
    now: datetime,
    notice_key: str,
    note: str,
) -> None:
    """A resident's answer changes the status: history, questions, card, agents, followers."""
    old = report.status
    report.status, report.updated_at = to, now
    s.add(
        ReportEvent(
            report_id=report.id,
            at=now,
            actor_kind=ActorKind.RESIDENT,
            actor_telegram_id=who.telegram_user_id,
            old_status=old,
            new_status=to,
            old_service=report.service_code,
            new_service=report.service_code,
            note=f"questionnaire: {note}",
        )
    )
    await questionnaire.on_status_change(s, deps, report, old, now, by_resident=who.id)
    chat = agents_chat(deps, report.service_code)
    if chat is not None:
        rv = view(report, await first_photo(s, report.id))
        await status.refresh_card(
            s, deps, rv, chat, now, set_by=who.first_name or "", buttons=to.is_open
        )
    _notice(s, deps, report, who, notice_key, now)
    for other in await status.followers(s, report.id):
        if other.id == who.id or not other.chat_id:
            continue
        messages.enqueue(
            s,
            chat_id=other.chat_id,
            text=status.follower_notice(deps, other.language, "notify.status", report),
            purpose=OutboxPurpose.STATUS,
            report_id=report.id,
            now=now,
        )


def _notice(
    s: AsyncSession, deps: Deps, report: Report, who: Resident, key: str, now: datetime
) -> None:
    """A line for the agents, threaded under the report's card."""
    chat = agents_chat(deps, report.service_code)
    if chat is None:
        return
    text = deps.texts.get(
        deps.lang,
        key,
        ref=report.id,
        name=escape(who.first_name or "?"),
        date=deps.settings.local(report.created_at).strftime("%d/%m/%Y"),
    )
    messages.enqueue(
        s,
        chat_id=chat,
        text=text,
        purpose=OutboxPurpose.NOTICE,
        report_id=report.id,
        reply_to_card=True,
        now=now,
    )


def rating_buttons(questionnaire_id: int) -> Buttons:
    return [
        [
            (f"{r} ⭐", QuestionnaireAction(QuestionnaireVerb.RATE, questionnaire_id, r).encode())
            for r in RATINGS
        ]
    ]


def _rate(
    s: AsyncSession,
    q: Questionnaire,
    resident: ResidentRef,
    rating: int,
    t: Translate,
    now: datetime,
) -> Reply:
    """Keep the rating; ask for a comment with a message to reply to (Telegram's ForceReply),
    whose outbox row names the questionnaire, so the reply finds its way back here."""
    q.rating = rating
    prompt = messages.enqueue(
        s,
        chat_id=resident.chat_id,
        text=t("questionnaire.comment_prompt", ref=q.report_id),
        purpose=OutboxPurpose.QUESTIONNAIRE,
        report_id=q.report_id,
        now=now,
    )
    questionnaire.tag(prompt, q.id, force_reply=True)
    skip = QuestionnaireAction(QuestionnaireVerb.SKIP_COMMENT, q.id).encode()
    return Reply(
        t("questionnaire.rated", rating=rating), buttons=[[(t("button.q_skip_comment"), skip)]]
    )


async def prompt_of_message(s: AsyncSession, chat_id: int, message_id: int) -> int | None:
    """The questionnaire whose comment prompt is the message ``message_id`` of ``chat_id``."""
    payload = await s.scalar(
        select(OutboxMessage.payload)
        .where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.telegram_message_id == message_id,
            OutboxMessage.purpose == OutboxPurpose.QUESTIONNAIRE,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    if not payload:
        return None
    prompt = OutboxPayload.from_json(payload)
    return prompt.questionnaire_id if prompt.force_reply else None


async def comment(
    s: AsyncSession,
    deps: Deps,
    resident: ResidentRef,
    reply_to_message_id: int,
    text: str,
    now: datetime,
) -> str | None:
    """A reply to a comment prompt: kept, and passed to the agents under the report's card.

    None when the message replied to is not a comment prompt; else what to answer.
    """
    qid = await prompt_of_message(s, resident.chat_id, reply_to_message_id)
    if qid is None:
        return None
    t = deps.texts.lang(resident.language)
    q = await _load(s, qid)
    if q is None or q.resident_id != resident.id:
        return t("questionnaire.not_for_you")
    if q.comment is not None:
        return t("questionnaire.already")
    words = text.strip()  # whole: the agents get it in as many messages as it takes
    q.comment = words
    who = await s.get_one(Resident, resident.id)
    s.add(
        ReportEvent(
            report_id=q.report_id,
            at=now,
            actor_kind=ActorKind.RESIDENT,
            actor_telegram_id=who.telegram_user_id,
            note=words,
        )
    )
    report = await load(s, q.report_id)
    chat = agents_chat(deps, report.service_code) if report else None
    if chat is not None:
        name = escape(who.first_name or "?")
        rating = q.rating if q.rating is not None else "—"

        def notice(piece: str) -> str:
            return deps.texts.get(
                deps.lang, "notice.comment", ref=q.report_id, name=name, rating=rating, text=piece
            )

        masked = await redact_off_loop(words, resident.language)
        for piece in in_pieces(notice, masked):  # masked for agents
            messages.enqueue(
                s,
                chat_id=chat,
                text=piece,
                purpose=OutboxPurpose.RESIDENT_MESSAGE,
                report_id=q.report_id,
                reply_to_card=True,
                now=now,
            )
    return t("questionnaire.comment_thanks", ref=q.report_id)
