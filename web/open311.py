"""Open311 GeoReport v2 (``/open311/v2/``), in JSON and XML: the catalogue and the reports as
open data (what a report shows: ``core.reports.open311``). Residents report through the bot;
other systems holding a key post through ``web.open311_post``.

Every answer carries ``Access-Control-Allow-Origin: *`` (open data); every refusal is an
Open311 error list, ``[{"code": 400, "description": "..."}]``, never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from aiohttp import web

from core.callbacks import ROW_ID_MAX, is_id
from core.reports import open311
from core.reports.open311 import PublicRequest, QueryError, RequestQuery, ServiceEntry
from web.context import CONTEXT, WebContext

log = logging.getLogger(__name__)

PREFIX = "/open311/v2"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00Z"  # when this API last changed shape
#: A longer query string is refused before it is read.
MAX_QUERY = 2_000
FORMATS = {"json": "application/json", "xml": "text/xml"}
CORS = {"Access-Control-Allow-Origin": "*"}
#: XML: the element of each item of a list, by the list's element.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


class Refused(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = Callable[[web.Request, WebContext], Awaitable[tuple[str, Any]]]


def _fmt(request: web.Request) -> str:
    """The format asked for: the path's extension (JSON when there is none)."""
    fmt = request.match_info.get("fmt") or ("xml" if request.path.endswith(".xml") else "json")
    if fmt not in FORMATS:
        raise Refused(400, "the format must be .json or .xml")
    return fmt


#: A page with more items than this is written off the event loop (the webhook shares it).
OFF_LOOP_ITEMS = 50


def _body(fmt: str, root: str, data: Any) -> str:
    if fmt == "xml":
        return ET.tostring(_element(root, data), encoding="unicode", xml_declaration=True)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def respond(
    fmt: str, root: str, data: Any, status: int = 200, body: str | None = None
) -> web.Response:
    body = _body(fmt, root, data) if body is None else body
    return web.Response(text=body, status=status, content_type=FORMATS[fmt], headers=CORS)


#: Characters XML 1.0 forbids (C0 controls but tab and line breaks, lone surrogates, U+FFFE/F):
#: a resident's words may hold them, and one would make the whole page ill-formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Dates a search may name: any other is a mistake or a probe, refused before any arithmetic.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _element(tag: str, value: Any) -> ET.Element:
    el = ET.Element(tag)
    if isinstance(value, dict):
        for k, v in value.items():
            if v is not None:
                el.append(_element(k, v))
    elif isinstance(value, list):
        for v in value:
            el.append(_element(ITEMS.get(tag, "item"), v))
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    else:
        el.text = _NOT_XML.sub("", str(value))
    return el


def error(fmt: str, status: int, description: str) -> web.Response:
    return respond(fmt, "errors", [{"code": status, "description": description}], status)


