"""Campaigns: one push to many residents (a survey round, a broadcast), through the outbox.

A campaign is written into the outbox in batches of residents, each batch in one transaction
together with the campaign's progress (``expanded_upto``): a crash resumes where it stopped,
and the unique (campaign, chat) constraint makes a batch written twice add nothing. Quiet hours
set the rows' ``not_before``; the outbox worker then delivers them within Telegram's limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.deps import Deps
from core.engagement.audience import Audience, Recipient, recipients_query
from core.engagement.subscriptions import Topic
from core.i18n import Texts
from core.telegram_format import escape
from storage import sql
from storage.enums import (
    CampaignKind,
    CampaignState,
    OutboxKind,
    OutboxLane,
    OutboxPurpose,
    OutboxState,
)
from storage.models import Campaign, OutboxMessage, Resident
from storage.outbox_payload import OutboxPayload, button_rows

EXPAND_BATCH = 1_000
_OUTBOX = cast(Table, OutboxMessage.__table__)


@dataclass(frozen=True)
class Content:
    """What one language's recipients get."""

    text: str
    buttons: list[list[tuple[str, str]]] | None = None

    def to_json(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"text": self.text}
        if self.buttons:
            raw["buttons"] = [[list(b) for b in row] for row in self.buttons]
        return raw

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Content:
        buttons = raw.get("buttons")
        return cls(
            str(raw["text"]), [list(row) for row in button_rows(buttons)] if buttons else None
        )

    def payload(self, expires_at: datetime | None) -> OutboxPayload:
        """The outbox payload of one recipient's message."""
        buttons = button_rows(self.buttons) if self.buttons else None
        return OutboxPayload(self.text, buttons=buttons, expires_at=expires_at)


async def start(
    s: AsyncSession,
    kind: CampaignKind,
    audience: Audience,
    now: datetime,
    *,
    survey_id: int | None = None,
    topic: str | None = None,
    expires_at: datetime | None = None,
) -> Campaign:
    """A new campaign, not expanded yet; its content is set by the caller (it may need the
    campaign's id, for survey buttons) with :func:`set_content`."""
    c = Campaign(
        kind=kind,
        state=CampaignState.EXPANDING,
        survey_id=survey_id,
        topic=topic,
        message={},
        audience=audience.to_json(),
        expanded_upto=0,
        recipients=0,
        created_at=now,
        expires_at=expires_at,
    )
    s.add(c)
    await s.flush()
    return c


def set_content(c: Campaign, per_language: dict[str, Content]) -> None:
    c.message = {lang: content.to_json() for lang, content in per_language.items()}


async def start_broadcast(
    s: AsyncSession, texts: Texts, topic: Topic, text: dict[str, str], now: datetime
) -> Campaign:
    """An information campaign to the subscribers of ``topic``; ``text`` per language (a
    language left out gets the first one given)."""
    c = await start(
        s, CampaignKind.BROADCAST, Audience("topic", topic=topic.code), now, topic=topic.code
    )
    first = next(iter(text.values()))
    set_content(
        c,
        {
            lang: Content(
                f"📢 <b>{escape(topic.name(lang))}</b>\n{escape(text.get(lang) or first)}\n\n"
                + texts.get(lang, "broadcast.footer")
            )
            for lang in texts.languages
        },
    )
    return c


async def expand_batch(svc: Deps, campaign_id: int, batch: int = EXPAND_BATCH) -> int:
    """Write the outbox rows of the next ``batch`` recipients; returns how many were new
    (0 once the campaign is fully expanded)."""
    async with svc.writing() as s:
        c = await s.scalar(sql.locked(select(Campaign).where(Campaign.id == campaign_id)))
        if c is None or c.state is not CampaignState.EXPANDING:
            return 0
        now = svc.clock()
        survey = c.kind is CampaignKind.SURVEY
        cap = (now, timedelta(days=svc.settings.survey_min_days_between)) if survey else None
        q = recipients_query(
            Audience.from_json(c.audience), after_id=c.expanded_upto, limit=batch, survey_cap=cap
        )
        found = [Recipient(r[0], int(r[1] or 0), r[2]) for r in (await s.execute(q)).all()]
        written = await _write_rows(s, c, found, svc.settings.not_before(now), now)
        if survey and found:
            await s.execute(
                update(Resident)
                .where(Resident.id.in_([r.resident_id for r in found]))
                .values(last_surveyed_at=now)
                .execution_options(synchronize_session=False)
            )
        if found:
            c.expanded_upto = found[-1].resident_id
        c.recipients += written
        if len(found) < batch:
            c.state = CampaignState.SENDING
        await s.commit()
        return written


async def _write_rows(
    s: AsyncSession,
    c: Campaign,
    found: list[Recipient],
    not_before: datetime,
    now: datetime,
) -> int:
    if not found:
        return 0
    purpose = OutboxPurpose.SURVEY if c.kind is CampaignKind.SURVEY else OutboxPurpose.BROADCAST
    fallback = next(iter(c.message.values()))
    payloads: dict[str, OutboxPayload] = {}  # one per language
    rows = []
    for r in found:
        payload = payloads.get(r.language)
        if payload is None:
            content = Content.from_json(c.message.get(r.language) or fallback)
            payload = payloads[r.language] = content.payload(c.expires_at)
        rows.append(
            {
                "chat_id": r.chat_id,
                "kind": OutboxKind.MESSAGE,
                "purpose": purpose,
                "lane": int(OutboxLane.PUSH),
                "payload": payload.to_json(),
                "state": OutboxState.PENDING,
                "attempts": 0,
                "not_before": not_before,
                "created_at": now,
                "campaign_id": c.id,
            }
        )
    ins = sql.insert(sql.dialect(s), _OUTBOX)
    stmt = ins.on_conflict_do_nothing(index_elements=["campaign_id", "chat_id"]).returning(
        _OUTBOX.c.id
    )
    # Count what RETURNING gives back: drivers disagree on a many-row insert's rowcount.
    return len((await s.execute(stmt, rows)).all())


async def expand_all(svc: Deps, batch: int = EXPAND_BATCH) -> int:
    """The job: expand every campaign still expanding, batch after batch."""
    async with svc.sessions() as s:
        ids = list(
            (
                await s.scalars(
                    select(Campaign.id)
                    .where(Campaign.state == CampaignState.EXPANDING)
                    .order_by(Campaign.id)
                )
            ).all()
        )
    total = 0
    for cid in ids:
        while written := await expand_batch(svc, cid, batch):
            total += written
    return total


@dataclass(frozen=True)
class Delivery:
    """Where a campaign's messages are."""

    recipients: int
    by_state: dict[str, int]


async def delivery(s: AsyncSession, campaign_id: int) -> Delivery:
    rows = (
        await s.execute(
            select(OutboxMessage.state, func.count())
            .where(OutboxMessage.campaign_id == campaign_id)
            .group_by(OutboxMessage.state)
        )
    ).all()
    by_state = {str(state): int(n) for state, n in rows}
    return Delivery(sum(by_state.values()), by_state)
