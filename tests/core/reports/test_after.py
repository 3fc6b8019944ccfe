"""The "after" photo: kept on the ticket, sent with the resolved notice (or at once)."""

from __future__ import annotations

import pytest

from core.actors import NotAllowed
from core.deps import Deps
from core.reports import after, status
from storage.enums import ReportStatus
from tests.core.reports.workspace_helpers import PAUL, RITA, new_report, outbox, town

__all__ = ["town"]


async def test_sent_with_the_resolution_then_at_once(town: Deps) -> None:
    rid = await new_report(town)
    now = town.clock()
    async with town.sessions() as s:
        with pytest.raises(NotAllowed, match=r"agent\.not_allowed"):
            await after.attach(s, town, RITA, rid, "AgAC1", "u1", now)
        assert not (await after.attach(s, town, PAUL, rid, "AgAC1", "u1", now)).sent_now
        await s.commit()
    assert not [m for m in await outbox(town, 7001) if m.payload.get("photo")]
    async with town.sessions() as s:
        await status.change_status(s, town, PAUL, rid, ReportStatus.RESOLVED, now)
        assert (await after.attach(s, town, PAUL, rid, "AgAC2", "u2", now)).sent_now
        await s.commit()
    photos = [m.payload["photo"] for m in await outbox(town, 7001) if m.payload.get("photo")]
    assert photos == ["AgAC1", "AgAC2"]
