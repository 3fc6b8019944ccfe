"""Logging in and out of the dashboard.

The one-time link (``GET /dashboard/login?token=…``) only shows a button: link previews and
mail scanners open links, and must not use them up. The button posts the token back with a
CSRF token bound to a short-lived cookie the page set (SameSite=Strict), so that another site
cannot log a browser in with a link of its own."""

from __future__ import annotations

import secrets

from aiohttp import web

from core.actors import NotAllowed
from core.agents import access as dashboard_access
from web.dashboard_common import COOKIE, PATH, cookie_of, ctx_of, current_agent, field, form_ok
from web.pages import HEADERS, language, message, render

#: The cookie of the login page's form, for its CSRF token only.
LOGIN_COOKIE = "senscommun_login"
LOGIN_PATH = PATH + "/login"
MAX_TOKEN = 200


def _secure(request: web.Request) -> bool:
    """``Secure`` unless the pages are plain http on this machine (``WebOptions``)."""
    return ctx_of(request).options.secure_cookie


async def login_page(request: web.Request) -> web.StreamResponse:
    """The one-time link: a button that logs in; the link stays unused until it is pressed."""
    deps = ctx_of(request).deps
    token = request.query.get("token", "")
    if not token or len(token) > MAX_TOKEN:
        return message(request, 400, "dashboard.login_unknown")
    try:
        async with deps.sessions() as s:
            await dashboard_access.check_login(s, token, deps.clock())
    except NotAllowed as exc:
        return message(request, 403, exc.key)
    nonce = secrets.token_urlsafe(32)
    t = deps.texts.lang(language(request, None))
    resp = render(
        request,
        "login.html",
        None,
        title=t("dashboard.login_title"),
        csrf=dashboard_access.csrf_token(nonce),
        token=token,
    )
    resp.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=int(dashboard_access.LOGIN_TTL.total_seconds()),
        path=LOGIN_PATH,
        httponly=True,
        samesite="Strict",
        secure=_secure(request),
    )
    return resp


async def login(request: web.Request) -> web.StreamResponse:
    """The button: uses the link (once), opens a session, then the ticket list."""
    deps = ctx_of(request).deps
    form = await request.post()
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    given = field(form, "csrf")
    if not (nonce and dashboard_access.csrf_ok(nonce, given)):
        return message(request, 403, "dashboard.bad_form")
    token = field(form, "token")
    if not token or len(token) > MAX_TOKEN:
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
        secure=_secure(request),
    )
    resp.del_cookie(LOGIN_COOKIE, path=LOGIN_PATH)
    return resp


async def logout(request: web.Request) -> web.StreamResponse:
    """This session ends; with ``everywhere`` in the form, every session of the agent."""
    deps = ctx_of(request).deps
    cookie = cookie_of(request)
    form = await request.post()
    if not form_ok(request, form):
        return message(request, 403, "dashboard.bad_form")
    everywhere = form.get("everywhere") == "1"
    agent = await current_agent(request) if everywhere else None
    async with deps.writing() as s:
        if agent is not None:
            await dashboard_access.logout_everywhere(s, agent.telegram_user_id)
        await dashboard_access.logout(s, cookie)
        await s.commit()
    done = "dashboard.logged_out_everywhere" if agent is not None else "dashboard.logged_out"
    resp = message(request, 200, done, refusal=False)
    resp.del_cookie(COOKIE, path=PATH)
    return resp
