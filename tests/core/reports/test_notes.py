"""Notes never reach a resident; replies do, only once confirmed, and once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.actors import NotAllowed
from core.deps import Deps
from core.reports import notes
from storage.enums import EventKind, OutboxPurpose
from storage.models import ReportEvent
from tests.core.reports.workspace_helpers import PAUL, PIA, RITA, new_report, outbox, town

__all__ = ["town"]


async def _to_resident(deps: Deps) -> list[str]:
    return [
        m.payload["text"]
        for m in await outbox(deps)
        if m.purpose is OutboxPurpose.AGENT_MESSAGE and m.chat_id == 7001
    ]


async def test_a_note_stays_with_the_agents(town: Deps) -> None:
    rid = await new_report(town)
    async with town.sessions() as s:
        await notes.add_note(s, town, PAUL, rid, "Vanne à couper", town.clock())
        await s.commit()
        kinds = (
            await s.scalars(select(ReportEvent.kind).where(ReportEvent.report_id == rid))
        ).all()
    assert EventKind.NOTE in kinds
    assert await _to_resident(town) == []


async def test_a_reply_is_drafted_then_sent_once_in_the_residents_language(town: Deps) -> None:
    rid = await new_report(town, lang="en")
    now = town.clock()
    async with town.sessions() as s:
        draft = await notes.draft_reply(s, town, PAUL, rid, "Coming tomorrow", now)
        await s.commit()
    assert draft.lang == "en" and await _to_resident(town) == []
    async with town.sessions() as s:
        assert (await notes.send_reply(s, town, PIA, rid, draft.draft_id, now)).changed
        assert not (await notes.send_reply(s, town, PIA, rid, draft.draft_id, now)).changed
        await s.commit()
    (sent,) = await _to_resident(town)
    assert "Coming tomorrow" in sent and "Water" in sent
    async with town.sessions() as s:
        with pytest.raises(NotAllowed, match=r"agent\.already_sent"):
            await notes.drop_reply(s, town, PAUL, rid, draft.draft_id)


async def test_a_dropped_draft_is_gone_and_a_forged_one_refused(town: Deps) -> None:
    rid = await new_report(town)
    other = await new_report(town, user=7002)
    now = town.clock()
    async with town.sessions() as s:
        draft = await notes.draft_reply(s, town, PAUL, rid, "Bonjour", now)
        with pytest.raises(NotAllowed, match=r"agent\.stale_button"):  # another report's draft
            await notes.send_reply(s, town, PAUL, other, draft.draft_id, now)
        with pytest.raises(NotAllowed, match=r"agent\.not_allowed"):  # another service's agent
            await notes.send_reply(s, town, RITA, rid, draft.draft_id, now)
        with pytest.raises(NotAllowed, match=r"agent\.not_allowed"):
            await notes.add_note(s, town, RITA, rid, "hop", now)
        await notes.drop_reply(s, town, PAUL, rid, draft.draft_id)
        with pytest.raises(NotAllowed, match=r"agent\.stale_button"):
            await notes.send_reply(s, town, PAUL, rid, draft.draft_id, now)
        await s.commit()
    assert await _to_resident(town) == []
