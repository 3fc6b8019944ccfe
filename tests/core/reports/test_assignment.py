"""Take, hand over, release: within the service only, on open reports only, once."""

from __future__ import annotations

import pytest

from core.actors import NotAllowed
from core.deps import Deps
from core.enums import ReportStatus
from core.reports import assignment, status
from storage.enums import OutboxKind
from storage.models import Report
from tests.conftest import ROADS_AGENT, WATER_CHAT
from tests.core.reports.workspace_helpers import PAUL, PIA, PIA_ID, RITA, new_report, outbox, town

__all__ = ["town"]


async def test_take_hand_release_and_mine(town: Deps) -> None:
    rid = await new_report(town)
    now = town.clock()
    async with town.sessions() as s:
        assert (await assignment.take(s, town, PAUL, rid, now)).changed
        assert not (await assignment.take(s, town, PAUL, rid, now)).changed  # pressed twice
        await s.commit()
    edits = [m for m in await outbox(town, WATER_CHAT) if m.kind is OutboxKind.EDIT_CARD]
    assert "Pris par Paul" in edits[-1].payload["text"]
    async with town.sessions() as s:
        assert [r.id for r in await assignment.mine(s, PAUL.telegram_user_id, ["water"])] == [rid]
        _, people = await assignment.colleagues(s, town, PAUL, rid)
        assert [u for u, _ in people] == [PIA_ID]
        given = await assignment.hand_to(s, town, PAUL, rid, PIA_ID, now)
        assert given.report.assignee_id == PIA_ID
        assert await assignment.mine(s, PAUL.telegram_user_id, ["water"]) == []
        await assignment.release(s, town, PIA, rid, now)
        await s.commit()
        row = await s.get_one(Report, rid)
        assert row.assignee_telegram_id is None and row.assignee_name is None


async def test_no_hand_over_outside_the_service_nor_by_a_stranger(town: Deps) -> None:
    rid = await new_report(town)
    now = town.clock()
    async with town.sessions() as s:
        with pytest.raises(NotAllowed, match=r"agent\.not_a_colleague"):
            await assignment.hand_to(s, town, PAUL, rid, ROADS_AGENT, now)
        with pytest.raises(NotAllowed, match=r"agent\.not_allowed"):
            await assignment.take(s, town, RITA, rid, now)
        with pytest.raises(NotAllowed, match=r"agent\.unknown_report"):
            await assignment.take(s, town, PAUL, 999_999, now)


async def test_a_closed_report_cannot_be_taken(town: Deps) -> None:
    rid = await new_report(town)
    now = town.clock()
    async with town.sessions() as s:
        await status.change_status(s, town, PAUL, rid, ReportStatus.RESOLVED, now)
        with pytest.raises(NotAllowed, match=r"agent\.closed"):
            await assignment.take(s, town, PAUL, rid, now)
