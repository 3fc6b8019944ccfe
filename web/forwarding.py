"""The dashboard's forwards page (``/dashboard/forwards``): the reports of the agent's services
not yet delivered to the services' other systems (e-mail, an external Open311 endpoint), or
given up, with their attempts and last error; an agent sees their own services' only."""

from __future__ import annotations

from aiohttp import web

from core.agents.access import Agent
from core.enums import ForwardChannel, ForwardState
from core.integrations import forwarding
from web.dashboard_common import PATH, csrf_of, ctx_of, logged_in, when
from web.pages import render


@logged_in
async def forwards(request: web.Request, agent: Agent) -> web.StreamResponse:
    deps = ctx_of(request).deps
    async with deps.sessions() as s:
        waiting = await forwarding.not_delivered(s, agent.services)
    t = deps.texts.lang(agent.lang)

    rows = [
        {
            "report": w.report_id,
            "service": deps.catalogue.name(w.service, agent.lang),
            "channel": "e-mail" if w.channel is ForwardChannel.EMAIL else "Open311",
            "state": t(f"forward.state.{w.state.value}"),
            "failed": w.state is ForwardState.FAILED,
            "attempts": w.attempts,
            "written": when(deps, w.created_at),
            "next": "" if w.state is ForwardState.FAILED else when(deps, w.not_before),
            "error": w.last_error,
        }
        for w in waiting
    ]
    return render(
        request,
        "forwards.html",
        agent,
        title=t("forward.title"),
        csrf=csrf_of(request),
        rows=rows,
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH + "/forwards", forwards)
