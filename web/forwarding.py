"""The dashboard's forwards page (``/dashboard/forwards``): the reports of the agent's services
not yet delivered to the services' other systems (e-mail, an external Open311 endpoint), or
given up, with their attempts and last error; an agent sees their own services' only."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from core.agents import access as dashboard_access
from core.agents.access import Agent
from core.enums import ForwardChannel, ForwardState
from core.integrations import forwarding
from web.context import CONTEXT
from web.dashboard_common import COOKIE, PATH, logged_in
from web.pages import render


@logged_in
async def forwards(request: web.Request, agent: Agent) -> web.StreamResponse:
    deps = request.app[CONTEXT].deps
    cookie = request.cookies.get(COOKIE, "")
    async with deps.sessions() as s:
        waiting = await forwarding.not_delivered(s, agent.services)
    t = deps.texts.lang(agent.lang)

    def when(at: datetime) -> str:
        return deps.settings.local(at).strftime("%d/%m/%Y %H:%M")

    rows = [
        {
            "report": w.report_id,
            "service": deps.catalogue.name(w.service, agent.lang),
            "channel": "e-mail" if w.channel is ForwardChannel.EMAIL else "Open311",
            "state": t(f"forward.state.{w.state.value}"),
            "failed": w.state is ForwardState.FAILED,
            "attempts": w.attempts,
            "written": when(w.created_at),
            "next": "" if w.state is ForwardState.FAILED else when(w.not_before),
            "error": w.last_error,
        }
        for w in waiting
    ]
    return render(
        request,
        "forwards.html",
        agent,
        title=t("forward.title"),
        csrf=dashboard_access.csrf_token(cookie),
        rows=rows,
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH + "/forwards", forwards)
