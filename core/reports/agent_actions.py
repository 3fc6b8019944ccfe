"""What an agent asks of a report, from a card's button or a dashboard form: one dispatcher,
one policy for both doors.

The policy: an agent acts only on a report of one of their services, and only while it is
open. A closed report's card has no buttons; a press from a stale card, a page shown before a
colleague closed the report, or a forged button changes nothing and is told so
(``agent.closed``). Bringing a closed report back is a deliberate act of its own, not a side
effect of "take" (``core.reports.reopen``: a closed card's one button says how).

Words to the resident are never sent by one press: a template, like any reply, is first shown
as a draft ("this goes to the resident, in French: ...") with "Send" and "Cancel"
(``core.reports.notes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from core.actors import AgentRef, NotAllowed
from core.callbacks import AgentAction, AgentVerb, is_id
from core.deps import Deps
from core.messages import Buttons
from core.reports import assignment, notes, status, templates
from core.reports.cards import (
    answer_picker,
    card_buttons,
    colleague_picker,
    duplicate_picker,
    service_picker,
)
from core.reports.status import VERB_STATUS
from core.reports.submit import open_in_service
from core.residents import moderation
from core.residents.moderation import Hidden
from core.telegram_format import escape
from core.views import ReportView

#: Moderation: what the public sees of a report (any state: a closed report is still public).
HIDES = {AgentVerb.HIDE_TEXT: Hidden.TEXT, AgentVerb.HIDE_PHOTO: Hidden.PHOTO}
#: Verbs that change the report; the others only show a picker on the card.
CHANGES = frozenset(
    {
        *VERB_STATUS,
        AgentVerb.MOVE,
        AgentVerb.DUPLICATE_OF,
        AgentVerb.TAKE,
        AgentVerb.RELEASE,
        AgentVerb.HAND_TO,
        AgentVerb.SEND,
        AgentVerb.DROP,
        *HIDES,
    }
)


class Result(Enum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"  # already so (pressed twice)
    PICKER = "picker"  # the card's buttons to show now
    NO_CANDIDATES = "no_candidates"  # "duplicate" with no other open report to pick
    PREVIEW = "preview"  # a reply drafted (from a template): show it with Send and Cancel
    HOW_TO_REOPEN = "how_to_reopen"  # a closed card's button: reopening needs a reason


@dataclass(frozen=True)
class Outcome:
    result: Result
    report: ReportView
    buttons: Buttons = field(default_factory=list)
    draft: notes.ReplyDraft | None = None


async def perform(
    s: AsyncSession, deps: Deps, by: AgentRef, action: AgentAction, now: datetime
) -> Outcome:
    """Do ``action`` as ``by``, in the caller's transaction; raises :class:`NotAllowed`."""
    verb, rid = action.verb, action.report_id
    if verb in HIDES:
        rv, changed = await moderation.hide(s, deps, by, rid, HIDES[verb], now)
        return Outcome(Result.CHANGED if changed else Result.UNCHANGED, rv)
    if verb in VERB_STATUS:
        done = await status.change_status(s, deps, by, rid, VERB_STATUS[verb], now)
    elif verb is AgentVerb.MOVE:
        done = await status.move_to_service(s, deps, by, rid, action.arg, now)
    elif verb is AgentVerb.DUPLICATE_OF:
        if not is_id(action.arg):
            raise NotAllowed("agent.unknown_report")
        done = await status.mark_duplicate(s, deps, by, rid, int(action.arg), now)
    elif verb in (AgentVerb.TAKE, AgentVerb.RELEASE, AgentVerb.HAND_TO):
        given = await _assign(s, deps, by, action, now)
        return Outcome(Result.CHANGED if given.changed else Result.UNCHANGED, given.report)
    elif verb in (AgentVerb.SEND, AgentVerb.DROP):
        return await _reply(s, deps, by, action, now)
    elif verb is AgentVerb.TEMPLATE:
        if not is_id(action.arg):
            raise NotAllowed("agent.stale_button")
        draft = await templates.use(s, deps, by, rid, int(action.arg), now)
        rv = await status.authorise(s, deps, by, rid)
        return Outcome(Result.PREVIEW, rv, preview_buttons(deps, draft), draft)
    elif verb is AgentVerb.REOPEN:
        rv = await status.authorise(s, deps, by, rid)
        return Outcome(Result.HOW_TO_REOPEN, rv)
    else:
        return await _picker(s, deps, by, action)
    return Outcome(Result.CHANGED if done.changed else Result.UNCHANGED, done.report)


