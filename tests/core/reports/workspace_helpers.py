"""What the workspace's unit tests share: a town where water has two agents, a report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.config.settings import default_services
from bot.factory import create_deps
from core.actors import AgentRef
from core.catalogue import sync_catalogue
from core.deps import Deps
from core.reports import submit as reports
from core.residents import directory as residents
from storage.migrate import upgrade
from storage.models import OutboxMessage
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

PIA_ID = 503
PAUL = AgentRef(WATER_AGENT, "Paul")
PIA = AgentRef(PIA_ID, "Pia")
RITA = AgentRef(ROADS_AGENT, "Rita")  # another service's agent
ESCALATION = -1050


@pytest.fixture
async def town(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Deps]:
    chats = {
        "water": (WATER_CHAT, [WATER_AGENT, PIA_ID]),
        "roads": (ROADS_CHAT, [ROADS_AGENT]),
        "other": (DESK_CHAT, [DESK_AGENT]),
    }
    services: list[dict[str, Any]] = []
    for s in default_services():
        chat, agents = chats.get(s.code, (None, []))
        row = {**s.model_dump(), "agents_chat_id": chat, "agents": agents}
        if s.code == "roads":
            row["response_times"] = {"acknowledge_hours": 2, "resolve_days": 1}
        services.append(row)
    cfg = make_config(
        db_url,
        tmp_path,
        services=services,
        bot={"administrators": [WATER_AGENT]},
        response_times={"escalation_chat_id": ESCALATION},
    )
    deps = create_deps(cfg, clock)
    await upgrade(deps.engine)
    async with deps.sessions() as s:
        await sync_catalogue(s, deps.catalogue)
        await s.commit()
    yield deps
    await deps.engine.dispose()


async def new_report(
    deps: Deps, service: str = "water", user: int = 7001, lang: str = "fr", urgent: bool = False
) -> int:
    async with deps.sessions() as s:
        who = await residents.touch(s, user, user, "Ana", lang, deps.clock())
        new = reports.NewReport("Fuite rue Haute", service, lang, service, 0.9, urgent=urgent)
        rv = await reports.submit(s, deps, who, new, deps.clock())
        await s.commit()
    return rv.id


async def outbox(deps: Deps, chat_id: int | None = None) -> list[OutboxMessage]:
    async with deps.sessions() as s:
        q = select(OutboxMessage).order_by(OutboxMessage.id)
        if chat_id is not None:
            q = q.where(OutboxMessage.chat_id == chat_id)
        return list((await s.scalars(q)).all())
