"""Leaflet and the map script, served by the app itself (no CDN); nothing else from disk."""

from __future__ import annotations

from core.deps import Deps
from tests.web.conftest import serve
from tests.web.test_dashboard import SITE


async def test_leaflet_is_served_by_the_app(svc: Deps) -> None:
    async with serve(svc, **SITE) as client:
        js = await client.get("/dashboard/static/leaflet/leaflet.js")
        assert js.status == 200 and js.content_type == "text/javascript"
        assert "Leaflet 1.9.4" in await js.text()
        css = await client.get("/dashboard/static/leaflet/leaflet.css")
        assert css.status == 200 and css.content_type == "text/css"
        icon = await client.get("/dashboard/static/leaflet/images/marker-icon.png")
        assert icon.status == 200 and (await icon.read())[:4] == b"\x89PNG"
        ours = await client.get("/dashboard/static/map.js")
        assert ours.status == 200 and "data-pins" in await ours.text()
        for path in (
            "/dashboard/static/NOTICE.md",
            "/dashboard/static/../dashboard.py",
            "/dashboard/static/%2e%2e/pages.py",
            "/dashboard/static/leaflet/LICENSE.txt",
        ):
            assert (await client.get(path)).status == 404, path


async def test_no_static_files_when_the_dashboard_is_off(svc: Deps) -> None:
    async with serve(svc) as client:
        assert (await client.get("/dashboard/static/map.js")).status == 404
