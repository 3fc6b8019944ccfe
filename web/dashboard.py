"""The agents' dashboard (``/dashboard``): one ticket's page and its actions, and the routes of
every page (the list: ``web.dashboard_list``; logging in: ``web.dashboard_login``; the
statistics: ``web.dashboard_stats``; Leaflet and the map script: ``web.static``).

Each action calls the use case the card's button calls, so the resident is told and the
group's card updated exactly as from Telegram. Forms carry a CSRF token; anything forged or
stale gets a page saying so, and changes nothing."""

from __future__ import annotations

import json

from aiohttp import web

from core.actors import NotAllowed
from core.agents import dashboard
from core.agents.access import Agent
from core.agents.dashboard import Answered
from core.agents.photos import photo_file
from core.callbacks import AgentAction, AgentVerb, is_id
from core.deps import Deps
from core.enums import EventKind
from core.i18n import Translate
from core.reports import agent_actions
from core.reports.agent_actions import CHANGES, HIDES
from core.reports.priority import urgency_mark
from core.reports.status import VERB_STATUS
from web import dashboard_list, dashboard_login, dashboard_stats, static
from web.dashboard_common import (
    PATH,
    csrf_of,
    ctx_of,
    field,
    form_ok,
    logged_in,
    refused,
    when,
)
from web.pages import HEADERS, TEMPLATES, environment, message, render, with_map
from web.workspace import extras

DONE = dashboard_list.DONE


@logged_in
async def ticket(request: web.Request, agent: Agent) -> web.StreamResponse:
    deps = ctx_of(request).deps
    lang = agent.lang
    t = deps.texts.lang(lang)
    rid = int(request.match_info["rid"])
    try:
        async with deps.sessions() as s:
            shown = await dashboard.ticket(s, deps, agent, rid)
            bench = await dashboard.workbench(s, deps, shown.report)
    except NotAllowed as exc:
        return refused(request, exc, agent)
    rv = shown.report
    history = []
    for h in shown.history:
        line = f"{when(deps, h.at)} · {t(f'status.{h.new_status.value}') if h.new_status else ''}"
        if h.old_service and h.new_service and h.old_service != h.new_service:
            old, new = (
                deps.catalogue.name(h.old_service, lang),
                deps.catalogue.name(h.new_service, lang),
            )
            line += f" · {old} → {new}"
        if h.kind is not EventKind.STATUS and h.new_status is None:
            line += t(f"dashboard.event_{h.kind.value}")
        if h.kind is EventKind.ASSIGN:
            line += f" → {h.note or t('dashboard.nobody')}"
        elif h.note and h.kind is EventKind.REOPEN:
            line += f" · {h.note}"
        if h.by:
            line += f" · {h.by}"
        history.append(line)
    verbs = [(v.value, t(f"button.{v.value}")) for v in VERB_STATUS]
    place = rv.address or (
        f"{rv.lat:.5f}, {rv.lon:.5f}" if rv.lat is not None and rv.lon is not None else ""
    )
    pins = (
        [{"id": rv.id, "lat": rv.lat, "lon": rv.lon, "urgent": rv.urgent, "label": f"#{rv.id}"}]
        if rv.lat is not None and rv.lon is not None
        else []
    )
    done = request.query.get("done", "")
    options = ctx_of(request).options
    return render(
        request,
        "ticket.html",
        agent,
        headers=with_map(options.tile_url),
        title=f"#{rv.id}",
        csrf=csrf_of(request),
        r=rv,
        urgency=urgency_mark(rv, t),
        service=deps.catalogue.name(rv.service, lang),
        status=t(f"status.{rv.status.value}")
        + (f" (#{rv.duplicate_of})" if rv.duplicate_of else ""),
        place=place or t("card.no_place"),
        reported=f"{shown.reporter} · {when(deps, rv.created_at)}",
        co_reporters=shown.co_reporters,
        is_open=rv.status.is_open,
        verbs=verbs,
        # moderation, in any state: what the public sees of the report (Open311, shared links)
        hides=[(v.value, t(f"button.{v.value}")) for v in HIDES],
        other_services=[(i.code, i.name(lang)) for i in deps.catalogue if i.code != rv.service],
        originals=shown.originals,
        history=history,
        photos=shown.photos,
        pins_json=json.dumps(pins) if pins else "",
        tile_url=options.tile_url,
        tile_attribution=options.tile_attribution,
        questionnaires=[_answered(q, t, deps) for q in shown.questionnaires],
        done=_done(t, done),
        **extras(deps, agent, shown, bench),
    )


