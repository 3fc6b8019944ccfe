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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.actors import AgentRef, NotAllowed
from core.callbacks import IdeaOrder
from core.catalogue import DESK
from core.deps import Deps
from core.ideas import cards as idea_cards
from core.telegram_format import escape
from storage import sql
from storage.enums import IdeaState, OutboxPurpose
from storage.models import Idea, IdeaSupport, Resident

Score = Callable[[str, str], float]


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
    changed: bool = True  # False: the resident already supported it (``only_add``)


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


async def load(s: AsyncSession, idea_id: int, for_update: bool = False) -> Idea:
    q = select(Idea).where(Idea.id == idea_id)
    if for_update:
        q = sql.locked(q)
    idea = await s.scalar(q)
    if idea is None:
        raise NotAllowed("idea.unknown")
    return idea


async def authorised(s: AsyncSession, deps: Deps, by: AgentRef, idea_id: int) -> Idea:
    """Agents of the idea's service, or of the general desk, may act on it."""
    idea = await load(s, idea_id, for_update=True)
    cat = deps.catalogue
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


async def propose(
    s: AsyncSession,
    deps: Deps,
    resident_id: int,
    author: str,
    text: str,
    service: str,
    lang: str,
    now: datetime,
    redacted: str | None = None,
) -> IdeaView:
    """Submit an idea and send its review card to the agents (the service's, else the desk's)."""
    idea = await submit(s, resident_id, text, service, lang, now, redacted)
    row = await load(s, idea.id)
    idea_cards.send_review_card(s, deps, row, author, now)
    return idea


async def _tell_author(
    s: AsyncSession, deps: Deps, idea: Idea, key: str, now: datetime, **params: object
) -> None:
    who = await s.get(Resident, idea.resident_id)
    if who is None or not who.chat_id:
        return
    t = deps.texts.lang(who.language)
    messages.enqueue(
        s,
        chat_id=who.chat_id,
        text=t(key, ref=idea.id, **params),
        purpose=OutboxPurpose.IDEA,
        now=now,
    )


async def approve(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    idea_id: int,
    now: datetime,
    text: str | None = None,
) -> IdeaView:
    """Publish a pending idea, with ``text`` in place of its own when the reviewer edited it
    (personal data removed); its author is told, and its card shows who published it."""
    idea = await authorised(s, deps, by, idea_id)
    if idea.state is not IdeaState.PENDING_REVIEW:
        raise NotAllowed("idea.already_reviewed")
    t = deps.texts.lang(deps.lang)
    verdict = t("idea.approved_by", name=escape(by.name))
    if text is not None and text.strip():
        idea.redacted_text = text.strip()
        shown = idea_cards.excerpt(idea.redacted_text, idea_cards.IN_VERDICT)
        verdict = t("idea.edited_by", name=escape(by.name), text=escape(shown))
    idea.pending = idea.pending_by = None
    publish(idea, now)
    await _tell_author(s, deps, idea, "idea.published", now)
    await refresh_card(s, deps, idea, verdict, now)
    return view(idea)


async def refresh_card(
    s: AsyncSession, deps: Deps, idea: Idea, verdict: str, now: datetime
) -> None:
    """The idea's card in the agents chat, with ``verdict`` (its latest state) under it."""
    author = await s.get(Resident, idea.resident_id)
    name = author.first_name if author is not None else ""
    idea_cards.refresh_review_card(s, deps, idea, name, verdict, now)


def publish(idea: Idea, now: datetime) -> None:
    """Make the idea visible and open to support."""
    idea.state, idea.published_at = IdeaState.PUBLISHED, now


