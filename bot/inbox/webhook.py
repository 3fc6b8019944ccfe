"""The aiohttp server: Telegram's webhook (stored in the inbox before 200) and /health; ``web/``
adds its routes (Open311, the agents' dashboard) beside them."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
READY = web.AppKey("ready", dict[str, bool])


def create_web_app(
    path: str,
    secret: str,
    max_body: int,
    kick: Callable[[], None],
    store: Callable[[dict[str, Any]], Awaitable[None]],
    webhook: bool = True,
) -> web.Application:
    """``store`` commits one update (the group-committing :class:`InboxWriter` in production);
    without ``webhook`` (polling mode) the server has no webhook route."""
    app = web.Application(client_max_size=max_body)
    app[READY] = {"ready": False}
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
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"ok": False, "error": "not JSON"}, status=400)
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
        try:
            await store(raw)
        except SQLAlchemyError as exc:
            # Telegram delivers again later: nothing is lost.
            log.warning("webhook: update not stored (%s)", type(exc).__name__)
            return web.json_response({"ok": False, "error": "try again"}, status=503)
        kick()
        return web.json_response({"ok": True})

    async def health(request: web.Request) -> web.Response:
        if not request.app[READY]["ready"]:
            return web.json_response({"status": "starting"}, status=503)
        return web.json_response({"status": "ok"})

    if webhook:
        app.router.add_post(path, telegram_update)
    app.router.add_get("/health", health)
    return app
