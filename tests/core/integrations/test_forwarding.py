"""What a new report's forwards are and what each sends: written with the report for each
channel of its service (and for the service a report is passed on to), the e-mail and the
Open311 POST made of what agents see (masked text, place), never the resident."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config.settings import Config
from bot.factory import create_deps
from core.actors import AgentRef
from core.catalogue import sync_catalogue
from core.deps import Deps
from core.integrations import forwarding
from core.reports import status
from storage.enums import ForwardChannel
from storage.migrate import upgrade
from storage.models import Forward
from tests.conftest import WATER_AGENT, Clock, make_config
from tests.web.conftest import report, resident

LEAK = "Fuite d'eau, rappelez-moi au 06 12 34 56 78"


@pytest.fixture
async def town(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Deps]:
    raw = make_config(db_url, tmp_path).model_dump(mode="json")
    raw["email"] = {"host": "smtp.example", "sender": "sc@town.example"}
    for s in raw["services"]:
        if s["code"] == "water":
            s["forward"] = {
                "email": "eau@town.example",
                "open311": {
                    "endpoint": "https://crm.example/v2",
                    "service_code": "LEAK",
                    "jurisdiction_id": "town.example",
                },
            }
        if s["code"] == "roads":
            s["forward"] = {"email": ["voirie@town.example", "astreinte@town.example"]}
    deps = create_deps(Config.model_validate(raw), clock)
    await upgrade(deps.engine)
    async with deps.sessions() as s:
        await sync_catalogue(s, deps.catalogue)
        await s.commit()
    yield deps
    await deps.engine.dispose()


async def _channels(deps: Deps) -> list[tuple[str, ForwardChannel]]:
    async with deps.sessions() as s:
        rows = (await s.scalars(select(Forward).order_by(Forward.id))).all()
    return [(f.service_code, f.channel) for f in rows]


async def test_written_with_the_report_and_when_passed_on(town: Deps, clock: Clock) -> None:
    who = await resident(town, 1001, "Josiane")
    rid = await report(town, who, LEAK, address="12 rue Victor Hugo", lat=45.76, lon=4.83)
    await report(town, who, "Tag sur le mur", service="cleanliness")  # forwards nowhere
    assert await _channels(town) == [
        ("water", ForwardChannel.EMAIL),
        ("water", ForwardChannel.OPEN311),
    ]
    async with town.sessions() as s:
        mail = await forwarding.email(s, town, rid, "water")
        post = await forwarding.open311_post(s, town, rid, "water")
    assert mail is not None and post is not None
    assert mail.to == ("eau@town.example",) and mail.subject == f"Signalement #{rid} (Eau)"
    assert (
        "Lieu : 12 rue Victor Hugo" in mail.body
        and "openstreetmap.org/?mlat=45.760000&mlon=4.830000#map=18/" in mail.body
    )
    assert "06 12" not in mail.body and "Josiane" not in mail.body
    assert post.fields == {
        "service_code": "LEAK",
        "description": post.fields["description"],
        "attribute[senscommun_id]": str(rid),
        "jurisdiction_id": "town.example",
        "lat": "45.760000",
        "long": "4.830000",
        "address_string": "12 rue Victor Hugo",
    }
    assert "06 12" not in post.fields["description"]

    async with town.sessions() as s:  # "not ours": roads' systems hear of it too
        await status.move_to_service(s, town, AgentRef(WATER_AGENT, "Paul"), rid, "roads", clock())
        await s.commit()
        moved = await forwarding.email(s, town, rid, "roads")
    assert (await _channels(town))[-1] == ("roads", ForwardChannel.EMAIL)
    assert moved is not None and moved.to == ("voirie@town.example", "astreinte@town.example")
