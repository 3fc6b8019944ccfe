"""The agents' dashboard (``/dashboard``): their services' tickets, one ticket and its actions,
the CSV export. Each action calls the use case the card's button calls, so the resident is told
and the group's card updated exactly as from Telegram. Forms carry a CSRF token; anything
forged or stale gets a page saying so, and changes nothing."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from aiohttp import web

from core.actors import NotAllowed
from core.agents import access as dashboard_access
from core.agents import dashboard
from core.agents.access import Agent
from core.callbacks import AgentAction, AgentVerb, is_id
from core.deps import Deps
from core.enums import OPEN_STATUSES, ReportStatus
from core.reports import agent_actions, relay
from core.reports.agent_actions import CHANGES, HIDES
from core.reports.status import VERB_STATUS
from web.context import CONTEXT, WebContext
from web.pages import HEADERS, TEMPLATES, environment, message, render

COOKIE = "senscommun_dashboard"
PATH = "/dashboard"
#: The longest reply an agent may send from the dashboard (Telegram's own limit is 4096).
MAX_REPLY = 4_000
#: Where a refusal's key leads: its HTTP status.
REFUSALS = {
    "agent.unknown_report": 404,
    "agent.not_allowed": 403,
    "agent.closed": 409,
    "agent.stale_button": 409,
    "agent.unknown_service": 400,
    "agent.duplicate_of_itself": 400,
}
DONE = {"ack", "prog", "res", "rej", "mv", "dupof", "reply", "hidet", "hidep"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
AgentHandler = Callable[[web.Request, Agent], Awaitable[web.StreamResponse]]


def _ctx(request: web.Request) -> WebContext:
    return request.app[CONTEXT]


def _cookie(request: web.Request) -> str:
    return request.cookies.get(COOKIE, "")


async def _agent(request: web.Request) -> Agent | None:
    deps = _ctx(request).deps
    async with deps.sessions() as s:
        return await dashboard_access.agent_of(s, deps.catalogue, _cookie(request), deps.clock())


def _logged_in(handler: AgentHandler) -> Handler:
    """The page for a logged-in agent only; anyone else is asked to log in, and nothing runs."""

    @functools.wraps(handler)
    async def page(request: web.Request) -> web.StreamResponse:
        agent = await _agent(request)
        if agent is None:
            return message(request, 401, "dashboard.login_needed")
        return await handler(request, agent)

    return page


def _when(deps: Deps, at: datetime) -> str:
    return deps.settings.local(at).strftime("%d/%m/%Y %H:%M")


def _refused(request: web.Request, exc: NotAllowed, agent: Agent) -> web.Response:
    csrf = dashboard_access.csrf_token(_cookie(request))
    return message(request, REFUSALS.get(exc.key, 403), exc.key, agent, csrf)


async def login(request: web.Request) -> web.StreamResponse:
    """The one-time link: a session cookie, then the ticket list."""
    ctx = _ctx(request)
    deps = ctx.deps
    token = request.query.get("token", "")
    if not token or len(token) > 200:
        return message(request, 400, "dashboard.login_unknown")
    try:
        async with deps.writing() as s:
            cookie, _ = await dashboard_access.redeem(s, deps.catalogue, token, deps.clock())
            await s.commit()
    except NotAllowed as exc:
        return message(request, 403, exc.key)
    resp = web.Response(status=303, headers={**HEADERS, "Location": PATH})
    resp.set_cookie(
        COOKIE,
        cookie,
        max_age=int(dashboard_access.SESSION_TTL.total_seconds()),
        path=PATH,
        httponly=True,
        samesite="Lax",
        secure=ctx.options.public_url.startswith("https://"),
    )
    return resp


def _statuses(picked: str) -> frozenset[ReportStatus] | None:
    if picked == "open":
        return OPEN_STATUSES
    if picked == "closed":
        return frozenset(ReportStatus) - OPEN_STATUSES
    if picked == "all":
        return frozenset(ReportStatus)
    try:
        return frozenset({ReportStatus(picked)})
    except ValueError:
        return None


@_logged_in
async def tickets(request: web.Request, agent: Agent) -> web.StreamResponse:
    deps = _ctx(request).deps
    lang = agent.lang
    t = deps.texts.lang(lang)
    csrf = dashboard_access.csrf_token(_cookie(request))
    picked_status = request.query.get("status", "open")
    picked_service = request.query.get("service", "")
    statuses = _statuses(picked_status)
    if statuses is None:
        return message(request, 400, "dashboard.bad_request", agent, csrf)
    try:
        async with deps.sessions() as s:
            found = await dashboard.tickets(s, agent, statuses, picked_service or None)
    except NotAllowed as exc:
        return _refused(request, exc, agent)
    rows = [
        {
            "id": x.report.id,
            "urgent": x.report.urgent,
            "service": deps.catalogue.name(x.report.service, lang),
            "status": t(f"status.{x.report.status.value}"),
            "date": _when(deps, x.report.created_at),
            "place": x.report.address or "",
            "text": _short(x.report.redacted_text),
            "co_reporters": x.co_reporters,
        }
        for x in found.tickets
    ]
    status_choices = [
        ("open", t("dashboard.open")),
        ("closed", t("dashboard.closed")),
        ("all", t("dashboard.all")),
        *((st.value, t(f"status.{st.value}")) for st in ReportStatus),
    ]
    done = request.query.get("done", "")
    return render(
        request,
        "tickets.html",
        agent,
        title=t("dashboard.title"),
        csrf=csrf,
        rows=rows,
        counts=[(t(f"status.{st.value}"), found.counts.get(st, 0)) for st in ReportStatus],
        status_choices=status_choices,
        picked_status=picked_status,
        service_choices=[(c, deps.catalogue.name(c, lang)) for c in agent.services],
        picked_service=picked_service,
        done=t("dashboard.done") if done in DONE else "",
    )


def _short(text: str, room: int = 120) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


@_logged_in
async def ticket(request: web.Request, agent: Agent) -> web.StreamResponse:
    deps = _ctx(request).deps
    lang = agent.lang
    t = deps.texts.lang(lang)
    rid = int(request.match_info["rid"])
    try:
        async with deps.sessions() as s:
            shown = await dashboard.ticket(s, deps, agent, rid)
    except NotAllowed as exc:
        return _refused(request, exc, agent)
    rv = shown.report
    history = []
    for h in shown.history:
        line = f"{_when(deps, h.at)} · {t(f'status.{h.new_status.value}') if h.new_status else ''}"
        if h.old_service and h.new_service and h.old_service != h.new_service:
            old, new = (
                deps.catalogue.name(h.old_service, lang),
                deps.catalogue.name(h.new_service, lang),
            )
            line += f" · {old} → {new}"
        if h.by:
            line += f" · {h.by}"
        history.append(line)
    verbs = [(v.value, t(f"button.{v.value}")) for v in VERB_STATUS]
    place = rv.address or (
        f"{rv.lat:.5f}, {rv.lon:.5f}" if rv.lat is not None and rv.lon is not None else ""
    )
    done = request.query.get("done", "")
    return render(
        request,
        "ticket.html",
        agent,
        title=f"#{rv.id}",
        csrf=dashboard_access.csrf_token(_cookie(request)),
        r=rv,
        service=deps.catalogue.name(rv.service, lang),
        status=t(f"status.{rv.status.value}")
        + (f" (#{rv.duplicate_of})" if rv.duplicate_of else ""),
        place=place or t("card.no_place"),
        reported=f"{shown.reporter} · {_when(deps, rv.created_at)}",
        co_reporters=shown.co_reporters,
        is_open=rv.status.is_open,
        verbs=verbs,
        # moderation, in any state: what the public sees of the report (Open311, shared links)
        hides=[(v.value, t(f"button.{v.value}")) for v in HIDES],
        other_services=[(i.code, i.name(lang)) for i in deps.catalogue if i.code != rv.service],
        originals=shown.originals,
        conversation=[
            {"date": _when(deps, m.at), "by": m.by, "text": m.text} for m in shown.conversation
        ],
        history=history,
        done=t("dashboard.done") if done in DONE else "",
    )


@_logged_in
async def act(request: web.Request, agent: Agent) -> web.StreamResponse:
    """A form of the ticket page: the same use case as the card's button, then back."""
    ctx = _ctx(request)
    deps = ctx.deps
    now = deps.clock()
    cookie = _cookie(request)
    csrf = dashboard_access.csrf_token(cookie)
    form = await request.post()
    given = form.get("csrf")
    if not isinstance(given, str) or not dashboard_access.csrf_ok(cookie, given):
        return message(request, 403, "dashboard.bad_form", agent, csrf)
    rid = int(request.match_info["rid"])
    action = _field(form, "action")
    by = agent.ref
    try:
        async with deps.writing() as s:
            if action in CHANGES:
                verb = AgentVerb(action)
                arg = _field(form, "service") if verb is AgentVerb.MOVE else ""
                if verb is AgentVerb.DUPLICATE_OF:
                    arg = _field(form, "original").strip().lstrip("#")
                    if not (is_id(arg) and len(arg) <= 9):
                        return message(request, 400, "dashboard.bad_request", agent, csrf)
                await agent_actions.perform(s, deps, by, AgentAction(verb, rid, arg), now)
            elif action == "reply":
                words = _field(form, "text").strip()
                if not words or len(words) > MAX_REPLY:
                    return message(request, 400, "dashboard.bad_request", agent, csrf)
                await relay.agent_to_resident(s, deps, by, rid, words, now)
            else:
                return message(request, 400, "dashboard.bad_request", agent, csrf)
            await s.commit()
    except NotAllowed as exc:
        return _refused(request, exc, agent)
    ctx.kick()
    # A ticket passed to another service is no longer this agent's to see.
    back = f"{PATH}?done={action}" if action == "mv" else f"{PATH}/tickets/{rid}?done={action}"
    return web.Response(status=303, headers={**HEADERS, "Location": back})


