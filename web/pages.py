"""Server-rendered pages: Jinja2 templates (autoescaped) in the agents' language."""

from __future__ import annotations

from typing import Any

import jinja2
from aiohttp import web

from core.agents.access import Agent
from web.context import CONTEXT

#: Pages about residents' reports: never cached, framed or leaked through a referrer.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'",
}
TEMPLATES = web.AppKey("senscommun_templates", jinja2.Environment)


def with_map(tile_url: str) -> dict[str, str]:
    """:data:`HEADERS` for a page with a map: the app's own scripts and styles (Leaflet is
    served by the app), and images from the app and from the tile server, if any."""
    tiles = ""
    if tile_url:
        scheme, _, rest = tile_url.partition("://")
        host = rest.split("/", 1)[0].replace("{s}", "*")
        tiles = f" {scheme}://{host}"
    return {
        **HEADERS,
        "Content-Security-Policy": "default-src 'none'; script-src 'self'; "
        f"style-src 'self' 'unsafe-inline'; img-src 'self' data:{tiles}; "
        "form-action 'self'; frame-ancestors 'none'",
    }


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def language(request: web.Request, agent: Agent | None) -> str:
    """The agent's language (their Telegram's), else the browser's, else the agents'."""
    texts = request.app[CONTEXT].deps.texts
    if agent is not None:
        return texts.pick(agent.lang)
    accept = request.headers.get("Accept-Language", "")
    first = accept.split(",")[0].split(";")[0].strip()
    return texts.pick(first) if first else request.app[CONTEXT].deps.lang


def render(
    request: web.Request,
    template: str,
    agent: Agent | None,
    http_status: int = 200,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> web.Response:
    lang = language(request, agent)
    t = request.app[CONTEXT].deps.texts.lang(lang)
    params.setdefault("csrf", "")
    html = (
        request.app[TEMPLATES].get_template(template).render(lang=lang, t=t, agent=agent, **params)
    )
    return web.Response(
        text=html, status=http_status, content_type="text/html", headers=headers or HEADERS
    )


def message(
    request: web.Request,
    status: int,
    key: str,
    agent: Agent | None = None,
    csrf: str = "",
    refusal: bool = True,
) -> web.Response:
    """A page that says one thing: why something was refused, or that it is done."""
    t = request.app[CONTEXT].deps.texts.lang(language(request, agent))
    return render(
        request,
        "message.html",
        agent,
        status,
        title=t("dashboard.title"),
        message=t(key),
        refusal=refusal,
        csrf=csrf,
    )
