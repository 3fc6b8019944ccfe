"""Direct replies that Telegram did not take go through the outbox instead.

A reply to a resident (the next question of her report, "thanks, #123") is sent at once after
the update's commit and tried again for about 30 seconds (``handlers.failures``). During a
longer Bot API outage that is not enough: what is left of the reply is queued here, in order,
and the outbox delivers it when Telegram is back, so that no resident loses her reference.
"""

from __future__ import annotations

from core.conversation.prompts import Reply
from core.deps import Deps
from core.messages import enqueue
from storage.enums import OutboxPurpose


async def hand_over(deps: Deps, chat_id: int, replies: list[Reply]) -> int:
    """Queue ``replies`` (their text and inline buttons; a location keyboard cannot wait in
    the outbox, its text can) in one transaction; returns how many."""
    now = deps.clock()
    async with deps.writing() as s:
        for r in replies:
            enqueue(
                s,
                chat_id=chat_id,
                text=r.text,
                purpose=OutboxPurpose.NOTICE,
                now=now,
                buttons=r.buttons or None,
            )
        await s.commit()
    return len(replies)
