"""What the agents chat sees of an idea: its review card, its place on the agenda, reminders and
milestones, each with the buttons that act on it.

Every message is sent through the outbox with the idea's id, so that an agent's reply to any
of them is read as the text the last button asked for (``core.ideas.answers.on_reply``).
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.callbacks import IdeaAction, IdeaVerb
from core.deps import Deps
from core.i18n import Translate
from core.messages import Buttons
from core.telegram_format import escape
from nlp.redact import redact
from storage import outbox
from storage.enums import IdeaAnswerKind, IdeaState, OutboxKind, OutboxPurpose
from storage.models import Idea, IdeaMilestone

#: How much of an idea each message quotes: a Telegram message holds 4,096 characters, and a
#: card carries the idea, its author and the latest answer; a list carries five ideas.
ON_CARD, IN_NOTICE, IN_LIST, IN_VERDICT = 2_500, 300, 300, 600


def excerpt(text: str, limit: int) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def agents_chat(deps: Deps, service: str) -> int | None:
    """The service's agents chat, else the general desk's."""
    return deps.catalogue.card_chat(service)


async def idea_of_message(s: AsyncSession, chat_id: int, message_id: int) -> int | None:
    """The idea whose card (or prompt) ``message_id`` is in ``chat_id``: a reply to it acts on
    the idea."""
    return await outbox.idea_of_message(s, chat_id, message_id)


def review_buttons(t: Translate, idea_id: int) -> Buttons:
    return [
        [
            (t("button.idea_approve"), IdeaAction(IdeaVerb.APPROVE, idea_id).encode()),
            (t("button.idea_edit"), IdeaAction(IdeaVerb.EDIT, idea_id).encode()),
        ],
        [(t("button.idea_decline"), IdeaAction(IdeaVerb.DECLINE, idea_id).encode())],
    ]


def answer_buttons(t: Translate, idea_id: int) -> Buttons:
    """The official answers an agent may give, and a milestone for planned work."""

    def b(kind: IdeaAnswerKind) -> tuple[str, str]:
        return t(f"idea.kind.{kind.value}"), IdeaAction(
            IdeaVerb.ANSWER, idea_id, arg=kind.value
        ).encode()

    k = IdeaAnswerKind
    return [
        [b(k.UNDER_STUDY), b(k.PLANNED), b(k.ACCEPTED)],
        [b(k.DECLINED), b(k.DONE)],
        [(t("button.idea_milestone"), IdeaAction(IdeaVerb.MILESTONE, idea_id).encode())],
    ]


def _card_text(t: Translate, deps: Deps, idea: Idea, author: str) -> str:
    """The idea as written, then where it stands: to review, or published (a declined idea's
    verdict says it all). No support count: the card is not edited at each support, and a
    stale figure would mislead; the agenda notice says when the threshold is reached."""
    card = t(
        "idea.card",
        ref=idea.id,
        service=escape(deps.catalogue.name(idea.service_code, deps.lang)),
        name=escape(author),
        # masked: the whole group reads it (the author's own words stay in ``idea.text``)
        text=escape(excerpt(redact(idea.text, deps.lang), ON_CARD)),
    )
    if idea.state is IdeaState.PENDING_REVIEW:
        return f"{card}\n\n{t('idea.card_pending')}"
    if idea.state is IdeaState.PUBLISHED:
        return f"{card}\n\n{t('idea.card_published')}"
    return card


def send_review_card(s: AsyncSession, deps: Deps, idea: Idea, author: str, now: datetime) -> None:
    """The idea as written, for review: Approve, Edit and approve, Decline."""
    chat = agents_chat(deps, idea.service_code)
    if chat is None:
        return
    t = deps.texts.lang(deps.lang)
    messages.enqueue(
        s,
        chat_id=chat,
        text=_card_text(t, deps, idea, author),
        purpose=OutboxPurpose.IDEA,
        now=now,
        buttons=review_buttons(t, idea.id),
        idea_id=idea.id,
    )


def refresh_review_card(
    s: AsyncSession, deps: Deps, idea: Idea, author: str, verdict: str, now: datetime
) -> None:
    """The review card once reviewed by a reply: the verdict under it, and the answer buttons
    if the idea is published (none if declined)."""
    chat = agents_chat(deps, idea.service_code)
    if chat is None:
        return
    t = deps.texts.lang(deps.lang)
    published = idea.state is IdeaState.PUBLISHED
    messages.enqueue(
        s,
        chat_id=chat,
        text=f"{_card_text(t, deps, idea, author)}\n\n{verdict}",
        purpose=OutboxPurpose.IDEA,
        now=now,
        buttons=answer_buttons(t, idea.id) if published else [],
        kind=OutboxKind.EDIT_CARD,
        idea_id=idea.id,
    )


def send_agenda_notice(
    s: AsyncSession, deps: Deps, idea: Idea, now: datetime, reminder: bool = False
) -> bool:
    """Ask the agents chat for an official answer (first time, or a reminder)."""
    chat = agents_chat(deps, idea.service_code)
    if chat is None:
        return False
    t = deps.texts.lang(deps.lang)
    messages.enqueue(
        s,
        chat_id=chat,
        text=t(
            "idea.reminder" if reminder else "idea.on_agenda",
            ref=idea.id,
            count=idea.supports,
            service=escape(deps.catalogue.name(idea.service_code, deps.lang)),
            text=escape(excerpt(idea.redacted_text, IN_NOTICE)),
        ),
        purpose=OutboxPurpose.NOTICE,
        now=now,
        buttons=answer_buttons(t, idea.id),
        idea_id=idea.id,
    )
    return True


def milestone_line(t: Translate, lang: str, m: IdeaMilestone) -> str:
    """The milestone's title, and its due date written the reader's way."""
    due = t("idea.due", date=format_date(m.due_on, "long", locale=lang)) if m.due_on else ""
    return t("idea.milestone_line", title=escape(m.title), due=due)


def send_milestone_card(
    s: AsyncSession, deps: Deps, idea: Idea, m: IdeaMilestone, now: datetime
) -> None:
    """The milestone in the agents chat, with the button that marks it reached."""
    chat = agents_chat(deps, idea.service_code)
    if chat is None:
        return
    t = deps.texts.lang(deps.lang)
    done = IdeaAction(IdeaVerb.MILESTONE_DONE, idea.id, arg=str(m.id)).encode()
    messages.enqueue(
        s,
        chat_id=chat,
        text=t("idea.milestone_card", ref=idea.id, line=milestone_line(t, deps.lang, m)),
        purpose=OutboxPurpose.NOTICE,
        now=now,
        buttons=[[(t("button.milestone_done"), done)]],
        idea_id=idea.id,
    )


def send_prompt(s: AsyncSession, deps: Deps, idea: Idea, text: str, now: datetime) -> None:
    """Ask the agents chat for a text: a reply to this prompt (or to any message of the idea)
    is read as that text."""
    chat = agents_chat(deps, idea.service_code)
    if chat is None:
        return
    messages.enqueue(
        s,
        chat_id=chat,
        text=text,
        purpose=OutboxPurpose.NOTICE,
        now=now,
        idea_id=idea.id,
        force_reply=True,
    )
