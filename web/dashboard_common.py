"""What the dashboard's route modules share: the session cookie, "logged in only", the CSRF
check of every form, and the page that says why an action was refused."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from aiohttp import web

from core.actors import NotAllowed
from core.agents import access as dashboard_access
from core.agents.access import Agent
from core.deps import Deps
from web.context import CONTEXT, WebContext
from web.pages import message

COOKIE = "senscommun_dashboard"
PATH = "/dashboard"
#: The longest words an agent may send from the dashboard (Telegram's own limit is 4096).
MAX_REPLY = 4_000
#: Where a refusal's key leads: its HTTP status.
REFUSALS = {
    "agent.unknown_report": 404,
    "agent.not_allowed": 403,
    "agent.closed": 409,
    "agent.stale_button": 409,
    "agent.unknown_service": 400,
    "agent.duplicate_of_itself": 400,
    "agent.not_a_colleague": 403,
    "agent.still_open": 409,
    "agent.reopen_reason": 400,
    "agent.already_sent": 409,
    "templates.bad_placeholder": 400,
    "templates.empty": 400,
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
AgentHandler = Callable[[web.Request, Agent], Awaitable[web.StreamResponse]]


def ctx_of(request: web.Request) -> WebContext:
    return request.app[CONTEXT]


def cookie_of(request: web.Request) -> str:
    return request.cookies.get(COOKIE, "")


def csrf_of(request: web.Request) -> str:
    """The token this session's forms carry."""
    return dashboard_access.csrf_token(cookie_of(request))


async def current_agent(request: web.Request) -> Agent | None:
    """The session's agent; its request recorded (the idle timeout starts again)."""
    ctx = ctx_of(request)
    deps, now, cookie = ctx.deps, ctx.deps.clock(), cookie_of(request)
    idle = timedelta(minutes=ctx.options.idle_minutes)
    async with deps.sessions() as s:
        agent = await dashboard_access.agent_of(s, deps.catalogue, cookie, now, idle)
    if agent is not None and dashboard_access.needs_touch(agent, now):
        async with deps.writing() as s:
            await dashboard_access.touch(s, cookie, now)
            await s.commit()
    return agent


def logged_in(handler: AgentHandler) -> Handler:
    """The page for a logged-in agent only; anyone else is asked to log in, and nothing runs."""

    @functools.wraps(handler)
    async def page(request: web.Request) -> web.StreamResponse:
        agent = await current_agent(request)
        if agent is None:
            return message(request, 401, "dashboard.login_needed")
        return await handler(request, agent)

    return page


def form_ok(request: web.Request, form: Mapping[str, object]) -> bool:
    """Whether a posted form carries this session's CSRF token."""
    given = form.get("csrf")
    return isinstance(given, str) and dashboard_access.csrf_ok(cookie_of(request), given)


def when(deps: Deps, at: datetime) -> str:
    return deps.settings.local(at).strftime("%d/%m/%Y %H:%M")


def refused(request: web.Request, exc: NotAllowed, agent: Agent) -> web.Response:
    return message(request, REFUSALS.get(exc.key, 403), exc.key, agent, csrf_of(request))


def field(form: Mapping[str, object], name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def short(text: str, room: int = 120) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"
