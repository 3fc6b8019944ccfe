"""Residents' data belongs to them: export all of it, or erase it.

Erasure keeps what the town needs to run its services (that a problem of a service was
reported, its point on the map, and what became of it) and removes everything about the
person: their Telegram identity, their words (the text and a typed address, which may be their
home), their photos, their drafts, their training examples, their questionnaires, their survey
answers, their subscriptions, the updates they sent as the inbox stored them, and the words
of the messages already delivered to them or about their reports and ideas. Their ideas
keep only what was published (reviewed free of personal data: others support it and the town
answers it); unpublished ones lose their words, and their supports are withdrawn.

Nothing of her is left where the agents read either: the cards of her reports are edited
(a photo card's caption, since Telegram refuses a text edit of a photo), the agents' notes
on her reports are emptied (they answer her words, often quote them), and the messages about
her reports and ideas still waiting in the outbox are dropped (a card not yet sent is then
sent as it stands after the erasure). A photo file is deleted only when no other report
keeps a copy of it (two residents may send the same file: Telegram gives it one name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.deps import Deps
from core.ideas import proposals as ideas
from core.reports import status
from core.reports import submit as reports
from core.residents.export import export
from core.views import ERASED
from storage.enums import ActorKind, IdeaState, OutboxState
from storage.models import (
    CoReporter,
    Draft,
    Idea,
    IdeaSupport,
    InboxUpdate,
    LabelledExample,
    OutboxMessage,
    Photo,
    Questionnaire,
    Report,
    ReportEvent,
    Resident,
    Subscription,
    SurveyAnswer,
)

__all__ = ["Erased", "erase", "export", "remove_files"]


@dataclass(frozen=True)
class Erased:
    reports: int
    photo_paths: list[str]  # files for the caller to delete once committed


async def erase(
    s: AsyncSession,
    deps: Deps,
    resident_id: int,
    now: datetime,
    through_update: int | None = None,
) -> Erased:
    """Erase the resident (see the module's docstring). ``through_update``: the Telegram
    update asking for it, whose stored copy is emptied too, with those before it."""
    who = await s.get_one(Resident, resident_id)
    chat = who.chat_id
    report_ids = list(
        (await s.scalars(select(Report.id).where(Report.resident_id == resident_id))).all()
    )
    paths: list[str] = []
    with_photo: set[int] = set()
    if report_ids:
        photos = (
            await s.execute(
                select(Photo.report_id, Photo.path).where(Photo.report_id.in_(report_ids))
            )
        ).all()
        with_photo = {rid for rid, _ in photos}
        await s.execute(delete(Photo).where(Photo.report_id.in_(report_ids)))
        paths = await _unshared(s, {p for _, p in photos if p})
        await s.execute(
            update(Report)
            .where(Report.id.in_(report_ids))
            .values(text=ERASED, redacted_text=ERASED, address=None, updated_at=now)
        )
        await s.execute(
            update(ReportEvent)
            .where(
                ReportEvent.report_id.in_(report_ids),
                ReportEvent.actor_kind == ActorKind.RESIDENT,
            )
            .values(note=None, actor_telegram_id=None, actor_name="")
        )
        # The agents' notes on her reports answer her words (and often quote them).
        await s.execute(
            update(ReportEvent)
            .where(ReportEvent.report_id.in_(report_ids), ReportEvent.note.is_not(None))
            .values(note=ERASED)
        )
    if who.telegram_user_id is not None:  # their words on reports of others (comments)
        await s.execute(
            update(ReportEvent)
            .where(
                ReportEvent.actor_kind == ActorKind.RESIDENT,
                ReportEvent.actor_telegram_id == who.telegram_user_id,
            )
            .values(note=None, actor_telegram_id=None)
        )
    await s.execute(delete(Questionnaire).where(Questionnaire.resident_id == resident_id))
    await s.execute(delete(SurveyAnswer).where(SurveyAnswer.resident_id == resident_id))
    await s.execute(delete(Subscription).where(Subscription.resident_id == resident_id))
    joined = list(
        (
            await s.scalars(
                select(CoReporter.report_id).where(CoReporter.resident_id == resident_id)
            )
        ).all()
    )
    await s.execute(delete(CoReporter).where(CoReporter.resident_id == resident_id))
    idea_ids = list((await s.scalars(select(Idea.id).where(Idea.resident_id == resident_id))).all())
    await _erase_outbox(s, chat, report_ids, idea_ids)
    await _drop_queued(s, chat, report_ids, idea_ids)
    await _erase_ideas(s, deps, resident_id)
    await s.execute(delete(LabelledExample).where(LabelledExample.resident_id == resident_id))
    if who.telegram_user_id is not None:
        await s.execute(delete(Draft).where(Draft.user_id == who.telegram_user_id))
    if chat is not None:
        await _erase_inbox(s, chat, through_update)
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == chat, OutboxMessage.state == OutboxState.PENDING)
            .values(state=OutboxState.FAILED, last_error="resident erased", payload={})
        )
    who.telegram_user_id, who.chat_id, who.first_name = None, None, ""
    who.phone_hash = None  # her number's fingerprint: the number may serve someone else
    who.consent_training, who.last_seen_at = None, now
    who.consent_surveys, who.last_surveyed_at = None, None
    await s.flush()
    # The agents' cards lose the words and the name too, and the count of co-reporters.
    for rid in [*report_ids, *(r for r in joined if r not in report_ids)]:
        rv = await reports.get_view(s, rid)
        chat_id = deps.catalogue.card_chat(rv.service) if rv else None
        if rv is not None and chat_id is not None:
            await status.refresh_card(
                s, deps, rv, chat_id, now, buttons=rv.status.is_open, photo_card=rid in with_photo
            )
    return Erased(len(report_ids), paths)


async def _erase_outbox(
    s: AsyncSession, chat: int | None, report_ids: list[int], idea_ids: list[int]
) -> None:
    """Messages already dealt with keep their history (state, dates, Telegram's message id:
    what cards and replies are found by), not their words: those sent to the resident, and
    those about their reports and ideas (cards with their words and first name, their replies
    relayed to the agents). Messages still to send are left to the steps below."""
    about = []
    if chat is not None:
        about.append(OutboxMessage.chat_id == chat)
    if report_ids:
        about.append(OutboxMessage.report_id.in_(report_ids))
    if idea_ids:
        about.append(OutboxMessage.idea_id.in_(idea_ids))
    if not about:
        return
    waiting = [OutboxState.PENDING, OutboxState.CLAIMED, OutboxState.SENDING]
    await s.execute(
        update(OutboxMessage)
        .where(or_(*about), OutboxMessage.state.not_in(waiting))
        .values(payload={})
        .execution_options(synchronize_session=False)
    )


async def _drop_queued(
    s: AsyncSession, chat: int | None, report_ids: list[int], idea_ids: list[int]
) -> None:
    """Messages about her reports and ideas still waiting for other chats (a card, her words
    relayed, a notice naming her) are dropped, not sent: the cards are refreshed after this
    (an edit of a card never sent sends it anew, as it stands). Those of her published ideas
    stay (the town speaks of the reviewed text to its supporters)."""
    about = []
    if report_ids:
        about.append(OutboxMessage.report_id.in_(report_ids))
    unpublished = (
        select(Idea.id).where(Idea.id.in_(idea_ids), Idea.state != IdeaState.PUBLISHED)
        if idea_ids
        else None
    )
    if unpublished is not None:
        about.append(OutboxMessage.idea_id.in_(unpublished))
    if not about:
        return
    others = [] if chat is None else [OutboxMessage.chat_id != chat]  # hers: below
    await s.execute(
        update(OutboxMessage)
        .where(or_(*about), OutboxMessage.state == OutboxState.PENDING, *others)
        .values(state=OutboxState.FAILED, last_error="resident erased", payload={})
        .execution_options(synchronize_session=False)
    )


async def _unshared(s: AsyncSession, paths: set[str]) -> list[str]:
    """The files no other report keeps a copy of (called once hers are deleted): the others
    stay on disk."""
    if not paths:
        return []
    kept = set((await s.scalars(select(Photo.path).where(Photo.path.in_(paths)))).all())
    return sorted(paths - kept)


async def _erase_inbox(s: AsyncSession, chat: int, through_update: int | None) -> None:
    """The inbox keeps each update as Telegram sent it (words, name, ids): the ones of the
    resident's chat already dealt with are emptied. Those still waiting (written after the
    request) are left to be processed."""
    done = or_(
        InboxUpdate.processed_at.is_not(None),
        InboxUpdate.update_id <= (through_update if through_update is not None else -1),
    )
    await s.execute(
        update(InboxUpdate)
        .where(InboxUpdate.chat_id == chat, done)
        .values(payload={}, chat_id=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


async def _erase_ideas(s: AsyncSession, deps: Deps, resident_id: int) -> None:
    """Published ideas keep their reviewed text only; the others lose their words and leave
    the review queue; supports given are withdrawn (and the counts follow)."""
    await s.execute(
        update(Idea)
        .where(Idea.resident_id == resident_id, Idea.state == IdeaState.PUBLISHED)
        .values(text=Idea.redacted_text)
    )
    await s.execute(
        update(Idea)
        .where(Idea.resident_id == resident_id, Idea.state != IdeaState.PUBLISHED)
        .values(
            text=ERASED,
            redacted_text=ERASED,
            state=IdeaState.DECLINED,
            decline_reason=None,
            pending=None,
            pending_by=None,
        )
    )
    supported = (
        await s.scalars(select(IdeaSupport.idea_id).where(IdeaSupport.resident_id == resident_id))
    ).all()
    await s.execute(delete(IdeaSupport).where(IdeaSupport.resident_id == resident_id))
    for idea_id in supported:
        idea = await s.get(Idea, idea_id)
        if idea is not None:
            idea.supports = await ideas.support_count(s, idea_id, deps.settings.idea_require_phone)


def remove_files(paths: list[str]) -> None:
    for p in paths:
        Path(p).unlink(missing_ok=True)
