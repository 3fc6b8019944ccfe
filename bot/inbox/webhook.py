"""The aiohttp server: Telegram's webhook, stored in the inbox before 200; ``bot.health`` adds
/health and /ready, ``web/`` its routes (Open311, the agents' dashboard) beside them.

200 means committed, and nothing else does: when the update cannot be stored within
``webhook.store_timeout_ms`` (the database is away or slow), the answer is 503 and Telegram
delivers the update again later (a redelivery of an update stored meanwhile is a no-op)."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from storage.failures import is_transient
from storage.types import fits_big

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: No Telegram update nests deeper than a dozen levels; a deeper body would only strain what
#: reads it later (the database's JSON, the Bot API library, each recursive).
MAX_DEPTH = 32


def shallow(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` (parsed JSON) nests at most ``limit`` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, dict | list):
            if depth > limit:
                return False
            items = v.values() if isinstance(v, dict) else v
            stack.extend((x, depth + 1) for x in items)
    return True


def create_web_app(
    path: str,
    secret: str,
    max_body: int,
    kick: Callable[[], None],
    store: Callable[[dict[str, Any]], Awaitable[None]],
    webhook: bool = True,
    store_timeout_s: float = 2.0,
) -> web.Application:
    """``store`` commits one update (the group-committing :class:`InboxWriter` in production);
    without ``webhook`` (polling mode) the server has no webhook route."""
    app = web.Application(client_max_size=max_body)
    expected = secret.encode()

    async def telegram_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not expected or not hmac.compare_digest(given, expected):
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        if request.content_length is not None and request.content_length > max_body:
            return web.json_response({"ok": False, "error": "body too large"}, status=413)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"ok": False, "error": "body too large"}, status=413)
        try:
            raw: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):  # nested past Python's stack
            return web.json_response({"ok": False, "error": "not JSON"}, status=400)
        uid = raw.get("update_id") if isinstance(raw, dict) else None
        bad_id = not isinstance(uid, int) or isinstance(uid, bool) or not fits_big(uid)
        if bad_id or not shallow(raw):
            return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
        try:
            await asyncio.wait_for(store(raw), store_timeout_s)
        except Exception as exc:
            if isinstance(exc, TimeoutError) or is_transient(exc):
                # Telegram delivers again later: nothing is lost.
                log.warning("webhook: update not stored (%s)", type(exc).__name__)
                return web.json_response({"ok": False, "error": "try again"}, status=503)
            log.error("webhook: update %s cannot be stored (%s)", uid, type(exc).__name__)
            return web.json_response({"ok": False, "error": "cannot be stored"}, status=400)
        kick()
        return web.json_response({"ok": True})

    if webhook:
        app.router.add_post(path, telegram_update)
    return app
