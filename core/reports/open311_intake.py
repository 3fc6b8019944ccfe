"""Reports posted through the Open311 API (``POST requests``) by a client holding a key
(``core.integrations.api_clients``): checked as a resident's report is, then submitted the same
way (``core.reports.submit``: the card to the service's agents, the forwards), with a token the
client can turn into the request's id (``tokens/{token}``).

What is checked: the service exists; the description is there and within
``bot.max_text_chars``; a place is given (a point within the coordinates' ranges, or an
address); each of the service's extra questions (``attributes``) is answered as its type says,
the required ones always, and no other is sent. The description is masked as a resident's
words are (phone numbers, e-mail addresses...) for the agents and the open data; the
submitter's own contact fields (``email``, ``phone``, names...) are not kept.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue import Attribute
from core.deps import Deps
from core.integrations.api_clients import ClientRef
from core.reports import submit as reports
from core.residents.directory import ResidentRef
from nlp.redact import redact
from storage.enums import ActorKind, ReportIntent
from storage.models import ApiRequest

#: The longest address and attribute value accepted.
MAX_ADDRESS = 300
MAX_VALUE = 500
MAX_TOKEN = 64


class IntakeError(ValueError):
    """A request refused; the message says why, for the client (Open311 speaks English)."""


@dataclass(frozen=True)
class Posted:
    """The fields of ``POST requests`` as the client sent them (strings, unchecked)."""

    service_code: str = ""
    description: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    #: ``attribute[code]`` (one value) and ``attribute[code][]`` (several), by code.
    attributes: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Accepted:
    report_id: int
    token: str


def _coordinate(raw: str, name: str, limit: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise IntakeError(f"{name} must be a number of degrees") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise IntakeError(f"{name} must be between -{limit:g} and {limit:g}")
    return value


def _place(p: Posted) -> tuple[float | None, float | None, str | None]:
    lat_raw, lon_raw, address = p.lat.strip(), p.long.strip(), " ".join(p.address_string.split())
    if bool(lat_raw) != bool(lon_raw):
        raise IntakeError("lat and long go together")
    if len(address) > MAX_ADDRESS:
        raise IntakeError(f"address_string is longer than {MAX_ADDRESS} characters")
    if not lat_raw and not address:
        raise IntakeError("a location is required: lat and long, or address_string")
    if not lat_raw:
        return None, None, address
    return _coordinate(lat_raw, "lat", 90), _coordinate(lon_raw, "long", 180), address or None


def _answer(a: Attribute, values: list[str], lang: str) -> str:
    """One extra question's answer, checked, as the agents read it."""
    values = [v.strip() for v in values if v.strip()]
    if len(values) > 1 and a.datatype != "multivaluelist":
        raise IntakeError(f"attribute[{a.code}] takes one value")
    if any(len(v) > MAX_VALUE for v in values):
        raise IntakeError(f"attribute[{a.code}] is longer than {MAX_VALUE} characters")
    if a.datatype == "number":
        try:
            if not math.isfinite(float(values[0])):
                raise ValueError
        except ValueError:
            raise IntakeError(f"attribute[{a.code}] must be a number") from None
    elif a.datatype == "datetime":
        try:
            datetime.fromisoformat(values[0].replace("Z", "+00:00"))
        except ValueError:
            raise IntakeError(f"attribute[{a.code}] must be a W3C datetime") from None
    elif a.datatype.endswith("valuelist"):
        names = {key: names for key, names in a.values}
        unknown = [v for v in values if v not in names]
        if unknown:
            keys = ", ".join(names)
            raise IntakeError(f"attribute[{a.code}]: {unknown[0][:40]!r} is not one of {keys}")
        values = [names[v].get(lang) or next(iter(names[v].values())) for v in values]
    return ", ".join(values)


def answers(deps: Deps, service: str, given: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The service's extra questions and their answers (question, answer), checked."""
    asked = {a.code: a for a in deps.catalogue.get(service).attributes}
    unknown = sorted(set(given) - set(asked))
    if unknown:
        raise IntakeError(f"unknown attribute for {service}: {unknown[0][:40]}")
    out = []
    for code, a in asked.items():
        values = [v for v in given.get(code, []) if v.strip()]
        if not values:
            if a.required:
                raise IntakeError(f"attribute[{code}] is required")
            continue
        question = a.descriptions.get(deps.lang) or next(iter(a.descriptions.values()), code)
        out.append((question, _answer(a, values, deps.lang)))
    return out


def check(deps: Deps, p: Posted) -> reports.NewReport:
    """The report a request makes, or :class:`IntakeError`."""
    service = p.service_code.strip()
    if not service:
        raise IntakeError("service_code is required")
    if service not in deps.catalogue:
        raise IntakeError(f"unknown service_code: {service[:40]}")
    description = p.description.strip()
    if not description:
        raise IntakeError("description is required")
    limit = deps.settings.max_text_chars
    if len(description) > limit:
        raise IntakeError(f"description is longer than {limit} characters")
    lat, lon, address = _place(p)
    extra = answers(deps, service, p.attributes)
    text = description + "".join(f"\n{q} : {a}" for q, a in extra)
    c = deps.nlp.classify(text[:2_000])
    lang = c.lang or deps.lang
    return reports.NewReport(
        text=text,
        service=service,
        lang=lang,
        suggested_service=c.service if c.service in deps.catalogue else service,
        confidence=c.confidence,
        intent=ReportIntent.REPORT,
        urgent=c.strongly_urgent,
        danger=c.danger,
        redacted_text=redact(text, lang),
        address=address,
        lat=lat,
        lon=lon,
    )


async def submit(
    s: AsyncSession, deps: Deps, client: ClientRef, p: Posted, now: datetime
) -> Accepted:
    """Check and submit a posted request (the caller commits)."""
    new = check(deps, p)
    stand_in = ResidentRef(client.resident_id, 0, 0, client.name, deps.lang)
    rv = await reports.submit(s, deps, stand_in, new, now, actor=ActorKind.API_CLIENT)
    token = secrets.token_urlsafe(24)
    s.add(ApiRequest(token=token, report_id=rv.id, api_client_id=client.id, created_at=now))
    return Accepted(rv.id, token)


async def by_token(s: AsyncSession, token: str) -> int | None:
    """The request id a token stands for (any client's: a token is as good as its id)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return await s.scalar(select(ApiRequest.report_id).where(ApiRequest.token == token))
