"""Reopening: a closed report only, with a reason the resident reads, by its service only."""

from __future__ import annotations

import pytest

from core.actors import NotAllowed
from core.deps import Deps
from core.reports import reopen, status
from storage.enums import ReportStatus
from tests.core.reports.workspace_helpers import PAUL, RITA, new_report, outbox, town

__all__ = ["town"]


async def test_reopen_needs_a_closed_report_and_a_reason(town: Deps) -> None:
    rid = await new_report(town)
    now = town.clock()
    async with town.sessions() as s:
        with pytest.raises(NotAllowed, match=r"agent\.still_open"):
            await reopen.reopen(s, town, PAUL, rid, "pourquoi pas", now)
        await status.change_status(s, town, PAUL, rid, ReportStatus.REJECTED, now)
        with pytest.raises(NotAllowed, match=r"agent\.reopen_reason"):
            await reopen.reopen(s, town, PAUL, rid, "   ", now)
        with pytest.raises(NotAllowed, match=r"agent\.not_allowed"):
            await reopen.reopen(s, town, RITA, rid, "erreur", now)
        done = await reopen.reopen(s, town, PAUL, rid, "Rejeté par erreur", now)
        await s.commit()
    assert done.report.status is ReportStatus.REOPENED
    told = [m.payload["text"] for m in await outbox(town, 7001)]
    assert "Rejeté par erreur" in told[-1] and "rouvert" in told[-1]
