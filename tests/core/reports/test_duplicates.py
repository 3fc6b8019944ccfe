from __future__ import annotations

import pytest

from core.deps import Deps
from core.reports import duplicates
from core.reports import submit as reports
from core.reports.duplicates import distance_m
from core.residents import directory as residents
from tests.conftest import Clock


def test_distance_is_in_metres() -> None:
    assert distance_m(48.8566, 2.3522, 48.8566, 2.3522) == 0
    assert distance_m(48.8566, 2.3522, 48.8575, 2.3522) == pytest.approx(100, rel=0.02)
    assert distance_m(45.0, 4.0, 46.0, 4.0) == pytest.approx(111_195, rel=0.01)


async def _report(svc: Deps, user: int, text: str, lat: float, lon: float) -> int:
    async with svc.sessions() as s:
        r = await residents.touch(s, user, user, "X", "fr", svc.clock())
        new = reports.NewReport(text, "water", "fr", "water", 0.9, lat=lat, lon=lon)
        rv = await reports.submit(s, svc, r, new, svc.clock())
        await s.commit()
    return rv.id


async def _found(svc: Deps, clock: Clock, service: str, lat: float) -> list[int]:
    """Open reports offered for a new water leak at (lat, 4.0), as the conversation asks."""
    async with svc.sessions() as s:
        found = await duplicates.candidates(
            s, svc.nlp, service, "fuite d'eau rue Victor Hugo", lat, 4.0, None, clock(),
            exclude_resident=99,
        )  # fmt: skip
    return [r.id for r in found]


async def test_candidates_are_near_recent_open_and_alike(svc: Deps, clock: Clock) -> None:
    near = await _report(svc, 1, "fuite d'eau rue Victor Hugo", 45.0, 4.0)
    await _report(svc, 2, "fuite d'eau rue Victor Hugo", 45.1, 4.0)  # 11 km away
    assert await _found(svc, clock, "water", 45.0005) == [near]
    assert await _found(svc, clock, "roads", 45.0) == []  # another service
    clock.advance(days=31)
    assert await _found(svc, clock, "water", 45.0) == []  # too old


async def test_join_once_and_never_ones_own_report(svc: Deps) -> None:
    rid = await _report(svc, 1, "fuite", 45.0, 4.0)
    async with svc.sessions() as s:
        author = await residents.touch(s, 1, 1, "X", "fr", svc.clock())
        other = await residents.touch(s, 2, 2, "Y", "fr", svc.clock())
        assert await duplicates.join(s, rid, author.id, svc.clock()) is False
        assert await duplicates.join(s, rid, other.id, svc.clock()) is True
        assert await duplicates.join(s, rid, other.id, svc.clock()) is False
        assert await duplicates.co_reporter_ids(s, rid) == [other.id]
