"""Campaigns: who is reached, batches that resume, quiet hours, the survey cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.deps import Deps
from core.engagement import campaigns, subscriptions
from core.engagement.audience import Audience
from core.engagement.subscriptions import Topic
from storage.enums import CampaignKind, CampaignState, OutboxState
from storage.models import Campaign, OutboxMessage, Resident
from tests.conftest import Clock
from tests.core.conftest import add_residents

WORKS = Topic("works", {"fr": "Travaux", "en": "Works"})


async def _residents(svc: Deps, n: int, base: int = 70_000, **fields: object) -> list[int]:
    return await add_residents(svc, n, base, ("en", "fr"), **fields)


async def _rows(svc: Deps) -> list[OutboxMessage]:
    async with svc.sessions() as s:
        return list((await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_a_broadcast_reaches_each_subscriber_once_in_their_language(svc: Deps) -> None:
    ids = await _residents(svc, 5)
    async with svc.sessions() as s:
        for rid in ids[:4]:
            await subscriptions.subscribe(s, rid, "works", svc.clock())
        blocked = await s.get_one(Resident, ids[3])
        blocked.blocked_at = svc.clock()  # blocked the bot: skipped
        c = await campaigns.start_broadcast(
            s,
            svc.texts,
            WORKS,
            {"fr": "Rue Pasteur fermée", "en": "Pasteur St closed"},
            svc.clock(),
        )
        await s.commit()
    # Batches of 2: a crash after the first one resumes where it stopped.
    assert await campaigns.expand_batch(svc, c.id, batch=2) == 2
    assert await campaigns.expand_all(svc, batch=2) == 1
    assert await campaigns.expand_all(svc, batch=2) == 0  # done: nothing more, nothing twice
    rows = await _rows(svc)
    assert len(rows) == 3 and len({r.chat_id for r in rows}) == 3
    texts = {r.chat_id: r.payload["text"] for r in rows}
    assert "Rue Pasteur fermée" in texts[70_001] and "Travaux" in texts[70_001]
    assert "Pasteur St closed" in texts[70_000] and "/subscribe" in texts[70_000]
    async with svc.sessions() as s:
        done = await s.get_one(Campaign, c.id)
    assert done.state is CampaignState.SENDING and done.recipients == 3


async def test_writing_a_batch_twice_adds_nothing(svc: Deps) -> None:
    ids = await _residents(svc, 3)
    async with svc.sessions() as s:
        for rid in ids:
            await subscriptions.subscribe(s, rid, "works", svc.clock())
        c = await campaigns.start_broadcast(s, svc.texts, WORKS, {"fr": "x"}, svc.clock())
        await s.commit()
    await campaigns.expand_all(svc)
    async with svc.sessions() as s:  # as if the progress mark had been lost in a crash
        again = await s.get_one(Campaign, c.id)
        again.state, again.expanded_upto = CampaignState.EXPANDING, 0
        await s.commit()
    assert await campaigns.expand_all(svc) == 0
    assert len(await _rows(svc)) == 3


async def test_quiet_hours_hold_a_campaign_until_the_morning(svc: Deps, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 26, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    (rid,) = await _residents(svc, 1)
    async with svc.sessions() as s:
        await subscriptions.subscribe(s, rid, "works", svc.clock())
        await campaigns.start_broadcast(s, svc.texts, WORKS, {"fr": "x"}, svc.clock())
        await s.commit()
    await campaigns.expand_all(svc)
    (row,) = await _rows(svc)
    assert row.not_before == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 in Paris


async def test_a_survey_reaches_only_consenting_residents_not_asked_lately(
    svc: Deps, clock: Clock
) -> None:
    now = svc.clock()
    yes = await _residents(svc, 2, consent_surveys=True)
    await _residents(svc, 1, 71_000, consent_surveys=False, consent_surveys_asked=True)
    recent = await _residents(
        svc, 1, 72_000, consent_surveys=True, last_surveyed_at=now - timedelta(days=3)
    )
    async with svc.sessions() as s:
        c = await campaigns.start(s, CampaignKind.SURVEY, Audience(), now)
        campaigns.set_content(c, {"fr": campaigns.Content("q?"), "en": campaigns.Content("q?")})
        await s.commit()
    assert await campaigns.expand_all(svc) == 2
    rows = await _rows(svc)
    async with svc.sessions() as s:
        chats = set((await s.scalars(select(Resident.chat_id).where(Resident.id.in_(yes)))).all())
        surveyed = (await s.get_one(Resident, yes[0])).last_surveyed_at
        other = (await s.get_one(Resident, recent[0])).last_surveyed_at
    assert {r.chat_id for r in rows} == chats
    assert surveyed == now and other == now - timedelta(days=3)
    assert all(r.state is OutboxState.PENDING for r in rows)


async def test_service_reporters_audience(svc: Deps) -> None:
    from core.reports.submit import NewReport, submit
    from core.residents.directory import ResidentRef

    ids = await _residents(svc, 2, consent_surveys=True)
    async with svc.sessions() as s:
        who = await s.get_one(Resident, ids[0])
        ref = ResidentRef(who.id, who.telegram_user_id or 0, who.chat_id or 0, "R", "fr")
        await submit(s, svc, ref, NewReport("fuite", "water", "fr", "water", 0.9), svc.clock())
        c = await campaigns.start(
            s, CampaignKind.SURVEY, Audience("service_reporters", "water"), svc.clock()
        )
        campaigns.set_content(c, {"fr": campaigns.Content("q?")})
        await s.commit()
    await campaigns.expand_all(svc)
    async with svc.sessions() as s:
        n = await s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.campaign_id == c.id)
        )
    assert n == 1
