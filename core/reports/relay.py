"""A resident's words threaded on the card of the report they concern, and the cutting of long
words into messages (an agent's replies: ``core.reports.notes``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import messages
from core.deps import Deps
from core.reports.submit import load, reporter
from core.telegram_format import TEXT_LIMIT, escape, split, visible_length
from nlp.redact import redact_off_loop
from storage import outbox
from storage.enums import ActorKind, EventKind, OutboxPurpose
from storage.models import ReportEvent


@dataclass(frozen=True)
class Relayed:
    report_id: int


async def report_of_message(s: AsyncSession, chat_id: int, message_id: int) -> int | None:
    return await outbox.report_of_message(s, chat_id, message_id)


async def resident_to_agents(
    s: AsyncSession, deps: Deps, resident_id: int, report_id: int, text: str, now: datetime
) -> Relayed | None:
    """A resident replied to a notification: the text joins the card's thread."""
    row = await load(s, report_id)
    if row is None or row.resident_id != resident_id:
        return None
    who = await reporter(s, report_id)
    s.add(
        ReportEvent(
            report_id=report_id,
            at=now,
            kind=EventKind.MESSAGE,
            actor_kind=ActorKind.RESIDENT,
            actor_telegram_id=who.telegram_user_id,
            note=text,
        )
    )
    chat = deps.catalogue.card_chat(row.service_code)
    if chat is not None:
        name = escape(who.first_name or "?")

        def message(words: str) -> str:
            return deps.texts.get(
                deps.lang, "card.resident_message", ref=report_id, name=name, text=words
            )

        masked = await redact_off_loop(text, who.language)
        for piece in in_pieces(message, masked):  # agents see it masked
            messages.enqueue(
                s,
                chat_id=chat,
                text=piece,
                purpose=OutboxPurpose.RESIDENT_MESSAGE,
                report_id=report_id,
                reply_to_card=True,
                now=now,
            )
    return Relayed(report_id)


def in_pieces(render: Callable[[str], str], text: str) -> list[str]:
    """``render`` (a message around someone's escaped words) in as many messages as Telegram's
    limit needs, each with its header, cut between lines or words where it can: a long
    message is neither refused by Telegram (and lost) nor shortened."""
    room = max(TEXT_LIMIT - visible_length(render("")), 200)
    return [render(piece) for piece in split(escape(text), room)]
