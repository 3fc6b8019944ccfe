"""Requests per client, a token bucket by client address: a client may send ``burst`` requests
at once, then ``per_minute``; past that the answer is 429 with ``Retry-After`` and nothing runs.

The client's address is the connection's, or, behind a reverse proxy, the header the proxy sets
(``web.client_address_header``, e.g. ``X-Real-IP``: only when a proxy always sets it, since a
client could set it otherwise). The buckets live in this process's memory: a restart forgets
them, several web processes each count their own (a limit against abuse, not a quota)."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

#: Buckets kept at most; past it the full ones (idle clients) are forgotten first.
MAX_CLIENTS = 10_000


@dataclass(frozen=True)
class Rate:
    per_minute: float = 120.0
    burst: int = 30


@dataclass
class Buckets:
    """The buckets of one family of routes; ``clock`` in seconds (injected by tests)."""

    rate: Rate
    clock: Callable[[], float] = time.monotonic
    _tokens: dict[str, tuple[float, float]] = field(default_factory=dict)  # client: tokens, at

    def take(self, client: str) -> float:
        """Take one token for ``client``: 0 when allowed, else the seconds until the next one."""
        now = self.clock()
        refill = self.rate.per_minute / 60
        tokens, at = self._tokens.get(client, (float(self.rate.burst), now))
        tokens = min(float(self.rate.burst), tokens + (now - at) * refill)
        if tokens >= 1:
            self._tokens[client] = (tokens - 1, now)
            if len(self._tokens) > MAX_CLIENTS:
                self._forget(now, refill)
            return 0.0
        self._tokens[client] = (tokens, now)
        return (1 - tokens) / refill

    def _forget(self, now: float, refill: float) -> None:
        """Drop the clients whose bucket is full again (they lose nothing), else the oldest."""
        full = [
            c for c, (t, at) in self._tokens.items() if t + (now - at) * refill >= self.rate.burst
        ]
        for c in full or list(self._tokens)[: len(self._tokens) // 2]:
            del self._tokens[c]


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def client_of(request: web.Request, header: str) -> str:
    """The client's address: the proxy's header when one is configured, else the peer's."""
    if header:
        given = request.headers.get(header, "").split(",")[-1].strip()
        if given:
            return given[:64]
    return request.remote or "?"


TOO_MANY = "too many requests: please slow down"


def _too_many(path: str, seconds: int) -> web.Response:
    """429 as an Open311 error list, in XML for an XML page (and JSON otherwise)."""
    headers = {"Retry-After": str(seconds)}
    if path.endswith(".xml"):
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>429</code>'
            f"<description>{TOO_MANY}</description></error></errors>"
        )
        return web.Response(text=body, status=429, content_type="text/xml", headers=headers)
    return web.json_response([{"code": 429, "description": TOO_MANY}], status=429, headers=headers)


def middleware(
    limits: dict[str, Buckets], header: str = ""
) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Limit the requests whose path starts with one of ``limits``' prefixes."""

    @web.middleware
    async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        for prefix, buckets in limits.items():
            if request.path.startswith(prefix):
                wait = buckets.take(client_of(request, header))
                if wait > 0:
                    return _too_many(request.path, max(1, math.ceil(wait)))
                break
        return await handler(request)

    return limit
