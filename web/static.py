"""The dashboard's own static files (``/dashboard/static/``): Leaflet and the map script.

Served by the app itself (no CDN: the agents' browsers reach nothing but the town's server,
and the tile server when one is configured). Only the files found under ``web/static`` at
start are served, read once; any other path is a 404. They hold nothing personal, so they are
served without a session and cached by browsers."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from aiohttp import web

PREFIX = "/dashboard/static/"
TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
HEADERS = {
    "Cache-Control": "public, max-age=86400",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
}
ASSETS = web.AppKey("senscommun_static", dict)


def _walk(folder: Traversable, prefix: str = "") -> dict[str, tuple[bytes, str]]:
    out: dict[str, tuple[bytes, str]] = {}
    for item in folder.iterdir():
        name = prefix + item.name
        if item.is_dir():
            out.update(_walk(item, name + "/"))
            continue
        kind = TYPES.get("." + item.name.rsplit(".", 1)[-1])
        if kind is not None:
            out[name] = (item.read_bytes(), kind)
    return out


def assets() -> dict[str, tuple[bytes, str]]:
    """Every servable file under ``web/static``: its path there → (bytes, content type)."""
    return _walk(files("web") / "static")


async def asset(request: web.Request) -> web.StreamResponse:
    found = request.app[ASSETS].get(request.match_info["name"])
    if found is None:
        raise web.HTTPNotFound()
    body, kind = found
    return web.Response(body=body, content_type=kind, headers=HEADERS)


def add_routes(app: web.Application) -> None:
    app[ASSETS] = assets()
    app.router.add_get(PREFIX + "{name:.+}", asset)
