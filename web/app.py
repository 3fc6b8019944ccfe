"""The enabled routes, added to the aiohttp server that also takes Telegram's webhook."""

from __future__ import annotations

from aiohttp import web

from web import dashboard, open311, workspace
from web.context import CONTEXT, WebContext


def add_routes(app: web.Application, context: WebContext) -> None:
    """The enabled routes, on ``app`` (the server that also takes Telegram's webhook)."""
    app[CONTEXT] = context
    if context.options.open311:
        open311.add_routes(app)
    if context.options.dashboard:
        dashboard.add_routes(app)
        workspace.add_routes(app)
