"""The enabled routes, added to the aiohttp server that also takes Telegram's webhook."""

from __future__ import annotations

from aiohttp import web

from web import dashboard, dashboard_common, forwarding, open311, open311_post, ratelimit, workspace
from web.context import CONTEXT, WebContext


def add_routes(app: web.Application, context: WebContext) -> None:
    """The enabled routes, on ``app`` (the server that also takes Telegram's webhook), each
    family limited per client (the webhook and the health checks are not)."""
    app[CONTEXT] = context
    options = context.options
    limits: dict[str, ratelimit.Buckets] = {}
    if options.open311:
        open311_post.add_routes(app)  # first: open311's catch-all would take its paths
        open311.add_routes(app)
        limits[open311.PREFIX] = ratelimit.Buckets(options.open311_rate, context.monotonic)
    if options.dashboard:
        dashboard.add_routes(app)
        forwarding.add_routes(app)
        workspace.add_routes(app)
        limits[dashboard_common.PATH] = ratelimit.Buckets(options.dashboard_rate, context.monotonic)
    if limits:
        app.middlewares.append(ratelimit.middleware(limits, options.client_address_header))
    if options.https:
        app.on_response_prepare.append(_hsts)


#: Served over https: browsers are told to come back only over https, for a year.
HSTS = "max-age=31536000; includeSubDomains"


async def _hsts(request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Strict-Transport-Security"] = HSTS
