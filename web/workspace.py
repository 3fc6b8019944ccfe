"""The dashboard's side of the agents' workspace: on a ticket, take, hand over, release, a note,
a reply (drafted, shown, then sent or cancelled), a template, reopening with a reason; and the
templates page, for administrators (``bot.administrators``). Each form calls the use case the
card's button or command calls (``core.reports.agent_actions`` and its siblings)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.actors import NotAllowed
from core.agents import access as dashboard_access
from core.agents.access import Agent
from core.agents.dashboard import Ticket, Workbench
from core.callbacks import AgentAction, AgentVerb, is_id
from core.deps import Deps
from core.enums import EventKind
from core.reports import agent_actions, due, notes, reopen, templates
from web.dashboard_common import MAX_REPLY, PATH, cookie_of, ctx_of, field, logged_in, refused, when
from web.pages import HEADERS, message, render

#: The forms of this module, and the verbs they lead to.
VERBS = {"take": AgentVerb.TAKE, "rel": AgentVerb.RELEASE, "to": AgentVerb.HAND_TO}
ACTIONS = {*VERBS, "note", "reply", "tpl", "send", "drop", "reopen"}


def extras(deps: Deps, agent: Agent, shown: Ticket, bench: Workbench) -> dict[str, Any]:
    """What the ticket page adds for the workspace: who has it, notes and replies apart, the
    drafts waiting, the templates, the colleagues, when it is due."""
    rv = shown.report
    t = deps.texts.lang(agent.lang)

    def words(kind: EventKind) -> list[dict[str, object]]:
        return [
            {"id": m.id, "date": when(deps, m.at), "by": m.by, "text": m.text}
            for m in shown.conversation
            if m.kind is kind
        ]

    return {
        "assignee": rv.assignee_name or "",
        "mine": rv.assignee_id == agent.telegram_user_id,
        "colleagues": bench.colleagues,
        "notes": words(EventKind.NOTE),
        "replies": words(EventKind.REPLY),
        "messages": words(EventKind.MESSAGE),
        "drafts": words(EventKind.REPLY_DRAFT),
        "templates": [
            (o.id, o.label if o.status is None else f"{o.label} → {t(f'status.{o.status.value}')}")
            for o in bench.templates
        ],
        "overdue": due.is_overdue(rv),
        "resolve_by": when(deps, due.resolve_by(rv, deps.catalogue)) if rv.status.is_open else "",
    }


@logged_in
async def work(request: web.Request, agent: Agent) -> web.StreamResponse:
    """A workspace form of the ticket page, then back to the ticket."""
    ctx = ctx_of(request)
    deps = ctx.deps
    now = deps.clock()
    cookie = cookie_of(request)
    csrf = dashboard_access.csrf_token(cookie)
    form = await request.post()
    given = form.get("csrf")
    if not isinstance(given, str) or not dashboard_access.csrf_ok(cookie, given):
        return message(request, 403, "dashboard.bad_form", agent, csrf)
    rid = int(request.match_info["rid"])
    action = field(form, "action")
    text = field(form, "text").strip()
    arg = field(form, "arg").strip()
    by = agent.ref
    if action not in ACTIONS or len(text) > MAX_REPLY:
        return message(request, 400, "dashboard.bad_request", agent, csrf)
    if action in ("note", "reply", "reopen") and not text:
        return message(request, 400, "dashboard.bad_request", agent, csrf)
    if action in ("tpl", "send", "drop") and not is_id(arg):
        return message(request, 400, "dashboard.bad_request", agent, csrf)
    try:
        async with deps.writing() as s:
            if action in VERBS:
                await agent_actions.perform(s, deps, by, AgentAction(VERBS[action], rid, arg), now)
            elif action == "note":
                await notes.add_note(s, deps, by, rid, text, now)
            elif action == "reply":
                await notes.draft_reply(s, deps, by, rid, text, now)
            elif action == "tpl":
                await templates.use(s, deps, by, rid, int(arg), now)
            elif action == "send":
                await notes.send_reply(s, deps, by, rid, int(arg), now)
            elif action == "drop":
                await notes.drop_reply(s, deps, by, rid, int(arg))
            else:
                await reopen.reopen(s, deps, by, rid, text, now)
            await s.commit()
    except NotAllowed as exc:
        return refused(request, exc, agent)
    ctx.kick()
    back = f"{PATH}/tickets/{rid}?done={action}"
    return web.Response(status=303, headers={**HEADERS, "Location": back})


@logged_in
async def template_list(request: web.Request, agent: Agent) -> web.StreamResponse:
    """The templates, editable by an administrator only."""
    deps = ctx_of(request).deps
    try:
        async with deps.sessions() as s:
            rows = await templates.editable(s, deps, agent.telegram_user_id)
    except NotAllowed as exc:
        return refused(request, exc, agent)
    t = deps.texts.lang(agent.lang)
    return render(
        request,
        "templates.html",
        agent,
        title=t("templates.title"),
        csrf=dashboard_access.csrf_token(cookie_of(request)),
        rows=[
            {
                "id": r.id,
                "service": deps.catalogue.name(r.service, agent.lang),
                "code": r.code,
                "lang": r.lang,
                "status": t(f"status.{r.status.value}") if r.status else "",
                "label": r.label,
                "body": r.body,
            }
            for r in rows
        ],
        done=t("dashboard.done") if request.query.get("done") else "",
    )


@logged_in
async def template_edit(request: web.Request, agent: Agent) -> web.StreamResponse:
    ctx = ctx_of(request)
    deps = ctx.deps
    cookie = cookie_of(request)
    csrf = dashboard_access.csrf_token(cookie)
    form = await request.post()
    given = form.get("csrf")
    if not isinstance(given, str) or not dashboard_access.csrf_ok(cookie, given):
        return message(request, 403, "dashboard.bad_form", agent, csrf)
    tid = int(request.match_info["tid"])
    body, label = field(form, "body"), field(form, "label")
    if len(body) > MAX_REPLY or len(label) > 64:
        return message(request, 400, "dashboard.bad_request", agent, csrf)
    try:
        async with deps.writing() as s:
            await templates.edit(s, deps, agent.ref, tid, label, body, deps.clock())
            await s.commit()
    except NotAllowed as exc:
        return refused(request, exc, agent)
    return web.Response(status=303, headers={**HEADERS, "Location": f"{PATH}/templates?done=1"})


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_post(PATH + "/tickets/{rid:[0-9]{1,9}}/work", work)
    r.add_get(PATH + "/templates", template_list)
    r.add_post(PATH + "/templates/{tid:[0-9]{1,9}}", template_edit)
