"""Ideas and co-production: residents propose, the town reviews, others support, the town answers.

An idea is submitted for review (``pending_review``), then approved (published, perhaps with its
text edited to remove personal data) or declined with a reason told to its author. Published
ideas gather supports, one per resident; reaching the service's threshold puts the idea on the
agenda of the service's agents, once. Official answers and milestones reach the author and
every supporter through the outbox, held by quiet hours. Every use case runs in the caller's
transaction (no commit here).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox
from core.callbacks import IdeaAction, IdeaVerb
from core.desk import Desk
from core.status import AgentRef, NotAllowed
from storage.enums import IdeaAnswerKind, IdeaState, OutboxPurpose
from storage.models import Idea, IdeaAnswer, IdeaMilestone, IdeaSupport, Resident

#: Supports that put an idea on its service's agenda, unless configured per service.
DEFAULT_THRESHOLD = 25
#: The desk that reviews ideas of any service, and hears of those whose service has no chat.
DESK = "other"

Score = Callable[[str, str], float]


@dataclass(frozen=True)
class Thresholds:
    """How many supports put an idea on the agenda, per service."""

    default: int = DEFAULT_THRESHOLD
    per_service: Mapping[str, int] = field(default_factory=dict)

    def of(self, service: str) -> int:
        return self.per_service.get(service, self.default)


class IdeaOrder(StrEnum):
    NEWEST = "newest"
    SUPPORTED = "supported"


@dataclass(frozen=True)
class IdeaView:
    id: int
    author_id: int
    service: str
    text: str  # the published (redacted) text
    lang: str
    state: IdeaState
    supports: int
    created_at: datetime
    published_at: datetime | None
    on_agenda_at: datetime | None
    decline_reason: str | None = None


@dataclass(frozen=True)
class Supported:
    idea_id: int
    supporting: bool  # whether the resident supports it now (False: withdrawn)
    count: int
    on_agenda: bool  # this support put the idea on the agenda


def view(i: Idea) -> IdeaView:
    return IdeaView(
        i.id,
        i.resident_id,
        i.service_code,
        i.redacted_text,
        i.lang,
        i.state,
        i.supports,
        i.created_at,
        i.published_at,
        i.on_agenda_at,
        i.decline_reason,
    )


async def _load(s: AsyncSession, idea_id: int, for_update: bool = False) -> Idea:
    q = select(Idea).where(Idea.id == idea_id)
    if for_update:
        q = q.with_for_update()
    idea = await s.scalar(q)
    if idea is None:
        raise NotAllowed("idea.unknown")
    return idea


async def _authorised(s: AsyncSession, desk: Desk, by: AgentRef, idea_id: int) -> Idea:
    """Agents of the idea's service, or of the general desk, may act on it."""
    idea = await _load(s, idea_id, for_update=True)
    cat = desk.catalogue
    if not (
        cat.is_agent(by.telegram_user_id, idea.service_code)
        or cat.is_agent(by.telegram_user_id, DESK)
    ):
        raise NotAllowed("agent.not_allowed")
    return idea


async def submit(
    s: AsyncSession,
    resident_id: int,
    text: str,
    service: str,
    lang: str,
    now: datetime,
    redacted: str | None = None,
) -> IdeaView:
    """A new idea, waiting for review; ``redacted`` is the text with personal data masked."""
    idea = Idea(
        resident_id=resident_id,
        service_code=service,
        text=text,
        redacted_text=redacted or text,
        lang=lang,
        state=IdeaState.PENDING_REVIEW,
        supports=0,
        created_at=now,
    )
    s.add(idea)
    await s.flush()
    return view(idea)


async def _tell_author(
    s: AsyncSession, desk: Desk, idea: Idea, key: str, now: datetime, **params: object
) -> None:
    who = await s.get(Resident, idea.resident_id)
    if who is None or not who.chat_id:
        return
    t = desk.texts.lang(who.language)
    outbox.enqueue(
        s,
        chat_id=who.chat_id,
        text=t(key, ref=idea.id, **params),
        purpose=OutboxPurpose.IDEA,
        now=now,
    )