@_logged_in
async def export(request: web.Request, agent: Agent) -> web.StreamResponse:
    """The agent's services' tickets as CSV: masked, without the resident."""
    deps = _ctx(request).deps
    async with deps.sessions() as s:
        rows = await dashboard.export(s, deps, agent)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "reference",
            "service",
            "status",
            "open311_status",
            "urgent",
            "created_at",
            "updated_at",
            "co_reporters",
            "address",
            "lat",
            "lon",
            "text",
        ]
    )
    for x in rows:
        r = x.report
        w.writerow(
            [
                r.id,
                r.service,
                r.status.value,
                r.status.open311,
                "yes" if r.urgent else "no",
                deps.settings.local(r.created_at).isoformat(timespec="seconds"),
                deps.settings.local(x.updated_at).isoformat(timespec="seconds"),
                x.co_reporters,
                _cell(x.address or ""),
                "" if r.lat is None else r.lat,
                "" if r.lon is None else r.lon,
                _cell(r.redacted_text),
            ]
        )
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        charset="utf-8",
        headers={
            **HEADERS,
            "Content-Disposition": 'attachment; filename="senscommun-tickets.csv"',
        },
    )


def _field(form: Mapping[str, object], name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _cell(text: str) -> str:
    """A resident's words in a spreadsheet cell: never read as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def logout(request: web.Request) -> web.StreamResponse:
    deps = _ctx(request).deps
    cookie = _cookie(request)
    form = await request.post()
    given = form.get("csrf")
    if not isinstance(given, str) or not dashboard_access.csrf_ok(cookie, given):
        return message(request, 403, "dashboard.bad_form")
    async with deps.writing() as s:
        await dashboard_access.logout(s, cookie)
        await s.commit()
    resp = message(request, 200, "dashboard.logged_out", refusal=False)
    resp.del_cookie(COOKIE, path=PATH)
    return resp


def add_routes(app: web.Application) -> None:
    app[TEMPLATES] = environment()
    r = app.router
    r.add_get(PATH, tickets)
    r.add_get(PATH + "/login", login)
    r.add_post(PATH + "/logout", logout)
    r.add_get(PATH + "/export.csv", export)
    r.add_get(PATH + "/tickets/{rid:[0-9]{1,9}}", ticket)
    r.add_post(PATH + "/tickets/{rid:[0-9]{1,9}}", act)
