"""Open311 GeoReport v2, the writing side: ``POST requests`` by a client holding a key
(``senscommun apikey create``), and ``GET tokens/{token}``. What is checked and how the report
is routed: ``core.reports.open311_intake``. Every refusal is an Open311 error list (a missing
or unknown key: 403; a bad field: 400), through ``web.open311.route``."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from core.integrations import api_clients
from core.reports import open311_intake as intake
from core.reports.open311_intake import IntakeError, Posted
from web.context import WebContext
from web.open311 import PREFIX, Refused, route

#: ``attribute[code]`` or ``attribute[code][]``.
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,64})\](\[\])?$")
#: More fields than this in one request is no report.
MAX_FIELDS = 100


def _text(form: MultiMapping[Any], name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def posted(form: MultiMapping[Any]) -> Posted:
    if len(form) > MAX_FIELDS:
        raise Refused(400, f"at most {MAX_FIELDS} fields")
    attributes: dict[str, list[str]] = {}
    for name, value in form.items():
        m = ATTRIBUTE.match(name)
        if m and isinstance(value, str):
            attributes.setdefault(m.group(1), []).append(value)
    return Posted(
        service_code=_text(form, "service_code"),
        description=_text(form, "description"),
        lat=_text(form, "lat"),
        long=_text(form, "long"),
        address_string=_text(form, "address_string"),
        attributes=attributes,
    )


async def create_request(request: web.Request, ctx: WebContext) -> tuple[str, Any]:
    deps = ctx.deps
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise Refused(413, "the request is too large") from None
    except ValueError:
        raise Refused(400, "the body must be a form (application/x-www-form-urlencoded)") from None
    key = _text(form, "api_key") or request.query.get("api_key", "")
    if not key:
        raise Refused(403, "an api_key is required to post a service request")
    fields = posted(form)
    try:
        async with deps.writing() as s:
            client = await api_clients.verify(s, key)
            if client is None:
                raise Refused(403, "this api_key is not valid")
            accepted = await intake.submit(s, deps, client, fields, deps.clock())
            await s.commit()
    except IntakeError as exc:
        raise Refused(400, str(exc)) from None
    ctx.kick()  # the card to the agents, through the outbox
    return "service_requests", [
        {
            "service_request_id": str(accepted.report_id),
            "token": accepted.token,
            "service_notice": "",
        }
    ]


async def token(request: web.Request, ctx: WebContext) -> tuple[str, Any]:
    deps = ctx.deps
    tok = request.match_info["token"]
    async with deps.sessions() as s:
        rid = await intake.by_token(s, tok)
    if rid is None:
        raise Refused(404, f"no such token: {tok[:70]}")
    return "service_requests", [{"service_request_id": str(rid), "token": tok}]


def add_routes(app: web.Application) -> None:
    """Before ``web.open311``'s: its catch-all would answer these paths first."""
    app.router.add_post(PREFIX + "/requests.{fmt}", route(create_request))
    app.router.add_get(PREFIX + "/tokens/{token}.{fmt}", route(token))