async def approve(
    s: AsyncSession,
    desk: Desk,
    by: AgentRef,
    idea_id: int,
    now: datetime,
    text: str | None = None,
) -> IdeaView:
    """Publish a pending idea, with ``text`` in place of its own when the reviewer edited it
    (personal data removed); its author is told."""
    idea = await _authorised(s, desk, by, idea_id)
    if idea.state is not IdeaState.PENDING_REVIEW:
        raise NotAllowed("idea.already_reviewed")
    if text is not None and text.strip():
        idea.redacted_text = text.strip()
    publish(idea, now)
    await _tell_author(s, desk, idea, "idea.published", now)
    return view(idea)


def publish(idea: Idea, now: datetime) -> None:
    """Make the idea visible and open to support."""
    idea.state, idea.published_at = IdeaState.PUBLISHED, now


async def decline(
    s: AsyncSession, desk: Desk, by: AgentRef, idea_id: int, reason: str, now: datetime
) -> IdeaView:
    """Refuse a pending idea; its author is told why."""
    idea = await _authorised(s, desk, by, idea_id)
    if idea.state is not IdeaState.PENDING_REVIEW:
        raise NotAllowed("idea.already_reviewed")
    idea.state, idea.decline_reason = IdeaState.DECLINED, reason.strip()
    await _tell_author(s, desk, idea, "idea.declined", now, reason=escape(idea.decline_reason))
    return view(idea)


def send_review_card(
    s: AsyncSession, desk: Desk, idea: IdeaView, author: str, now: datetime
) -> None:
    """The idea's card, with Approve / Decline, to its service's agents chat (or the desk's)."""
    chat = agents_chat(desk, idea.service)
    if chat is None:
        return
    da = desk.texts.lang(desk.lang)
    outbox.enqueue(
        s,
        chat_id=chat,
        text=da(
            "idea.card",
            ref=idea.id,
            service=escape(desk.catalogue.name(idea.service, desk.lang)),
            name=escape(author),
            text=escape(idea.text),
        ),
        purpose=OutboxPurpose.IDEA,
        now=now,
        buttons=[
            [
                (da("button.idea_approve"), IdeaAction(IdeaVerb.APPROVE, idea.id).encode()),
                (da("button.idea_decline"), IdeaAction(IdeaVerb.DECLINE, idea.id).encode()),
            ]
        ],
    )


def agents_chat(desk: Desk, service: str) -> int | None:
    """The service's agents chat, else the general desk's."""
    return desk.catalogue.get(service).agents_chat_id or desk.catalogue.get(DESK).agents_chat_id


async def toggle_support(
    s: AsyncSession,
    desk: Desk,
    resident_id: int,
    idea_id: int,
    now: datetime,
    thresholds: Thresholds | None = None,
) -> Supported:
    """Support a published idea, or withdraw the support when pressed again. Its author may not
    support it. The first time the count reaches the threshold, the agents are told."""
    idea = await _load(s, idea_id, for_update=True)
    if idea.state is not IdeaState.PUBLISHED:
        raise NotAllowed("idea.not_published")
    if idea.resident_id == resident_id:
        raise NotAllowed("idea.own")
    mine = await s.scalar(
        select(IdeaSupport).where(
            IdeaSupport.idea_id == idea_id, IdeaSupport.resident_id == resident_id
        )
    )
    if mine is None:
        s.add(IdeaSupport(idea_id=idea_id, resident_id=resident_id, created_at=now))
    else:
        await s.delete(mine)
    await s.flush()
    idea.supports = await support_count(s, idea_id)
    limit = (thresholds or Thresholds()).of(idea.service_code)
    on_agenda = idea.on_agenda_at is None and idea.supports >= limit
    if on_agenda:
        idea.on_agenda_at = now
        chat = agents_chat(desk, idea.service_code)
        if chat is not None:
            outbox.enqueue(
                s,
                chat_id=chat,
                text=desk.texts.get(
                    desk.lang,
                    "idea.on_agenda",
                    ref=idea.id,
                    count=idea.supports,
                    service=desk.catalogue.name(idea.service_code, desk.lang),
                    text=escape(idea.redacted_text),
                ),
                purpose=OutboxPurpose.NOTICE,
                now=now,
            )
    return Supported(idea.id, mine is None, idea.supports, on_agenda)


async def support_count(s: AsyncSession, idea_id: int) -> int:
    q = select(func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == idea_id)
    return int(await s.scalar(q) or 0)


_WORD = re.compile(r"\w{3,}")


def word_overlap(a: str, b: str) -> float:
    """Shared words over all words (Jaccard), 0..1: the simplest similarity there is."""
    wa, wb = set(_WORD.findall(a.casefold())), set(_WORD.findall(b.casefold()))
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