def route(handler: Route) -> Handler:
    """Run ``handler`` (which returns the XML root's name and the data), turning refusals and
    failures into Open311 errors."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        fmt = "xml" if request.path.endswith(".xml") else "json"  # until checked below
        try:
            if len(request.query_string) > MAX_QUERY:
                raise Refused(400, f"the query string is longer than {MAX_QUERY} characters")
            fmt = _fmt(request)
            root, data = await handler(request, request.app[CONTEXT])
            if isinstance(data, list) and len(data) > OFF_LOOP_ITEMS:
                return respond(
                    fmt, root, data, body=await asyncio.to_thread(_body, fmt, root, data)
                )
            return respond(fmt, root, data)
        except Refused as exc:
            return error(fmt, exc.status, exc.description)
        except QueryError as exc:
            return error(fmt, 400, str(exc))
        except Exception as exc:  # a bug: its type only (a traceback may quote the input)
            log.error("open311: %s failed: %s", request.path[:100], type(exc).__name__)
            return error(fmt, 500, "internal error: please try again later")

    return wrapped


async def discovery(request: web.Request, ctx: WebContext) -> tuple[str, Any]:
    base = ctx.options.public_url or str(request.url.origin())
    return "discovery", {
        "changeset": CHANGESET,
        "contact": ctx.options.contact,
        "key_service": "",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base + PREFIX,
                "changeset": CHANGESET,
                "type": "production",
                "formats": list(FORMATS.values()),
            }
        ],
    }


def _service(e: ServiceEntry) -> dict[str, Any]:
    return {
        "service_code": e.code,
        "service_name": e.name,
        "description": e.description,
        "metadata": bool(e.attributes),
        "type": "realtime",
        "keywords": ", ".join(e.keywords),
        "group": e.group,
    }


async def services(request: web.Request, ctx: WebContext) -> tuple[str, Any]:
    deps = ctx.deps
    return "services", [_service(e) for e in open311.services(deps.catalogue, deps.lang)]


async def service_definition(request: web.Request, ctx: WebContext) -> tuple[str, Any]:
    deps = ctx.deps
    code = request.match_info["code"]
    found = open311.service(deps.catalogue, code, deps.lang)
    if found is None:
        raise Refused(404, f"unknown service_code: {code[:40]}")
    return "service_definition", {"service_code": code, "attributes": list(found.attributes)}


def _w3c(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).isoformat(timespec="seconds")


def _request(r: PublicRequest, tz: ZoneInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "service_request_id": str(r.id),
        "status": r.status,
        "status_notes": r.status_notes,
        "service_name": r.service_name,
        "service_code": r.service_code,
        "description": r.description,
        "agency_responsible": r.agency_responsible,
        "requested_datetime": _w3c(r.requested_at, tz),
        "updated_datetime": _w3c(r.updated_at, tz),
        "expected_datetime": _w3c(r.expected_at, tz) if r.expected_at else None,
        "address": r.address,
        "lat": r.lat,
        "long": r.lon,
    }
    return {k: v for k, v in out.items() if v is not None}


def _values(request: web.Request, name: str) -> list[str]:
    """A comma-separated parameter (which may also be repeated), its values in order, once."""
    raw = ",".join(request.query.getall(name, []))
    return list(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))


def _number(raw: str, name: str) -> int:
    """A whole number that fits the id columns (checked before any query: PostgreSQL refuses
    a query whose id does not fit its column)."""
    if not is_id(raw):
        raise Refused(400, f"{name} must be a whole number up to {ROW_ID_MAX}, not {raw[:40]!r}")
    return int(raw)


def _date(request: web.Request, name: str, tz: ZoneInfo) -> datetime | None:
    raw = request.query.get(name)
    if raw is None or not raw.strip():
        return None
    # An unencoded "+01:00" reaches us as " 01:00" (a "+" in a query string is a space).
    value = raw.strip().replace(" ", "+")
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            at = datetime(d.year, d.month, d.day, tzinfo=tz)
        else:
            at = datetime.fromisoformat(value)
    except ValueError:
        raise Refused(400, f"{name} must be a W3C datetime such as 2026-11-26T10:00:00Z") from None
    if not EARLIEST.year <= at.year <= LATEST.year:
        raise Refused(400, f"{name} must be between {EARLIEST.year} and {LATEST.year}")
    if at.tzinfo is None:
        at = at.replace(tzinfo=tz)
    return at.astimezone(UTC)


def _degrees(request: web.Request, name: str, limit: float) -> float | None:
    raw = request.query.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw.strip()[:40])
    except ValueError:
        value = math.nan
    if not -limit <= value <= limit:  # NaN fails too
        raise Refused(400, f"{name} must be a number of degrees between -{limit:g} and {limit:g}")
    return value


def _near(request: web.Request) -> tuple[float, float, float] | None:
    """A search around a point (``lat``, ``long``, ``radius`` in metres), or None."""
    lat, lon = _degrees(request, "lat", 90), _degrees(request, "long", 180)
    radius = request.query.get("radius", "").strip()
    if lat is None and lon is None and not radius:
        return None
    if lat is None or lon is None:
        raise Refused(400, "lat and long go together")
    metres = _number(radius, "radius") if radius else open311.DEFAULT_RADIUS
    if not 1 <= metres <= open311.MAX_RADIUS:
        raise Refused(400, f"radius must be between 1 and {open311.MAX_RADIUS} metres")
    return lat, lon, float(metres)


def parse_query(request: web.Request, tz: ZoneInfo, max_page_size: int) -> RequestQuery:
    page = request.query.get("page", "1")
    size = request.query.get("page_size", str(max_page_size))
    page_size = _number(size, "page_size")
    if not 1 <= page_size <= max_page_size:
        raise Refused(400, f"page_size must be between 1 and {max_page_size}")
    return RequestQuery(
        ids=tuple(_number(v, "service_request_id") for v in _values(request, "service_request_id")),
        service_codes=tuple(_values(request, "service_code")),
        start=_date(request, "start_date", tz),
        end=_date(request, "end_date", tz),
        statuses=frozenset(v.lower() for v in _values(request, "status")),
        page=_number(page, "page"),
        page_size=page_size,
        near=_near(request),
    )


async def requests(request: web.Request, ctx: WebContext) -> tuple[str, Any]:
    deps = ctx.deps
    q = parse_query(request, deps.settings.tz, ctx.options.max_page_size)
    async with deps.sessions() as s:
        found = await open311.search(s, deps, q, deps.clock(), ctx.options.descriptions)
    return "service_requests", [_request(r, deps.settings.tz) for r in found]


async def one_request(request: web.Request, ctx: WebContext) -> tuple[str, Any]:
    deps = ctx.deps
    raw = request.match_info["rid"]
    rid = _number(raw, "service_request_id")
    async with deps.sessions() as s:
        found = await open311.one(s, deps, rid, ctx.options.descriptions)
    if found is None:
        raise Refused(404, f"no service request {rid}")
    return "service_requests", [_request(found, deps.settings.tz)]


async def not_found(request: web.Request, ctx: WebContext) -> tuple[str, Any]:
    raise Refused(404, f"no such endpoint: {request.path[:100]}")


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get(PREFIX + "/discovery.{fmt}", route(discovery))
    r.add_get(PREFIX + "/services.{fmt}", route(services))
    r.add_get(PREFIX + "/services/{code}.{fmt}", route(service_definition))
    r.add_get(PREFIX + "/requests.{fmt}", route(requests))
    r.add_get(PREFIX + "/requests/{rid}.{fmt}", route(one_request))
    r.add_route("*", PREFIX + "/{tail:.*}", route(not_found))
