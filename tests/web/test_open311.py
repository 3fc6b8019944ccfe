"""Open311 GeoReport v2 over HTTP: the catalogue, the reports as open data, their filters, what
is never published, and the errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from core.deps import Deps
from core.reports import notes, relay, status
from core.residents import privacy
from storage.db import create_engine, create_sessionmaker
from storage.enums import ReportStatus
from tests.conftest import Clock
from tests.web.conftest import WATER, report, resident, serve, set_status

LEAK = "Fuite d'eau devant chez moi, appelez-moi au 06 12 34 56 78 ou marie.d@example.org"


async def get(svc: Deps, path: str, **options: Any) -> tuple[int, Any, dict[str, str]]:
    async with serve(svc, **options) as client:
        resp = await client.get(path)
        body = await resp.json() if resp.content_type == "application/json" else await resp.text()
        return resp.status, body, dict(resp.headers)


async def test_services_are_the_configured_catalogue(svc: Deps) -> None:
    code, body, headers = await get(svc, "/open311/v2/services.json")
    assert code == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert [s["service_code"] for s in body] == list(svc.catalogue.codes)
    water = next(s for s in body if s["service_code"] == "water")
    assert water == {
        "service_code": "water",
        "service_name": "Eau",  # the town's language (French by default)
        "description": "Fuites, alimentation, pression, qualité, gaspillage d'eau",
        "metadata": False,
        "type": "realtime",
        "keywords": "Fuites, alimentation, pression, qualité, gaspillage d'eau",
        "group": "",
    }


async def test_a_service_definition_and_an_unknown_code(svc: Deps) -> None:
    code, body, _ = await get(svc, "/open311/v2/services/roads.json")
    assert (code, body) == (200, {"service_code": "roads", "attributes": []})
    code, body, headers = await get(svc, "/open311/v2/services/sewers.json")
    assert code == 404 and body == [{"code": 404, "description": "unknown service_code: sewers"}]
    assert headers["Access-Control-Allow-Origin"] == "*"


async def test_discovery_names_the_endpoint(svc: Deps) -> None:
    code, body, _ = await get(
        svc, "/open311/v2/discovery.json", public_url="https://town.example", contact="a@b.c"
    )
    assert code == 200 and body["contact"] == "a@b.c"
    (endpoint,) = body["endpoints"]
    assert endpoint["url"] == "https://town.example/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert "application/json" in endpoint["formats"]


async def test_a_request_shows_service_status_place_and_dates_only(svc: Deps, clock: Clock) -> None:
    marie = await resident(svc, 1001, "Marie")
    rid = await report(
        svc, marie, LEAK, address="3 rue des Lilas, tél 06 12 34 56 78", lat=45.76, lon=4.83
    )
    clock.advance(hours=2)
    await set_status(svc, rid, ReportStatus.IN_PROGRESS)
    clock.advance(hours=1)
    async with svc.sessions() as s:  # the agent and Marie talk: never published
        await _reply(s, svc, rid, "On passe à 14h")
        await relay.resident_to_agents(s, svc, marie.id, rid, "Merci Paul", svc.clock())
        await s.commit()

    code, body, _ = await get(svc, f"/open311/v2/requests/{rid}.json")
    assert code == 200
    assert body == [
        {
            "service_request_id": str(rid),
            "status": "open",
            "status_notes": "en cours",
            "service_name": "Eau",
            "service_code": "water",
            "agency_responsible": "Eau",
            "requested_datetime": "2026-11-26T10:00:00+01:00",  # 09:00 UTC, in the town's time
            "updated_datetime": "2026-11-26T12:00:00+01:00",  # the status change, not the words
            "expected_datetime": "2026-12-10T10:00:00+01:00",  # water: 14 days to resolve
            "address": "3 rue des Lilas, tél [téléphone]",
            "lat": 45.76,
            "long": 4.83,
        }
    ]


async def test_descriptions_are_published_masked_only_when_configured(svc: Deps) -> None:
    marie = await resident(svc, 1001, "Marie")
    rid = await report(svc, marie, LEAK)
    _, plain, _ = await get(svc, "/open311/v2/requests.json")
    assert "description" not in plain[0]
    _, published, _ = await get(svc, "/open311/v2/requests.json", descriptions=True)
    assert published[0]["service_request_id"] == str(rid)
    assert published[0]["description"] == (
        "Fuite d'eau devant chez moi, appelez-moi au [téléphone] ou [e-mail]"
    )


async def test_no_response_ever_names_the_resident(svc: Deps) -> None:
    john = await resident(svc, 7654321, "Johnathan", "en")
    rid = await report(svc, john, "Water leak, call 07700 900123", address="12 Elm St")
    async with svc.sessions() as s:
        await _reply(s, svc, rid, "Coming at noon")
        await s.commit()
    paths = [
        "/open311/v2/requests.json",
        f"/open311/v2/requests/{rid}.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{rid}.xml",
    ]
    for path in paths:
        for options in ({}, {"descriptions": True}):
            code, body, _ = await get(svc, path, **options)
            raw = body if isinstance(body, str) else str(body)
            assert code == 200, path
            for secret in ("7654321", "Johnathan", "07700", "Coming at noon", '"en"', ">en<"):
                assert secret not in raw, (path, secret)


async def test_open_and_closed_follow_our_statuses(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    ids = [await report(svc, marie, f"Fuite numéro {i}") for i in range(6)]
    await set_status(svc, ids[1], ReportStatus.ACKNOWLEDGED)
    await set_status(svc, ids[2], ReportStatus.RESOLVED)
    await set_status(svc, ids[3], ReportStatus.REJECTED)
    async with svc.sessions() as s:
        await status.mark_duplicate(s, svc, WATER, ids[4], ids[0], svc.clock())
        await status.move_to_service(s, svc, WATER, ids[5], "roads", svc.clock())
        await s.commit()
    _, body, _ = await get(svc, "/open311/v2/requests.json")
    seen = {int(r["service_request_id"]): (r["status"], r["status_notes"]) for r in body}
    assert seen == {
        ids[0]: ("open", "nouveau"),
        ids[1]: ("open", "pris en compte"),
        ids[2]: ("closed", "résolu"),
        ids[3]: ("closed", "rejeté"),
        ids[4]: ("closed", f"doublon (#{ids[0]})"),
        ids[5]: ("open", "réorienté"),
    }
    _, closed, _ = await get(svc, "/open311/v2/requests.json?status=closed")
    assert sorted(int(r["service_request_id"]) for r in closed) == ids[2:5]
    _, opened, _ = await get(svc, "/open311/v2/requests.json?status=open")
    assert sorted(int(r["service_request_id"]) for r in opened) == [ids[0], ids[1], ids[5]]
    _, both, _ = await get(svc, "/open311/v2/requests.json?status=open,closed")
    assert len(both) == 6
    _, roads, _ = await get(svc, "/open311/v2/requests.json?service_code=roads")
    assert [r["service_request_id"] for r in roads] == [str(ids[5])]
    assert roads[0]["service_name"] == "Voirie"


async def test_filters_by_id_date_and_page(svc: Deps, clock: Clock) -> None:
    marie = await resident(svc, 1001)
    old = await report(svc, marie, "Fuite ancienne")  # 26/11/2026
    clock.advance(days=100)
    recent = [await report(svc, marie, f"Fuite {i}") for i in range(3)]
    clock.advance(hours=1)

    _, body, _ = await get(svc, "/open311/v2/requests.json")  # the last 90 days
    assert [int(r["service_request_id"]) for r in body] == recent[::-1]  # newest first
    _, body, _ = await get(svc, f"/open311/v2/requests.json?service_request_id={old},{recent[0]}")
    assert {int(r["service_request_id"]) for r in body} == {old, recent[0]}  # ids: any date
    _, body, _ = await get(
        svc, "/open311/v2/requests.json?start_date=2026-11-01T00:00:00Z&end_date=2026-12-01"
    )
    assert [int(r["service_request_id"]) for r in body] == [old]
    # An unencoded "+01:00" arrives as " 01:00": still understood.
    _, body, _ = await get(svc, "/open311/v2/requests.json?start_date=2026-11-26T10:00:00+01:00")
    assert [int(r["service_request_id"]) for r in body] == [old]
    _, page1, _ = await get(svc, "/open311/v2/requests.json?page_size=2")
    _, page2, _ = await get(svc, "/open311/v2/requests.json?page_size=2&page=2")
    assert [int(r["service_request_id"]) for r in page1 + page2] == recent[::-1]


async def test_erased_residents_reports_keep_no_words(svc: Deps) -> None:
    marie = await resident(svc, 1001, "Marie")
    rid = await report(svc, marie, LEAK, address="3 rue des Lilas", lat=45.76, lon=4.83)
    async with svc.sessions() as s:
        await privacy.erase(s, svc, marie.id, svc.clock())
        await s.commit()
    _, body, _ = await get(svc, f"/open311/v2/requests/{rid}.json", descriptions=True)
    (shown,) = body
    assert "description" not in shown and "address" not in shown
    assert "lat" not in shown and "long" not in shown  # her point is often her home
    assert (shown["service_code"], shown["status"]) == ("water", "open")


async def test_ideas_are_not_service_requests(svc: Deps) -> None:
    from core.ideas import proposals as ideas

    marie = await resident(svc, 1001)
    async with svc.sessions() as s:
        await ideas.submit(s, marie.id, "Des bancs au parc", "green_spaces", "fr", svc.clock())
        await s.commit()
    _, body, _ = await get(svc, "/open311/v2/requests.json")
    assert body == []


async def test_xml_is_served_too(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    rid = await report(svc, marie, "Fuite", lat=45.0, lon=4.0)
    code, body, headers = await get(svc, "/open311/v2/requests.xml")
    assert code == 200 and headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(body)
    assert root.tag == "service_requests"
    (req,) = root.findall("request")
    assert req.findtext("service_request_id") == str(rid) and req.findtext("long") == "4.0"
    code, body, _ = await get(svc, "/open311/v2/services/nope.xml")
    assert code == 404 and ET.fromstring(body).findtext("error/code") == "404"
    _, body, _ = await get(svc, "/open311/v2/services.xml")
    assert ET.fromstring(body).findtext("service/metadata") == "false"


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("requests.json?start_date=yesterday", 400, "start_date must be a W3C datetime"),
        ("requests.json?end_date=2026-13-45", 400, "end_date must be a W3C datetime"),
        ("requests.json?start_date=2026-01-01&end_date=2026-12-01", 400, "more than 90 days"),
        ("requests.json?start_date=2026-12-01&end_date=2026-11-01", 400, "before end_date"),
        ("requests.json?service_code=sewers", 400, "unknown service_code: sewers"),
        ("requests.json?service_request_id=12,abc", 400, "service_request_id must be a whole"),
        ("requests.json?service_request_id=" + "1" * 40, 400, "service_request_id must be"),
        ("requests.json?status=pending", 400, "status must be 'open' or 'closed'"),
        ("requests.json?page_size=5000", 400, "page_size must be between 1 and 200"),
        ("requests.json?page=0", 400, "page must be a positive number"),
        ("requests.json?page=-1", 400, "page must be a whole number"),
        ("requests.json?q=" + "x" * 3000, 400, "longer than 2000 characters"),
        ("requests.html", 400, "the format must be .json or .xml"),
        ("requests/99.json", 404, "no service request 99"),
        ("requests/x1.json", 400, "service_request_id must be a whole number"),
        ("tokens.json", 404, "no such endpoint"),
    ],
)
async def test_errors_are_open311_error_lists(
    svc: Deps, path: str, status: int, words: str
) -> None:
    code, body, headers = await get(svc, f"/open311/v2/{path}")
    assert code == status
    assert headers["Content-Type"].startswith("application/json")
    (err,) = body
    assert err["code"] == status and words in err["description"]


async def test_too_many_ids_is_refused(svc: Deps) -> None:
    ids = ",".join(str(i) for i in range(1, 202))
    code, body, _ = await get(svc, f"/open311/v2/requests.json?service_request_id={ids}")
    assert code == 400 and "at most 200 values" in body[0]["description"]


async def test_posting_a_request_without_a_key_is_refused_clearly(svc: Deps) -> None:
    async with serve(svc) as client:
        resp = await client.post(
            "/open311/v2/requests.json", data={"service_code": "water", "lat": "45"}
        )
        body = await resp.json()
    assert resp.status == 403
    assert body == [
        {"code": 403, "description": "an api_key is required to post a service request"}
    ]


async def test_disabled_api_is_not_served(svc: Deps) -> None:
    code, _, _ = await get(svc, "/open311/v2/services.json", open311=False)
    assert code == 404


async def test_a_failure_is_an_error_list_not_a_traceback(svc: Deps, tmp_path: Path) -> None:
    sessions = svc.sessions
    down = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'x.db'}")
    svc.sessions = create_sessionmaker(down)  # a database that cannot be opened
    try:
        async with serve(svc) as client:
            resp = await client.get("/open311/v2/requests.json")
            body = await resp.json()
    finally:
        svc.sessions = sessions
        await down.dispose()
    assert resp.status == 500
    assert body == [{"code": 500, "description": "internal error: please try again later"}]


async def _reply(s: AsyncSession, svc: Deps, rid: int, words: str) -> None:
    """An agent's reply to the resident, drafted then sent (``core.reports.notes``)."""
    draft = await notes.draft_reply(s, svc, WATER, rid, words, svc.clock())
    await notes.send_reply(s, svc, WATER, rid, draft.draft_id, svc.clock())
