"""Words between agents and residents, threaded on the report they concern."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox
from core.desk import Desk
from core.reports import load, reporter
from core.status import AgentRef, NotAllowed
from storage.enums import ActorKind, OutboxPurpose
from storage.models import ReportEvent


@dataclass(frozen=True)
class Relayed:
    report_id: int


async def report_of_message(s: AsyncSession, chat_id: int, message_id: int) -> int | None:
    return await outbox.report_of_message(s, chat_id, message_id)


async def agent_to_resident(
    s: AsyncSession, desk: Desk, by: AgentRef, report_id: int, text: str, now: datetime
) -> Relayed:
    """An agent replied to the card: the resident receives the text."""
    row = await load(s, report_id)
    if row is None:
        raise NotAllowed("agent.unknown_report")
    if not desk.catalogue.is_agent(by.telegram_user_id, row.service_code):
        raise NotAllowed("agent.not_allowed")
    who = await reporter(s, report_id)
    s.add(
        ReportEvent(
            report_id=report_id,
            at=now,
            actor_kind=ActorKind.AGENT,
            actor_telegram_id=by.telegram_user_id,
            actor_name=by.name[:128],
            note=text,
        )
    )
    if who.chat_id:
        t = desk.texts.lang(who.language)
        outbox.enqueue(
            s,
            chat_id=who.chat_id,
            text=t(
                "notify.agent_message",
                ref=report_id,
                service=escape(desk.catalogue.name(row.service_code, who.language)),
                text=escape(text),
            ),
            purpose=OutboxPurpose.AGENT_MESSAGE,
            report_id=report_id,
            now=now,
        )
    return Relayed(report_id)


async def resident_to_agents(
    s: AsyncSession, desk: Desk, resident_id: int, report_id: int, text: str, now: datetime
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
            actor_kind=ActorKind.RESIDENT,
            actor_telegram_id=who.telegram_user_id,
            note=text,
        )
    )
    chat = desk.catalogue.get(row.service_code).agents_chat_id
    if chat is not None:
        outbox.enqueue(
            s,
            chat_id=chat,
            text=desk.texts.get(
                desk.lang,
                "card.resident_message",
                ref=report_id,
                name=escape(who.first_name or "?"),
                text=escape(text),
            ),
            purpose=OutboxPurpose.RESIDENT_MESSAGE,
            report_id=report_id,
            reply_to_card=True,
            now=now,
        )
    return Relayed(report_id)
