"""What the routes share, set once by ``bot/`` on its aiohttp application: typed app keys.

A module of its own so that the route modules and ``web.app`` import it, never each other."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from core.deps import Deps
from web.addresses import is_local_http
from web.ratelimit import Rate


@dataclass(frozen=True)
class WebOptions:
    """The ``[web]`` settings the routes need (``bot/`` reads the configuration)."""

    #: Where people reach these pages, without a trailing slash ("" when unknown).
    public_url: str = ""
    open311: bool = True
    #: Publish reports' masked text in the open data.
    descriptions: bool = False
    contact: str = ""
    #: The most requests one Open311 page holds (and the default page size).
    max_page_size: int = 200
    dashboard: bool = False
    #: The dashboard maps' tile URL ({z}/{x}/{y}); "" draws the markers without tiles.
    tile_url: str = ""
    tile_attribution: str = ""
    #: A dashboard session ends after this many minutes without a request.
    idle_minutes: int = 60
    #: Requests per client address, per family of routes (``web.ratelimit``).
    open311_rate: Rate = field(default_factory=Rate)
    dashboard_rate: Rate = field(default_factory=Rate)
    #: Behind a reverse proxy, the header that names the client ("" : the peer's address).
    client_address_header: str = ""

    @property
    def https(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def secure_cookie(self) -> bool:
        """The session cookie is ``Secure`` unless the pages are plain http on this machine."""
        return not is_local_http(self.public_url)


@dataclass(frozen=True)
class WebContext:
    deps: Deps
    options: WebOptions
    #: Wake the outbox worker: a route's change has messages to deliver.
    kick: Callable[[], None] = field(default=lambda: None)
    #: Seconds, for the rate limits' buckets (tests move it by hand).
    monotonic: Callable[[], float] = time.monotonic


CONTEXT = web.AppKey("senscommun_web", WebContext)
