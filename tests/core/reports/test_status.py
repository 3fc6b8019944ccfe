"""Status changes, moves and duplicates: authorised, recorded, told, and the card refreshed in
the chat that holds it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config.settings import default_services
from bot.factory import create_deps
from core.actors import AgentRef, NotAllowed
from core.catalogue import sync_catalogue
from core.deps import Deps
from core.reports import status
from core.reports import submit as reports
from core.residents import directory as residents
from storage.enums import OutboxKind, OutboxPurpose, ReportStatus
from storage.migrate import upgrade
from storage.models import OutboxMessage, ReportEvent
from tests.conftest import (
    DESK_AGENT,
    DESK_CHAT,
    ROADS_AGENT,
    ROADS_CHAT,
    WATER_AGENT,
    WATER_CHAT,
    Clock,
    make_config,
)
from tests.core.conftest import svc  # noqa: F401  (the fixture: a migrated database)

LIGHT_AGENT = 503
PAUL = AgentRef(WATER_AGENT, "Paul")


@pytest.fixture
async def town(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Deps]:
    """The test town, where lighting has an agent but no chat of its own."""
    chats = {
        "water": (WATER_CHAT, [WATER_AGENT]),
        "roads": (ROADS_CHAT, [ROADS_AGENT]),
        "lighting": (None, [LIGHT_AGENT]),
        "other": (DESK_CHAT, [DESK_AGENT]),
    }
    services = [
        {**s.model_dump(), "agents_chat_id": chats.get(s.code, (None, []))[0]}
        | {"agents": chats.get(s.code, (None, []))[1]}
        for s in default_services()
    ]
    deps = create_deps(make_config(db_url, tmp_path, services=services), clock)
    await upgrade(deps.engine)
    async with deps.sessions() as s:
        await sync_catalogue(s, deps.catalogue)
        await s.commit()
    yield deps
    await deps.engine.dispose()


async def _report(deps: Deps, service: str, user: int = 7001) -> int:
    async with deps.sessions() as s:
        who = await residents.touch(s, user, user, "Ana", "fr", deps.clock())
        new = reports.NewReport("Lampadaire éteint", service, "fr", service, 0.9)
        rv = await reports.submit(s, deps, who, new, deps.clock())
        await s.commit()
    return rv.id


async def _outbox(deps: Deps, kind: OutboxKind | None = None) -> list[OutboxMessage]:
    async with deps.sessions() as s:
        q = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            q = q.where(OutboxMessage.kind == kind)
        return list((await s.scalars(q)).all())


async def test_a_service_without_a_chat_has_its_card_sent_and_edited_in_the_desks(
    town: Deps,
) -> None:
    rid = await _report(town, "lighting")
    (card,) = [m for m in await _outbox(town) if m.purpose is OutboxPurpose.CARD]
    assert card.chat_id == DESK_CHAT
    async with town.sessions() as s:
        done = await status.change_status(
            s, town, AgentRef(LIGHT_AGENT, "Léo"), rid, ReportStatus.ACKNOWLEDGED, town.clock()
        )
        await s.commit()
    assert done.changed
    (edit,) = await _outbox(town, OutboxKind.EDIT_CARD)
    assert edit.chat_id == DESK_CHAT and edit.report_id == rid


async def test_a_move_edits_the_old_card_where_it_is_and_sends_one_to_the_new_service(
    town: Deps,
) -> None:
    rid = await _report(town, "lighting")
    async with town.sessions() as s:
        await status.move_to_service(
            s, town, AgentRef(LIGHT_AGENT, "Léo"), rid, "roads", town.clock()
        )
        await s.commit()
    (edit,) = await _outbox(town, OutboxKind.EDIT_CARD)
    assert edit.chat_id == DESK_CHAT
    cards = [m.chat_id for m in await _outbox(town) if m.purpose is OutboxPurpose.CARD]
    assert ROADS_CHAT in cards


async def test_a_change_is_recorded_and_told_to_the_resident(svc: Deps) -> None:  # noqa: F811
    rid = await _report(svc, "water")
    async with svc.sessions() as s:
        done = await status.change_status(s, svc, PAUL, rid, ReportStatus.IN_PROGRESS, svc.clock())
        again = await status.change_status(s, svc, PAUL, rid, ReportStatus.IN_PROGRESS, svc.clock())
        await s.commit()
        events = (await s.scalars(select(ReportEvent).where(ReportEvent.report_id == rid))).all()
    assert done.changed and not again.changed
    assert [(e.old_status, e.new_status) for e in events][-1] == (
        ReportStatus.NEW,
        ReportStatus.IN_PROGRESS,
    )
    told = [m for m in await _outbox(svc) if m.purpose is OutboxPurpose.STATUS]
    assert len(told) == 1 and told[0].chat_id == 7001


@pytest.mark.parametrize(
    ("who", "key"), [(AgentRef(ROADS_AGENT, "Rita"), "agent.not_allowed"), (PAUL, "agent.closed")]
)
async def test_another_services_agent_and_a_closed_report_change_nothing(
    svc: Deps,  # noqa: F811
    who: AgentRef,
    key: str,
) -> None:
    rid = await _report(svc, "water")
    async with svc.sessions() as s:
        await status.change_status(s, svc, PAUL, rid, ReportStatus.RESOLVED, svc.clock())
        await s.commit()
    before = len(await _outbox(svc))
    async with svc.sessions() as s:
        with pytest.raises(NotAllowed) as refused:
            await status.change_status(s, svc, who, rid, ReportStatus.ACKNOWLEDGED, svc.clock())
        await s.rollback()
        row = await reports.load(s, rid)
    assert refused.value.key == key
    assert row is not None and row.status is ReportStatus.RESOLVED
    assert len(await _outbox(svc)) == before