def _answered(q: Answered, t: Translate, deps: Deps) -> dict[str, str]:
    """A questionnaire as the ticket page lists it."""
    return {
        "question": t(f"dashboard.q_{q.kind.value}"),
        "sent": when(deps, q.sent_at) if q.sent_at else "",
        "answered": when(deps, q.answered_at) if q.answered_at else "",
        "answer": t(f"dashboard.q_answer_{q.answer.value}")
        if q.answer
        else t("dashboard.q_no_answer"),
        "rating": f"{q.rating}/5" if q.rating else "",
        "comment": q.comment,
    }


@logged_in
async def act(request: web.Request, agent: Agent) -> web.StreamResponse:
    """A form of the ticket page: the same use case as the card's button, then back."""
    ctx = ctx_of(request)
    deps = ctx.deps
    now = deps.clock()
    csrf = csrf_of(request)
    form = await request.post()
    if not form_ok(request, form):
        return message(request, 403, "dashboard.bad_form", agent, csrf)
    rid = int(request.match_info["rid"])
    action = field(form, "action")
    by = agent.ref
    try:
        async with deps.writing() as s:
            if action in CHANGES:
                verb = AgentVerb(action)
                arg = field(form, "service") if verb is AgentVerb.MOVE else ""
                if verb is AgentVerb.DUPLICATE_OF:
                    arg = field(form, "original").strip().lstrip("#")
                    if not (is_id(arg) and len(arg) <= 9):
                        return message(request, 400, "dashboard.bad_request", agent, csrf)
                await agent_actions.perform(s, deps, by, AgentAction(verb, rid, arg), now)
            else:
                return message(request, 400, "dashboard.bad_request", agent, csrf)
            await s.commit()
    except NotAllowed as exc:
        return refused(request, exc, agent)
    ctx.kick()
    # A ticket passed to another service is no longer this agent's to see.
    back = f"{PATH}?done={action}" if action == "mv" else f"{PATH}/tickets/{rid}?done={action}"
    return web.Response(status=303, headers={**HEADERS, "Location": back})


@logged_in
async def photo(request: web.Request, agent: Agent) -> web.StreamResponse:
    """A ticket's photo, for the agents of its service only (never cached by the browser)."""
    deps = ctx_of(request).deps
    try:
        async with deps.sessions() as s:
            path = await photo_file(s, deps, agent, int(request.match_info["pid"]))
    except NotAllowed as exc:
        return refused(request, exc, agent)
    return web.FileResponse(path, headers={**HEADERS, "Content-Type": "image/jpeg"})


def add_routes(app: web.Application) -> None:
    app[TEMPLATES] = environment()
    static.add_routes(app)
    r = app.router
    r.add_get(PATH, dashboard_list.tickets)
    r.add_get(PATH + "/login", dashboard_login.login_page)
    r.add_post(PATH + "/login", dashboard_login.login)
    r.add_post(PATH + "/logout", dashboard_login.logout)
    r.add_get(PATH + "/export.csv", dashboard_list.export)
    r.add_get(PATH + "/stats", dashboard_stats.stats)
    r.add_get(PATH + "/tickets/{rid:[0-9]{1,9}}", ticket)
    r.add_post(PATH + "/tickets/{rid:[0-9]{1,9}}", act)
    r.add_get(PATH + "/photos/{pid:[0-9]{1,9}}", photo)


#: Forms whose effect waits for the agent's confirmation (a reply drafted, not sent yet), and
#: those that tell nobody outside the agents (a note, an assignment): each says what it did.
_DRAFTED = frozenset({"reply", "tpl"})
_AGENTS_ONLY = frozenset({"note", "take", "rel", "to", "drop", "hidet", "hidep"})


def _done(t: Translate, action: str) -> str:
    """The notice after a form: what happened, so that a drafted reply is not taken for sent."""
    if action not in DONE:
        return ""
    if action in _DRAFTED:
        return t("dashboard.drafted")
    if action in _AGENTS_ONLY:
        return t("dashboard.done_agents")
    return t("dashboard.done")
