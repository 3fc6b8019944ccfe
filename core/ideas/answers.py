"""The town's side of an idea after review: official answers, milestones, reminders, and the
agents' replies that carry their texts.

An agent presses a button on an idea's card (Edit, Decline, an answer, a milestone); the idea
remembers what was asked and by whom (``Idea.pending``, ``pending_by``), and that agent's next
reply to any of the idea's messages in the agents chat is that text (a colleague takes over by
pressing the button again). Every use case runs in the
caller's transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import AgentRef, NotAllowed
from core.deps import Deps
from core.ideas import cards as idea_cards
from core.ideas import proposals as ideas
from core.telegram_format import escape
from storage.enums import IdeaAnswerKind, IdeaState
from storage.models import Idea, IdeaAnswer, IdeaMilestone

#: What a reply may carry: the published text, a decline reason, a milestone, an answer's text.
EDIT, DECLINE, MILESTONE, ANSWER = "edit", "decline", "milestone", "answer"
_REVIEW = (EDIT, DECLINE)
#: Longest text an agent's reply may publish (the rest would not fit a Telegram message).
MAX_TEXT = 3_000


@dataclass(frozen=True)
class Replied:
    """What an agent's reply did: ``what`` is one of the pending kinds above."""

    idea_id: int
    what: str
    told: int = 0  # residents who will hear of it
    kind: IdeaAnswerKind | None = None


def _pending(what: str, kind: IdeaAnswerKind | None = None) -> str:
    return f"{ANSWER}:{kind.value}" if kind is not None else what


async def ask(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    idea_id: int,
    what: str,
    now: datetime,
    answer_kind: str = "",
) -> ideas.IdeaView:
    """An agent pressed Edit, Decline, an answer or Milestone: the agents chat is asked for its
    text, and the next reply of one of the service's agents is that text."""
    kind = None
    if what == ANSWER:
        try:
            kind = IdeaAnswerKind(answer_kind)
        except ValueError as exc:
            raise NotAllowed("idea.stale_button") from exc
    idea = await ideas.authorised(s, deps, by, idea_id)
    if what in _REVIEW and idea.state is not IdeaState.PENDING_REVIEW:
        raise NotAllowed("idea.already_reviewed")
    if what in (ANSWER, MILESTONE) and idea.state is not IdeaState.PUBLISHED:
        raise NotAllowed("idea.not_published")
    idea.pending, idea.pending_by = _pending(what, kind), by.telegram_user_id
    t = deps.texts.lang(deps.lang)
    kind_name = t(f"idea.kind.{kind.value}") if kind is not None else ""
    asked = t(f"idea.prompt.{what}", ref=idea.id, name=escape(by.name), kind=kind_name)
    idea_cards.send_prompt(s, deps, idea, asked, now)
    return ideas.view(idea)


async def on_reply(
    s: AsyncSession, deps: Deps, by: AgentRef, idea_id: int, text: str, now: datetime
) -> Replied:
    """An agent replied to one of the idea's messages: do what its last button asked."""
    idea = await ideas.authorised(s, deps, by, idea_id)
    text = text.strip()[:MAX_TEXT]
    if not idea.pending:
        raise NotAllowed("idea.reply_nothing_pending")
    if idea.pending_by is not None and idea.pending_by != by.telegram_user_id:
        raise NotAllowed("idea.reply_not_yours")  # a colleague's button: they write the text
    if not text:
        raise NotAllowed("idea.reply_empty")
    what, _, arg = idea.pending.partition(":")
    if what == EDIT:
        await ideas.approve(s, deps, by, idea_id, now, text=text)
        return Replied(idea_id, EDIT)
    if what == DECLINE:
        await ideas.decline(s, deps, by, idea_id, text, now)
        return Replied(idea_id, DECLINE)
    if what == MILESTONE:
        title, due = parse_milestone(text)
        told = await add_milestone(s, deps, by, idea_id, title, due, now)
        return Replied(idea_id, MILESTONE, told)
    kind = IdeaAnswerKind(arg)
    told = await answer(s, deps, by, idea_id, kind, text, now)
    return Replied(idea_id, ANSWER, told, kind)


_DATE = re.compile(r"[\s,;:–—-]*(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})/(\d{4}))\s*\.?$")


def parse_milestone(text: str) -> tuple[str, date | None]:
    """ "Title, 2027-03-01" or "Title 01/03/2027": the title, and the due date if one ends it.
    A date that does not exist (31/02) stays in the title rather than being guessed."""
    text = text.strip()
    m = _DATE.search(text)
    if m is None or not text[: m.start()].strip():
        return text, None
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else m.group(6, 5, 4)
    try:
        due = date(int(y), int(mo), int(d))
    except ValueError:
        return text, None
    return text[: m.start()].strip(), due


async def answer(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    idea_id: int,
    kind: IdeaAnswerKind,
    text: str,
    now: datetime,
) -> int:
    """The town's official answer; the author and every supporter are told (and thanked when
    it is done). Returns how many residents will be told."""
    idea = await ideas.authorised(s, deps, by, idea_id)
    if idea.state is not IdeaState.PUBLISHED:
        raise NotAllowed("idea.not_published")
    s.add(
        IdeaAnswer(idea_id=idea.id, kind=kind, text=text, agent_name=by.name[:128], created_at=now)
    )
    idea.pending = idea.pending_by = None
    t = deps.texts.lang(deps.lang)
    verdict = t(
        "idea.answered_by",
        kind=t(f"idea.kind.{kind.value}"),
        name=escape(by.name),
        text=escape(idea_cards.excerpt(text, idea_cards.IN_VERDICT)),
    )
    await ideas.refresh_card(s, deps, idea, verdict, now)

    def render(lang: str) -> str:
        t = deps.texts.lang(lang)
        said = t(
            "idea.answer",
            ref=idea.id,
            idea=escape(idea_cards.excerpt(idea.redacted_text, idea_cards.IN_NOTICE)),
            kind=t(f"idea.kind.{kind.value}"),
            text=escape(text),
        )
        return f"{said}\n\n{t('idea.thanks_done')}" if kind is IdeaAnswerKind.DONE else said

    return await ideas.tell_followers(s, deps, idea, now, render)


