"""Outbox rows do not grow forever: delivered messages lose their text after
``outbox.keep_days`` (the job ``outbox_retention``, run by the leader); the rows and their
states stay, so that campaign figures still count them and a card can still be edited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.factory import create_deps
from bot.jobs import default_jobs, forget_outbox
from core import messages
from core.deps import Deps
from core.engagement import campaigns
from storage import outbox
from storage.enums import CampaignKind, CampaignState, OutboxPurpose, OutboxState
from storage.migrate import upgrade
from storage.models import Campaign, OutboxMessage
from tests.conftest import Clock, make_config


@pytest.fixture
async def svc(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Deps]:
    deps = create_deps(make_config(db_url, tmp_path, outbox={"keep_days": 30}), clock)
    await upgrade(deps.engine)
    yield deps
    await deps.engine.dispose()


async def _queue(svc: Deps, chat: int, purpose: OutboxPurpose, state: OutboxState) -> int:
    async with svc.sessions() as s:
        row = messages.enqueue(s, chat_id=chat, text=f"to {chat}", purpose=purpose, now=svc.clock())
        await s.flush()
        if state is OutboxState.SENT:
            await outbox.mark_sent(s, row.id, 1000 + chat, svc.clock())
        else:
            await outbox.mark_final(s, row.id, state, "chat not found")
        await s.commit()
        return row.id


async def test_delivered_messages_lose_their_text_after_keep_days(svc: Deps, clock: Clock) -> None:
    assert "outbox_retention" in {j.name for j in default_jobs()}
    old_card = await _queue(svc, -1001, OutboxPurpose.CARD, OutboxState.SENT)
    old_failed = await _queue(svc, 43, OutboxPurpose.STATUS, OutboxState.FAILED)
    async with svc.sessions() as s:  # a campaign's message, delivered
        c = Campaign(
            kind=CampaignKind.BROADCAST,
            state=CampaignState.SENDING,
            audience={},
            message={},
            recipients=1,
            created_at=clock(),
        )
        s.add(c)
        await s.flush()
        row = messages.enqueue(
            s, chat_id=44, text="works", purpose=OutboxPurpose.BROADCAST, now=clock()
        )
        row.campaign_id = c.id
        await s.flush()
        await outbox.mark_sent(s, row.id, 7, clock())
        await s.commit()
        campaign_id = c.id
    clock.advance(days=20)
    recent = await _queue(svc, 45, OutboxPurpose.STATUS, OutboxState.SENT)
    clock.advance(days=11)  # 31 days after the first ones, 11 after the last
    assert await forget_outbox(svc) == 2
    assert await forget_outbox(svc) == 0  # done once
    async with svc.sessions() as s:
        rows = {r.id: r for r in (await s.scalars(select(OutboxMessage))).all()}
        delivery = await campaigns.delivery(s, campaign_id)
        card = await outbox.card_message(s, None, -1001)
    assert len(rows) == 4  # no row deleted
    assert rows[old_card].payload == {} and rows[old_card].state is OutboxState.SENT
    assert rows[old_failed].payload["text"] == "to 43"  # not delivered: kept whole
    assert rows[recent].payload["text"] == "to 45"
    assert delivery.by_state == {"sent": 1}  # the campaign's figures still count it
    assert card == 1000 - 1001  # a card's message id stays: it can still be edited


async def test_retention_works_in_batches(
    svc: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.jobs

    monkeypatch.setattr(bot.jobs, "FORGET_BATCH", 2)
    for chat in range(1, 6):
        await _queue(svc, chat, OutboxPurpose.STATUS, OutboxState.SENT)
    clock.advance(days=31)
    assert await forget_outbox(svc) == 5
    async with svc.sessions() as s:
        payloads = (await s.scalars(select(OutboxMessage.payload))).all()
    assert list(payloads) == [{}] * 5
