"""The forwards queue: due rows claimed once, failures tried again after a doubling back-off,
given up only by age, a dead worker's claim taken again after its lease, the CRM's open
reports listed for pulling."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.deps import Deps
from storage import forwards
from storage.enums import ForwardChannel, ForwardState
from storage.models import Forward
from tests.conftest import Clock
from tests.web.conftest import report, resident

DAY = timedelta(hours=24)


async def _row(svc: Deps) -> Forward:
    async with svc.sessions() as s:
        row = await s.scalar(select(Forward))
    assert row is not None
    return row


async def _fail(svc: Deps, c: forwards.Claimed) -> ForwardState:
    async with svc.sessions() as s:
        state = await forwards.mark_failed(
            s, c, svc.clock(), "HTTP 502", give_up_after=DAY, first_retry_s=30, max_retry_s=100
        )
        await s.commit()
    return state


async def _claim(svc: Deps) -> list[forwards.Claimed]:
    async with svc.sessions() as s:
        claimed = await forwards.claim_due(s, svc.clock(), 10)
        await s.commit()
    return claimed


async def test_retried_with_back_off_and_given_up_by_age(svc: Deps, clock: Clock) -> None:
    rid = await report(svc, await resident(svc, 1001), "Fuite")
    async with svc.sessions() as s:
        forwards.add(s, rid, "water", ForwardChannel.OPEN311, clock())
        await s.commit()
    (c,) = await _claim(svc)
    assert await _claim(svc) == []  # claimed once
    assert await _fail(svc, c) is ForwardState.PENDING
    assert (await _row(svc)).not_before == clock() + timedelta(seconds=30)
    clock.advance(seconds=29)
    assert await _claim(svc) == []  # not before its back-off
    clock.advance(seconds=1)
    (c,) = await _claim(svc)
    assert await _fail(svc, c) is ForwardState.PENDING
    assert (await _row(svc)).not_before == clock() + timedelta(seconds=60)
    assert [forwards.retry_delay(n, 30, 100).total_seconds() for n in (1, 2, 3, 9)] == [
        30,
        60,
        100,
        100,
    ]
    clock.advance(hours=25)
    (c,) = await _claim(svc)
    assert await _fail(svc, c) is ForwardState.FAILED  # older than a day: given up, kept
    row = await _row(svc)
    assert (row.state, row.attempts, row.last_error) == (ForwardState.FAILED, 3, "HTTP 502")
    assert await _claim(svc) == []


async def test_a_dead_workers_claim_is_taken_again_and_sent_reports_are_pulled(
    svc: Deps, clock: Clock
) -> None:
    rid = await report(svc, await resident(svc, 1001), "Fuite")
    async with svc.sessions() as s:
        forwards.add(s, rid, "water", ForwardChannel.OPEN311, clock())
        await s.commit()
    (c,) = await _claim(svc)
    clock.advance(minutes=5)
    assert await _claim(svc) == []  # within its lease
    clock.advance(minutes=6)
    (again,) = await _claim(svc)
    assert again.id == c.id
    async with svc.sessions() as s:
        assert await forwards.to_pull(s) == []
        await forwards.mark_sent(s, c.id, clock(), "CRM-1")
        await s.commit()
        (followed,) = await forwards.to_pull(s)
    assert (followed.report_id, followed.external_id, followed.external_status) == (
        rid,
        "CRM-1",
        None,
    )