async def decline(
    s: AsyncSession, deps: Deps, by: AgentRef, idea_id: int, reason: str, now: datetime
) -> IdeaView:
    """Refuse a pending idea; its author is told why."""
    idea = await authorised(s, deps, by, idea_id)
    if idea.state is not IdeaState.PENDING_REVIEW:
        raise NotAllowed("idea.already_reviewed")
    idea.state, idea.decline_reason = IdeaState.DECLINED, reason.strip()
    idea.pending = idea.pending_by = None
    await _tell_author(s, deps, idea, "idea.declined", now, reason=escape(idea.decline_reason))
    t = deps.texts.lang(deps.lang)
    reason = idea_cards.excerpt(idea.decline_reason, idea_cards.IN_VERDICT)
    verdict = t("idea.declined_by", name=escape(by.name), reason=escape(reason))
    await refresh_card(s, deps, idea, verdict, now)
    return view(idea)


async def toggle_support(
    s: AsyncSession,
    deps: Deps,
    resident_id: int,
    idea_id: int,
    now: datetime,
    only_add: bool = False,
) -> Supported:
    """Support a published idea, or withdraw the support when pressed again (``only_add``: a
    second press changes nothing). Its author may not support it. The first time the count
    reaches the service's threshold, the idea goes on the agenda of its agents."""
    idea = await load(s, idea_id, for_update=True)
    if idea.state is not IdeaState.PUBLISHED:
        raise NotAllowed("idea.not_published")
    if idea.resident_id == resident_id:
        raise NotAllowed("idea.own")
    mine = await s.scalar(
        select(IdeaSupport).where(
            IdeaSupport.idea_id == idea_id, IdeaSupport.resident_id == resident_id
        )
    )
    if mine is not None and only_add:
        return Supported(idea.id, True, idea.supports, False, changed=False)
    if mine is None:
        s.add(IdeaSupport(idea_id=idea_id, resident_id=resident_id, created_at=now))
    else:
        await s.delete(mine)
    await s.flush()
    on_agenda = await _count_and_check(s, deps, idea, now)
    return Supported(idea.id, mine is None, idea.supports, on_agenda)


async def recount(s: AsyncSession, deps: Deps, idea_id: int, now: datetime) -> None:
    """The idea's count again (a supporter's phone was checked): it may reach the agenda."""
    idea = await load(s, idea_id, for_update=True)
    if idea.state is IdeaState.PUBLISHED:
        await _count_and_check(s, deps, idea, now)


async def _count_and_check(s: AsyncSession, deps: Deps, idea: Idea, now: datetime) -> bool:
    """Count the supports; True when this count first puts the idea on its agenda."""
    idea.supports = await support_count(s, idea.id, deps.settings.idea_require_phone)
    threshold = deps.settings.threshold(idea.service_code)
    on_agenda = idea.on_agenda_at is None and idea.supports >= threshold
    if on_agenda:
        idea.on_agenda_at = idea.reminded_at = now
        idea_cards.send_agenda_notice(s, deps, idea, now)
    return on_agenda


async def support_count(s: AsyncSession, idea_id: int, require_phone: bool = False) -> int:
    """Supports that count: with ``require_phone`` (``ideas.require_phone``), only those of
    residents who shared their phone number (``core.residents.phone``)."""
    q = select(func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == idea_id)
    if require_phone:
        q = q.join(Resident, Resident.id == IdeaSupport.resident_id).where(
            Resident.phone_hash.is_not(None)
        )
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
    exclude_resident: int | None = None,
) -> list[IdeaView]:
    """Published ideas of ``service`` like ``text``, most alike first. ``score`` is pluggable:
    callers pass the NLP's ``svc.nlp.similarity``."""
    rows = (
        await s.scalars(
            select(Idea)
            .where(
                Idea.service_code == service,
                Idea.state == IdeaState.PUBLISHED,
                Idea.resident_id != (exclude_resident or 0),
            )
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


async def tell_followers(
    s: AsyncSession, deps: Deps, idea: Idea, now: datetime, render: Callable[[str], str]
) -> int:
    """One message per follower, in their language, held by quiet hours; returns how many."""
    not_before = deps.settings.not_before(now)
    n = 0
    for who in await followers(s, idea):
        if not who.chat_id:
            continue
        messages.enqueue(
            s,
            chat_id=who.chat_id,
            text=render(who.language),
            purpose=OutboxPurpose.IDEA,
            now=now,
            not_before=not_before,
        )
        n += 1
    return n
