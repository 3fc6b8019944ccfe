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