async def add_milestone(
    s: AsyncSession,
    deps: Deps,
    by: AgentRef,
    idea_id: int,
    title: str,
    due_on: date | None,
    now: datetime,
) -> int:
    """A step the town commits to; followers are told, and the agents chat gets its card with
    a button to mark it reached. Returns how many residents will be told."""
    idea = await ideas.authorised(s, deps, by, idea_id)
    if idea.state is not IdeaState.PUBLISHED:
        raise NotAllowed("idea.not_published")
    m = IdeaMilestone(idea_id=idea.id, title=title[:500], due_on=due_on, created_at=now)
    s.add(m)
    await s.flush()
    idea.pending = idea.pending_by = None
    idea_cards.send_milestone_card(s, deps, idea, m, now)

    def render(lang: str) -> str:
        t = deps.texts.lang(lang)
        return t("idea.milestone", ref=idea.id, line=idea_cards.milestone_line(t, lang, m))

    return await ideas.tell_followers(s, deps, idea, now, render)


@dataclass(frozen=True)
class Reached:
    told: int  # residents who will hear of it
    card: str  # the milestone's card, marked reached, for the agents chat


async def milestone_done(
    s: AsyncSession, deps: Deps, by: AgentRef, idea_id: int, milestone_id: int, now: datetime
) -> Reached:
    """A milestone is reached, once; followers are told."""
    idea = await ideas.authorised(s, deps, by, idea_id)
    m = await s.get(IdeaMilestone, milestone_id)
    if m is None or m.idea_id != idea.id:
        raise NotAllowed("idea.unknown")
    if m.done_at is not None:
        raise NotAllowed("idea.milestone_already_done")
    m.done_at = now

    def render(lang: str) -> str:
        t = deps.texts.lang(lang)
        return t("idea.milestone_reached", ref=idea.id, line=idea_cards.milestone_line(t, lang, m))

    told = await ideas.tell_followers(s, deps, idea, now, render)
    t = deps.texts.lang(deps.lang)
    card = t("idea.milestone_card", ref=idea.id, line=idea_cards.milestone_line(t, deps.lang, m))
    done = t("idea.milestone_done_by", name=escape(by.name), count=told)
    return Reached(told, f"{card}\n\n{done}")


async def remind_due(s: AsyncSession, deps: Deps, now: datetime, limit: int = 100) -> int:
    """Remind the agents of ideas on their agenda still without an official answer, every
    ``desk.idea_remind``. Returns how many reminders were queued."""
    answered = exists().where(IdeaAnswer.idea_id == Idea.id)
    due = (
        await s.scalars(
            select(Idea)
            .where(
                Idea.state == IdeaState.PUBLISHED,
                Idea.on_agenda_at.is_not(None),
                Idea.reminded_at <= now - deps.settings.idea_remind,
                ~answered,
            )
            .order_by(Idea.on_agenda_at)
            .limit(limit)
        )
    ).all()
    n = 0
    for idea in due:
        idea.reminded_at = now
        n += idea_cards.send_agenda_notice(s, deps, idea, now, reminder=True)
    return n


async def current_answer(s: AsyncSession, idea_id: int) -> IdeaAnswer | None:
    """The town's latest official answer to an idea."""
    return await s.scalar(
        select(IdeaAnswer)
        .where(IdeaAnswer.idea_id == idea_id)
        .order_by(IdeaAnswer.created_at.desc(), IdeaAnswer.id.desc())
        .limit(1)
    )


async def remind_job(svc: Deps) -> int:
    """Job: remind agents chats of the ideas on their agenda still waiting for an answer."""
    async with svc.writing() as s:
        n = await remind_due(s, svc, svc.clock())
        await s.commit()
    return n


@dataclass(frozen=True)
class IdeaLine:
    """An idea as the town follows it: supports, its latest answer, its milestones."""

    idea: ideas.IdeaView
    answer: IdeaAnswerKind | None
    answered_at: datetime | None
    milestones: int
    milestones_done: int


async def overview(
    s: AsyncSession, service: str | None = None, state: IdeaState | None = None
) -> list[IdeaLine]:
    """Every idea (of a service, in a state), most supported first, with its answer so far."""
    q = select(Idea).order_by(Idea.supports.desc(), Idea.id)
    if service is not None:
        q = q.where(Idea.service_code == service)
    if state is not None:
        q = q.where(Idea.state == state)
    rows = (await s.scalars(q)).all()
    ids = [r.id for r in rows]
    latest: dict[int, IdeaAnswer] = {}
    for said in (
        await s.scalars(
            select(IdeaAnswer).where(IdeaAnswer.idea_id.in_(ids)).order_by(IdeaAnswer.id)
        )
    ).all():
        latest[said.idea_id] = said  # ordered by id: the last one wins
    steps: dict[int, list[IdeaMilestone]] = {}
    for m in (await s.scalars(select(IdeaMilestone).where(IdeaMilestone.idea_id.in_(ids)))).all():
        steps.setdefault(m.idea_id, []).append(m)
    out = []
    for r in rows:
        a, ms = latest.get(r.id), steps.get(r.id, [])
        out.append(
            IdeaLine(
                ideas.view(r),
                a.kind if a else None,
                a.created_at if a else None,
                len(ms),
                sum(m.done_at is not None for m in ms),
            )
        )
    return out
