"""Open311 GeoReport v2: the town's service catalogue and its reports, as open data.

What is published about a report: its reference, service, status (Open311's ``open`` or
``closed``, with our finer status as a note), the dates it was made and last changed, and its
place (the point on the map, and the address as typed with personal data masked). Its text is
published only when the town chooses to (``web.open311.publish_descriptions``), and then as
agents see it, masked. Never the resident: no name, Telegram identity, chat, language, photo,
nor the words exchanged with the agents. Ideas are not service requests and are left out.
A resident who erased their data left a report without text or address, and its point (kept
for the agents who fix the problem) is not published: so is it shown.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue import Attribute, Catalogue
from core.deps import Deps
from core.reports.due import resolve_by
from core.views import ERASED, view
from nlp.redact import redact
from storage.enums import OPEN_STATUSES, ReportStatus
from storage.models import Report, ReportEvent

#: Open311 caps a search at 1000 requests and a date window at 90 days.
MAX_RESULTS = 1000
WINDOW = timedelta(days=90)
#: More ids or codes than this in one search is refused (a query, not a bulk download).
MAX_LISTED = 200
OPEN311_STATUSES = ("open", "closed")
#: No report number is larger (the database's integer): a larger one is nobody's.
MAX_ID = 2**31 - 1
#: A search around a point: its radius by default and at most, in metres.
DEFAULT_RADIUS, MAX_RADIUS = 500, 5_000
#: Metres in a degree of latitude (and of longitude at the equator).
METRES_PER_DEGREE = 111_320.0
#: More rows than this are made public off the event loop (masking the addresses takes time).
OFF_LOOP_ROWS = 50
#: Published points are rounded to this grid (degrees; about 55 m of latitude): a point a
#: resident shares is often her home, and the open data needs the street, not the door.
GRID = 0.0005


def coarse(degrees: float | None) -> float | None:
    """``degrees`` on the published grid (None stays None)."""
    return None if degrees is None else round(round(degrees / GRID) * GRID, 4)


class QueryError(ValueError):
    """A search the API refuses; the message says why, for the caller (Open311 speaks English)."""


@dataclass(frozen=True)
class ServiceEntry:
    code: str
    name: str
    description: str
    keywords: tuple[str, ...]
    group: str
    #: The service definition's ``attributes``: its extra questions, as the specification
    #: shapes them (``attribute[code]`` when posting).
    attributes: tuple[dict[str, Any], ...] = ()


def _attribute(a: Attribute, order: int, lang: str) -> dict[str, Any]:
    description = a.descriptions.get(lang) or next(iter(a.descriptions.values()), a.code)
    out: dict[str, Any] = {
        "variable": True,
        "code": a.code,
        "datatype": a.datatype,
        "required": a.required,
        "datatype_description": "",
        "order": order,
        "description": description,
    }
    if a.values:
        out["values"] = [
            {"key": key, "name": names.get(lang) or next(iter(names.values()))}
            for key, names in a.values
        ]
    return out


def _entry(catalogue: Catalogue, code: str, lang: str) -> ServiceEntry:
    info = catalogue.get(code)
    description = info.description(lang)
    keywords = info.keywords or tuple(
        w.strip() for w in description.replace(" et ", ", ").split(",") if w.strip()
    )
    attributes = tuple(_attribute(a, i, lang) for i, a in enumerate(info.attributes, 1))
    return ServiceEntry(info.code, info.name(lang), description, keywords, info.group, attributes)


def services(catalogue: Catalogue, lang: str) -> list[ServiceEntry]:
    """The configured catalogue, named in ``lang`` (the town's language)."""
    return [_entry(catalogue, info.code, lang) for info in catalogue]


def service(catalogue: Catalogue, code: str, lang: str) -> ServiceEntry | None:
    return _entry(catalogue, code, lang) if code in catalogue else None


@dataclass(frozen=True)
class RequestQuery:
    """A search, as the API's parameters give it (already parsed; checked by :func:`search`)."""

    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[str] = frozenset()
    page: int = 1
    page_size: int = MAX_RESULTS
    #: Around a point: latitude, longitude, radius in metres (a box around the circle).
    near: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class PublicRequest:
    """A report as the open data shows it (see the module's docstring)."""

    id: int
    status: str  # "open" or "closed"
    status_notes: str
    service_code: str
    service_name: str
    description: str | None
    agency_responsible: str
    requested_at: datetime
    updated_at: datetime
    #: When it should be resolved (its service's response time); None once closed.
    expected_at: datetime | None
    address: str | None
    lat: float | None
    lon: float | None


def window(q: RequestQuery, now: datetime) -> tuple[datetime, datetime]:
    """The dates searched: the last 90 days by default, never more than 90 days."""
    if q.start is not None and q.end is not None:
        start, end = q.start, q.end
    elif q.start is not None:
        start, end = q.start, q.start + WINDOW
    else:
        end = q.end or now
        start = end - WINDOW
    if start > end:
        raise QueryError("start_date must be before end_date")
    if end - start > WINDOW:
        raise QueryError("start_date and end_date may not span more than 90 days")
    return start, end


def check(q: RequestQuery, catalogue: Catalogue) -> None:
    if len(q.ids) > MAX_LISTED or len(q.service_codes) > MAX_LISTED:
        raise QueryError(f"at most {MAX_LISTED} values in service_request_id or service_code")
    unknown = [c for c in q.service_codes if c not in catalogue]
    if unknown:
        raise QueryError(f"unknown service_code: {unknown[0]}")
    bad = sorted(q.statuses - set(OPEN311_STATUSES))
    if bad:
        raise QueryError(f"status must be 'open' or 'closed', not {bad[0]!r}")
    if not 1 <= q.page_size <= MAX_RESULTS:
        raise QueryError(f"page_size must be between 1 and {MAX_RESULTS}")
    if not 1 <= q.page <= 1_000_000:
        raise QueryError("page must be a positive number")


def _last_change() -> Any:
    """When the report's status or service last changed (its replies do not count)."""
    return (
        select(func.max(ReportEvent.at))
        .where(ReportEvent.report_id == Report.id, ReportEvent.new_status.is_not(None))
        .correlate(Report)
        .scalar_subquery()
    )


async def search(
    s: AsyncSession, deps: Deps, q: RequestQuery, now: datetime, descriptions: bool
) -> list[PublicRequest]:
    """The reports matching ``q``, newest first; raises :class:`QueryError` for a bad search.
    Given ids, the date window does not apply (Open311 lets other parameters be ignored)."""
    check(q, deps.catalogue)
    query = select(Report, _last_change())
    if q.ids:
        query = query.where(Report.id.in_([i for i in q.ids if i <= MAX_ID]))
    else:
        start, end = window(q, now)
        query = query.where(Report.created_at >= start, Report.created_at <= end)
    if q.service_codes:
        query = query.where(Report.service_code.in_(q.service_codes))
    if q.near is not None:
        lat, lon, metres = q.near
        dlat = metres / METRES_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
        query = query.where(Report.lat.between(lat - dlat, lat + dlat))
        query = query.where(Report.lon.between(lon - dlon, lon + dlon))
    if q.statuses == {"open"}:
        query = query.where(Report.status.in_(OPEN_STATUSES))
    elif q.statuses == {"closed"}:
        query = query.where(Report.status.not_in(OPEN_STATUSES))
    query = (
        query.order_by(Report.created_at.desc(), Report.id.desc())
        .offset((q.page - 1) * q.page_size)
        .limit(q.page_size)
    )
    rows = (await s.execute(query)).all()

    def public() -> list[PublicRequest]:
        return [_public(deps, r, changed, descriptions) for r, changed in rows]

    # The webhook shares the event loop: a large page is made public in a thread.
    return await asyncio.to_thread(public) if len(rows) > OFF_LOOP_ROWS else public()


async def one(
    s: AsyncSession, deps: Deps, report_id: int, descriptions: bool
) -> PublicRequest | None:
    if report_id > MAX_ID:
        return None
    row = (await s.execute(select(Report, _last_change()).where(Report.id == report_id))).first()
    if row is None:
        return None
    return _public(deps, row[0], row[1], descriptions)


def _public(deps: Deps, r: Report, changed: datetime | None, descriptions: bool) -> PublicRequest:
    lang = deps.lang  # the town's language: never the resident's
    name = deps.catalogue.name(r.service_code, lang)
    erased = r.text == ERASED
    text = r.redacted_text if descriptions and r.redacted_text not in ("", ERASED) else None
    if r.text_hidden:  # moderation: the words (and the typed address) withheld
        text = None
    return PublicRequest(
        id=r.id,
        status=r.status.open311,
        status_notes=status_note(deps, r.status, r.duplicate_of),
        service_code=r.service_code,
        service_name=name,
        description=text,
        agency_responsible=name,
        requested_at=r.created_at,
        updated_at=max(changed or r.created_at, r.created_at),
        expected_at=resolve_by(view(r), deps.catalogue) if r.status.is_open else None,
        address=redact(r.address, lang) if r.address and not r.text_hidden else None,
        # An erased resident's point stays for the agents who fix the problem, never in public.
        lat=None if erased else coarse(r.lat),
        lon=None if erased else coarse(r.lon),
    )


def status_note(deps: Deps, status: ReportStatus, duplicate_of: int | None) -> str:
    """Our finer status, in the town's language (Open311's own is only open or closed)."""
    note = deps.texts.get(deps.lang, f"status.{status.value}")
    if status is ReportStatus.DUPLICATE and duplicate_of:
        note += f" (#{duplicate_of})"
    return note