async def similar(
    s: AsyncSession,
    text: str,
    service: str,
    score: Score = word_overlap,
    min_score: float = 0.3,
    limit: int = 5,
) -> list[IdeaView]:
    """Published ideas of ``service`` like ``text``, most alike first. ``score`` is pluggable:
    callers pass the NLP's ``svc.nlp.similarity``."""
    rows = (
        await s.scalars(
            select(Idea)
            .where(Idea.service_code == service, Idea.state == IdeaState.PUBLISHED)
            .order_by(Idea.id.desc())
            .limit(200)
        )
    ).all()
    if not rows:
        return []
    scores = await asyncio.to_thread(lambda: [score(text, r.redacted_text) for r in rows])
    ranked = sorted(zip(scores, rows, strict=True), key=lambda p: -p[0])
    return [view(r) for sc, r in ranked if sc >= min_score][:limit]


async def published(
    s: AsyncSession,
    service: str | None = None,
    order: IdeaOrder = IdeaOrder.NEWEST,
    offset: int = 0,
    limit: int = 10,
) -> list[IdeaView]:
    """A page of published ideas, of one service or all, newest or most supported first."""
    q = select(Idea).where(Idea.state == IdeaState.PUBLISHED)
    if service is not None:
        q = q.where(Idea.service_code == service)
    if order is IdeaOrder.SUPPORTED:
        q = q.order_by(Idea.supports.desc(), Idea.published_at.desc(), Idea.id.desc())
    else:
        q = q.order_by(Idea.published_at.desc(), Idea.id.desc())
    rows = (await s.scalars(q.offset(offset).limit(limit))).all()
    return [view(r) for r in rows]


async def followers(s: AsyncSession, idea: Idea) -> list[Resident]:
    """Who hears of an idea's answers: its author, then its supporters."""
    supporters = select(IdeaSupport.resident_id).where(IdeaSupport.idea_id == idea.id)
    rows = (
        await s.scalars(
            select(Resident).where((Resident.id == idea.resident_id) | Resident.id.in_(supporters))
        )
    ).all()
    return sorted(rows, key=lambda r: (r.id != idea.resident_id, r.id))


async def _tell_followers(
    s: AsyncSession, desk: Desk, idea: Idea, now: datetime, render: Callable[[str], str]
) -> int:
    """One message per follower, in their language, held by quiet hours; returns how many."""
    not_before = desk.not_before(now)
    n = 0
    for who in await followers(s, idea):
        if not who.chat_id:
            continue
        outbox.enqueue(
            s,
            chat_id=who.chat_id,
            text=render(who.language),
            purpose=OutboxPurpose.IDEA,
            now=now,
            not_before=not_before,
        )
        n += 1
    return n


async def answer(
    s: AsyncSession,
    desk: Desk,
    by: AgentRef,
    idea_id: int,
    kind: IdeaAnswerKind,
    text: str,
    now: datetime,
) -> int:
    """The town's official answer; returns how many residents will be told."""
    idea = await _authorised(s, desk, by, idea_id)
    if idea.state is not IdeaState.PUBLISHED:
        raise NotAllowed("idea.not_published")
    s.add(
        IdeaAnswer(idea_id=idea.id, kind=kind, text=text, agent_name=by.name[:128], created_at=now)
    )

    def render(lang: str) -> str:
        t = desk.texts.lang(lang)
        return t(
            "idea.answer",
            ref=idea.id,
            idea=escape(idea.redacted_text),
            kind=t(f"idea.kind.{kind.value}"),
            text=escape(text),
        )

    return await _tell_followers(s, desk, idea, now, render)


async def add_milestone(
    s: AsyncSession,
    desk: Desk,
    by: AgentRef,
    idea_id: int,
    title: str,
    due_on: date | None,
    now: datetime,
) -> int:
    """A step the town commits to; returns how many residents will be told."""
    idea = await _authorised(s, desk, by, idea_id)
    if idea.state is not IdeaState.PUBLISHED:
        raise NotAllowed("idea.not_published")
    s.add(IdeaMilestone(idea_id=idea.id, title=title, due_on=due_on, created_at=now))

    def render(lang: str) -> str:
        t = desk.texts.lang(lang)
        due = t("idea.due", date=due_on.isoformat()) if due_on else ""
        return t("idea.milestone", ref=idea.id, title=escape(title), due=due)

    return await _tell_followers(s, desk, idea, now, render)