async def _assign(
    s: AsyncSession, deps: Deps, by: AgentRef, action: AgentAction, now: datetime
) -> assignment.Assigned:
    rid = action.report_id
    if action.verb is AgentVerb.TAKE:
        return await assignment.take(s, deps, by, rid, now)
    if action.verb is AgentVerb.RELEASE:
        return await assignment.release(s, deps, by, rid, now)
    if not (action.arg.isascii() and action.arg.isdigit() and len(action.arg) <= 16):
        raise NotAllowed("agent.not_a_colleague")
    return await assignment.hand_to(s, deps, by, rid, int(action.arg), now)


async def _reply(
    s: AsyncSession, deps: Deps, by: AgentRef, action: AgentAction, now: datetime
) -> Outcome:
    if not is_id(action.arg):
        raise NotAllowed("agent.stale_button")
    rid, draft_id = action.report_id, int(action.arg)
    if action.verb is AgentVerb.SEND:
        sent = await notes.send_reply(s, deps, by, rid, draft_id, now)
    else:
        sent = await notes.drop_reply(s, deps, by, rid, draft_id)
    rv = await status.authorise(s, deps, by, rid)
    return Outcome(Result.CHANGED if sent.changed else Result.UNCHANGED, rv)


def preview_buttons(deps: Deps, draft: notes.ReplyDraft) -> Buttons:
    t = deps.texts.lang(deps.lang)
    arg = str(draft.draft_id)
    return [
        [
            (t("button.send"), AgentAction(AgentVerb.SEND, draft.report_id, arg).encode()),
            (t("button.drop"), AgentAction(AgentVerb.DROP, draft.report_id, arg).encode()),
        ]
    ]


def preview_text(deps: Deps, draft: notes.ReplyDraft) -> str:
    """What the agent reads before sending: who reads it, in which language, and the words."""
    t = deps.texts.lang(deps.lang)
    head = t("agent.preview", ref=draft.report_id, language=t(f"language.{draft.lang}"))
    if draft.status is not None:
        head += "\n" + t("agent.preview_status", status=t(f"status.{draft.status.value}"))
    words = draft.text if len(draft.text) <= PREVIEW_ROOM else draft.text[:PREVIEW_ROOM] + "…"
    return f"{head}\n\n<i>{escape(words)}</i>"


#: The most of a draft shown in its preview (the whole is sent): the preview's own header and
#: Telegram's 4096 characters.
PREVIEW_ROOM = 3_500


async def _picker(s: AsyncSession, deps: Deps, by: AgentRef, action: AgentAction) -> Outcome:
    rv = await status.authorise(s, deps, by, action.report_id)
    if not rv.status.is_open:  # a stale card: its buttons would act on nothing
        raise NotAllowed("agent.closed")
    if action.verb is AgentVerb.NOT_OURS:
        buttons = service_picker(rv, deps.catalogue, deps.texts, deps.lang)
    elif action.verb is AgentVerb.HAND:
        rv, people = await assignment.colleagues(s, deps, by, action.report_id)
        buttons = colleague_picker(rv, people, deps.texts, deps.lang)
    elif action.verb is AgentVerb.ANSWER:
        offered = await templates.offered(s, rv.service)
        buttons = answer_picker(rv, offered, deps.texts, deps.lang)
    elif action.verb is AgentVerb.DUPLICATE:
        candidates = await open_in_service(s, rv.service, rv.id)
        if not candidates:
            return Outcome(Result.NO_CANDIDATES, rv)
        buttons = duplicate_picker(rv, candidates, deps.texts, deps.lang)
    else:  # BACK: the card's own buttons again
        buttons = card_buttons(rv, deps.texts, deps.lang)
    return Outcome(Result.PICKER, rv, buttons)
