"""What an agent asks of a report, from a card's button or a dashboard form: one dispatcher,
one policy for both doors.

The policy: an agent acts only on a report of one of their services, and only while it is
open. A closed report's card has no buttons; a press from a stale card, a page shown before a
colleague closed the report, or a forged button changes nothing and is told so
(``agent.closed``). Bringing a closed report back is a deliberate act of its own, not a side
effect of "take".
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
from core.reports import status
from core.reports.cards import card_buttons, duplicate_picker, service_picker
from core.reports.status import VERB_STATUS
from core.reports.submit import open_in_service
from core.residents import moderation
from core.residents.moderation import Hidden
from core.views import ReportView

#: Moderation: what the public sees of a report (any state: a closed report is still public).
HIDES = {AgentVerb.HIDE_TEXT: Hidden.TEXT, AgentVerb.HIDE_PHOTO: Hidden.PHOTO}
#: Verbs that change the report; the others only show a picker on the card.
CHANGES = frozenset({*VERB_STATUS, AgentVerb.MOVE, AgentVerb.DUPLICATE_OF, *HIDES})


class Result(Enum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"  # already so (pressed twice)
    PICKER = "picker"  # the card's buttons to show now
    NO_CANDIDATES = "no_candidates"  # "duplicate" with no other open report to pick


@dataclass(frozen=True)
class Outcome:
    result: Result
    report: ReportView
    buttons: Buttons = field(default_factory=list)


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
    else:
        return await _picker(s, deps, by, action)
    return Outcome(Result.CHANGED if done.changed else Result.UNCHANGED, done.report)


async def _picker(s: AsyncSession, deps: Deps, by: AgentRef, action: AgentAction) -> Outcome:
    rv = await status.authorise(s, deps, by, action.report_id)
    if not rv.status.is_open:  # a stale card: its buttons would act on nothing
        raise NotAllowed("agent.closed")
    if action.verb is AgentVerb.NOT_OURS:
        buttons = service_picker(rv, deps.catalogue, deps.texts, deps.lang)
    elif action.verb is AgentVerb.DUPLICATE:
        candidates = await open_in_service(s, rv.service, rv.id)
        if not candidates:
            return Outcome(Result.NO_CANDIDATES, rv)
        buttons = duplicate_picker(rv, candidates, deps.texts, deps.lang)
    else:  # BACK: the card's own buttons again
        buttons = card_buttons(rv, deps.texts, deps.lang)
    return Outcome(Result.PICKER, rv, buttons)
