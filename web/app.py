"""What the routes share, set once by ``bot/`` on its aiohttp application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from core.services import Services


@dataclass(frozen=True)
class WebOptions:
    """The ``[web]`` settings the routes need (``bot/`` reads the configuration)."""

    #: Where people reach these pages, without a trailing slash ("" when unknown).
    public_url: str = ""
    open311: bool = True
    #: Publish reports' masked text in the open data.
    descriptions: bool = False
    contact: str = ""
    dashboard: bool = False


@dataclass(frozen=True)
class WebContext:
    services: Services
    options: WebOptions
    #: Wake the outbox worker: a route's change has messages to deliver.
    kick: Callable[[], None] = field(default=lambda: None)


CONTEXT = web.AppKey("senscommun_web", WebContext)


def add_routes(app: web.Application, context: WebContext) -> None:
    """The enabled routes, on ``app`` (the server that also takes Telegram's webhook)."""
    from web import dashboard, open311

    app[CONTEXT] = context
    if context.options.open311:
        open311.add_routes(app)
    if context.options.dashboard:
        dashboard.add_routes(app)
