"""The enabled routes, added to the aiohttp server that also takes Telegram's webhook."""

from __future__ import annotations

from aiohttp import web

from web import dashboard, forwarding, open311, open311_post, workspace
from web.context import CONTEXT, WebContext


def add_routes(app: web.Application, context: WebContext) -> None:
    """The enabled routes, on ``app`` (the server that also takes Telegram's webhook)."""
    app[CONTEXT] = context
    if context.options.open311:
        open311_post.add_routes(app)  # first: open311's catch-all would take its paths
        open311.add_routes(app)
    if context.options.dashboard:
        dashboard.add_routes(app)
        forwarding.add_routes(app)
        workspace.add_routes(app)
