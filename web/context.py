"""What the routes share, set once by ``bot/`` on its aiohttp application: typed app keys.

A module of its own so that the route modules and ``web.app`` import it, never each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from core.deps import Deps


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
    #: The dashboard maps' tile URL ({z}/{x}/{y}); "" draws the markers without tiles.
    tile_url: str = ""
    tile_attribution: str = ""


@dataclass(frozen=True)
class WebContext:
    deps: Deps
    options: WebOptions
    #: Wake the outbox worker: a route's change has messages to deliver.
    kick: Callable[[], None] = field(default=lambda: None)


CONTEXT = web.AppKey("senscommun_web", WebContext)
