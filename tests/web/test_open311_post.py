"""Open311 POST over HTTP: a client holding a key posts a report, checked as a resident's is
and routed the same way (the card to the service's agents, no message to any resident); its
token gives its id; the service definitions publish the extra questions POST checks; every
refusal is an Open311 error list, never a 500."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from bot.config.settings import Config
from bot.factory import create_deps
from core.catalogue import sync_catalogue
from core.deps import Deps
from core.integrations import api_clients
from storage.enums import ActorKind, OutboxPurpose
from storage.migrate import upgrade
from storage.models import OutboxMessage, Report, ReportEvent
from tests.conftest import ROADS_CHAT, Clock, make_config
from tests.web.conftest import serve

DEPTH = {
    "code": "depth",
    "datatype": "number",
    "required": True,
    "description": {"fr": "Profondeur (cm)", "en": "Depth (cm)"},
}
LANES = {
    "code": "lane",
    "datatype": "singlevaluelist",
    "description": {"fr": "Voie", "en": "Lane"},
    "values": [
        {"key": "road", "name": {"fr": "Chaussée", "en": "Road"}},
        {"key": "walk", "name": {"fr": "Trottoir", "en": "Pavement"}},
    ],
}


def config(db_url: str, tmp_path: Path) -> Config:
    raw = make_config(db_url, tmp_path).model_dump(mode="json")
    for s in raw["services"]:
        if s["code"] == "roads":
            s["attributes"] = [DEPTH, LANES]
    return Config.model_validate(raw)


@pytest.fixture
async def town(db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Deps]:
    deps = create_deps(config(db_url, tmp_path), clock)
    await upgrade(deps.engine)
    async with deps.sessions() as s:
        await sync_catalogue(s, deps.catalogue)
        await s.commit()
    yield deps
    await deps.engine.dispose()


async def key_for(deps: Deps, name: str = "crm-voirie") -> str:
    async with deps.sessions() as s:
        key = await api_clients.create(s, name, "fr", deps.clock())
        await s.commit()
    return key


def pothole(key: str, **extra: str) -> dict[str, str]:
    return {
        "api_key": key,
        "service_code": "roads",
        "description": "Nid-de-poule profond, rappeler au 06 12 34 56 78",
        "lat": "45.7601",
        "long": "4.8302",
        "attribute[depth]": "12",
        "attribute[lane]": "road",
        **extra,
    }


async def post(deps: Deps, data: dict[str, str], fmt: str = "json") -> tuple[int, Any]:
    async with serve(deps) as client:
        resp = await client.post(f"/open311/v2/requests.{fmt}", data=data)
        body = await resp.json() if fmt == "json" else await resp.text()
        return resp.status, body


async def test_a_posted_request_is_routed_like_a_residents_report(town: Deps) -> None:
    key = await key_for(town)
    code, body = await post(town, pothole(key))
    assert code == 200
    (made,) = body
    rid = int(made["service_request_id"])
    assert made["token"] and "account_id" not in made
    async with town.sessions() as s:
        r = await s.get(Report, rid)
        assert r is not None and (r.service_code, r.lat, r.lon) == ("roads", 45.7601, 4.8302)
        assert "Profondeur (cm) : 12" in r.text and "Voie : Chaussée" in r.text
        assert "06 12 34 56 78" in r.text and "06 12 34 56 78" not in r.redacted_text
        event = await s.scalar(select(ReportEvent).where(ReportEvent.report_id == rid))
        assert event is not None and event.actor_kind is ActorKind.API_CLIENT
        sent = (await s.scalars(select(OutboxMessage))).all()
    # Its card to the roads agents, naming the client; nothing to anyone else.
    assert [(m.chat_id, m.purpose) for m in sent] == [(ROADS_CHAT, OutboxPurpose.CARD)]
    assert "👤 crm-voirie" in sent[0].payload["text"]
    assert "06 12" not in sent[0].payload["text"]

    async with serve(town) as client:
        resp = await client.get(f"/open311/v2/tokens/{made['token']}.json")
        assert resp.status == 200
        assert await resp.json() == [{"service_request_id": str(rid), "token": made["token"]}]
        resp = await client.get("/open311/v2/tokens/nope.json")
        assert resp.status == 404
        resp = await client.get(f"/open311/v2/requests/{rid}.json")
        shown = (await resp.json())[0]
    assert shown["service_code"] == "roads" and shown["status"] == "open"
    async with serve(town, descriptions=True) as client:  # published: masked
        resp = await client.get(f"/open311/v2/requests/{rid}.json")
        published = (await resp.json())[0]["description"]
    assert "Nid-de-poule profond" in published and "06 12" not in published


async def test_posted_in_xml(town: Deps) -> None:
    key = await key_for(town)
    code, body = await post(town, pothole(key), fmt="xml")
    assert code == 200
    root = ET.fromstring(body)
    assert root.tag == "service_requests" and root.find("request/service_request_id") is not None


async def test_a_wrong_or_revoked_key_is_refused(town: Deps, clock: Clock) -> None:
    key = await key_for(town)
    code, body = await post(town, pothole("sc_not-a-key"))
    assert (code, body) == (403, [{"code": 403, "description": "this api_key is not valid"}])
    async with town.sessions() as s:
        assert await api_clients.revoke(s, "crm-voirie", clock())
        await s.commit()
    code, _ = await post(town, pothole(key))
    assert code == 403
    async with town.sessions() as s:
        assert await s.scalar(select(Report.id)) is None


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"service_code": "sewers"}, "unknown service_code: sewers"),
        ({"service_code": ""}, "service_code is required"),
        ({"description": "   "}, "description is required"),
        # bot.max_text_chars: the same limit as a resident's words (Telegram's own, 4,096)
        ({"description": "x" * 4097}, "description is longer than 4096 characters"),
        ({"lat": "91"}, "lat must be between -90 and 90"),
        ({"long": "-180.5"}, "long must be between -180 and 180"),
        ({"lat": "nan"}, "lat must be between -90 and 90"),
        ({"lat": "north"}, "lat must be a number of degrees"),
        ({"long": ""}, "lat and long go together"),
        ({"lat": "", "long": ""}, "a location is required: lat and long, or address_string"),
        ({"attribute[depth]": ""}, "attribute[depth] is required"),
        ({"attribute[depth]": "deep"}, "attribute[depth] must be a number"),
        ({"attribute[lane]": "sky"}, "attribute[lane]: 'sky' is not one of road, walk"),
        ({"attribute[colour]": "red"}, "unknown attribute for roads: colour"),
    ],
)
async def test_a_bad_field_is_a_400_error_list(
    town: Deps, change: dict[str, str], says: str
) -> None:
    key = await key_for(town)
    code, body = await post(town, pothole(key, **change))
    assert (code, body) == (400, [{"code": 400, "description": says}])
    async with town.sessions() as s:
        assert await s.scalar(select(Report.id)) is None


async def test_an_address_alone_is_a_place(town: Deps) -> None:
    key = await key_for(town)
    fields = pothole(key, lat="", long="", address_string="  12 rue  Victor Hugo ")
    code, body = await post(town, fields)
    assert code == 200
    async with town.sessions() as s:
        r = await s.get(Report, int(body[0]["service_request_id"]))
    assert r is not None and (r.address, r.lat) == ("12 rue Victor Hugo", None)


async def test_hostile_bodies_are_errors_not_500(town: Deps) -> None:
    key = await key_for(town)
    async with serve(town) as client:
        resp = await client.post("/open311/v2/requests.json", json={"api_key": key})
        assert resp.status == 403  # not a form: no key read
        big = io.BytesIO(("api_key=" + key + "&x=" + "a" * 1_100_000).encode())
        resp = await client.post(
            "/open311/v2/requests.json",
            data=big,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert resp.status == 413 and (await resp.json())[0]["code"] == 413
        many = {f"attribute[a{i}]": "1" for i in range(150)}
        resp = await client.post("/open311/v2/requests.json", data={"api_key": key, **many})
        assert resp.status == 400


async def test_service_definitions_publish_the_questions(town: Deps) -> None:
    async with serve(town) as client:
        resp = await client.get("/open311/v2/services/roads.json")
        roads = await resp.json()
        listed = await (await client.get("/open311/v2/services.json")).json()
        xml = await (await client.get("/open311/v2/services/roads.xml")).text()
    assert roads["service_code"] == "roads"
    depth, lane = roads["attributes"]
    assert depth == {
        "variable": True,
        "code": "depth",
        "datatype": "number",
        "required": True,
        "datatype_description": "",
        "order": 1,
        "description": "Profondeur (cm)",
    }
    assert lane["values"] == [
        {"key": "road", "name": "Chaussée"},
        {"key": "walk", "name": "Trottoir"},
    ]
    metadata = {s["service_code"]: s["metadata"] for s in listed}
    assert metadata["roads"] is True and metadata["water"] is False
    root = ET.fromstring(xml)
    assert [a.findtext("code") for a in root.findall("attributes/attribute")] == ["depth", "lane"]
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "road",
        "walk",
    ]
