"""Open311 facing hostile parameters and odd stored text: a clear 400, never a 500, and XML
that is always well-formed."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import pytest

from core.deps import Deps
from core.residents import privacy
from tests.web.conftest import report, resident, serve

HOSTILE = [
    "start_date=0001-01-01T00:00:00%2B14:00",
    "end_date=9999-12-31T23:59:59-12:00",
    "start_date=9999-12-31",
    "end_date=0001-01-01",
    "start_date=0001-01-02&end_date=0001-01-01",
    "start_date=2026-02-30",
    "start_date=2026-11-26T25:00:00Z",
    "page=99999999999999999",
    "page_size=0",
    "service_request_id=99999999999999999999",
    "service_request_id=%C2%B2",
    "status=%00",
    "service_code=%3Cscript%3E",
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("query", HOSTILE)
async def test_a_bad_parameter_gets_a_400_with_an_open311_error(
    svc: Deps, query: str, fmt: str
) -> None:
    async with serve(svc) as client:
        resp = await client.get(f"/open311/v2/requests.{fmt}?{query}")
        body = await resp.text()
    assert resp.status == 400, body
    if fmt == "xml":
        (error,) = ET.fromstring(body)
        assert error.findtext("code") == "400" and error.findtext("description")


async def test_control_characters_never_make_the_xml_ill_formed(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    await report(svc, marie, "Fuite\x01 d'eau\x07\x1b[31m rue\ufffe Haute", address="3\x0c rue")
    async with serve(svc, descriptions=True) as client:
        resp = await client.get("/open311/v2/requests.xml")
        body = await resp.text()
    assert resp.status == 200
    (request,) = ET.fromstring(body)
    assert "Fuite d'eau" in (request.findtext("description") or "")


async def _point(svc: Deps) -> dict[str, Any]:
    async with serve(svc) as client:
        resp = await client.get("/open311/v2/requests.json")
        (request,) = await resp.json()
    return dict(request)


async def test_the_point_is_rounded_to_about_fifty_metres_and_dropped_on_erasure(
    svc: Deps,
) -> None:
    marie = await resident(svc, 1001)
    await report(svc, marie, "Fuite d'eau", lat=48.8566123, lon=2.3522219)
    shown = await _point(svc)
    assert abs(shown["lat"] - 48.8566123) <= 0.0005 and shown["lat"] != 48.8566123
    assert abs(shown["long"] - 2.3522219) <= 0.0005 and shown["long"] != 2.3522219
    async with svc.sessions() as s:
        await privacy.erase(s, svc, marie.id, svc.clock())
        await s.commit()
    erased = await _point(svc)
    assert "lat" not in erased and "long" not in erased


MORE_HOSTILE = [
    "lat=91&long=2",
    "lat=nan&long=2",
    "lat=inf&long=2",
    "lat=48.8&long=-180.5",
    "lat=48.8",
    "lat=abc&long=1",
    "lat=48.8&long=2.3&radius=0",
    "lat=48.8&long=2.3&radius=999999",
    "lat=48.8&long=2.3&radius=1e3",
    "page_size=201",
    "page_size=-1",
    "page=0",
    "page=%EF%BC%91",
]


@pytest.mark.parametrize("query", MORE_HOSTILE)
async def test_more_bad_parameters_get_a_400_and_no_traceback_in_the_log(
    svc: Deps, query: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with serve(svc) as client:
        resp = await client.get(f"/open311/v2/requests.xml?{query}")
        body = await resp.text()
    assert resp.status == 400, body
    ET.fromstring(body)  # well-formed
    assert not [r for r in caplog.records if r.exc_info or r.levelname == "ERROR"]


async def test_a_search_around_a_point(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    near = await report(svc, marie, "Fuite ici", lat=48.8566, lon=2.3522)
    await report(svc, marie, "Fuite loin", lat=48.9, lon=2.5)
    async with serve(svc) as client:
        resp = await client.get("/open311/v2/requests.json?lat=48.857&long=2.352&radius=300")
        found = await resp.json()
    assert [r["service_request_id"] for r in found] == [str(near)]


async def test_a_page_is_capped_and_a_large_one_is_complete(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    for i in range(60):
        await report(svc, marie, f"Fuite {i}")
    async with serve(svc, max_page_size=55) as client:
        page = await (await client.get("/open311/v2/requests.xml")).text()
        too_big = await client.get("/open311/v2/requests.json?page_size=56")
    assert len(ET.fromstring(page)) == 55
    assert too_big.status == 400
