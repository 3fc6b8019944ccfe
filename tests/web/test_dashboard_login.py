"""The login link shows a button: opening it (a link preview, a mail scanner) uses nothing up;
only the button, posted with the page's CSRF token and cookie, logs in."""

from __future__ import annotations

from sqlalchemy import select

from core.deps import Deps
from storage.models import AgentLogin, AgentSession
from tests.conftest import WATER_AGENT
from tests.web.conftest import serve
from tests.web.test_dashboard import SITE, csrf_of, link_token, shown


async def _login_used(svc: Deps) -> bool:
    async with svc.sessions() as s:
        (row,) = (await s.scalars(select(AgentLogin))).all()
        return row.used_at is not None


async def test_opening_the_link_uses_nothing_up(svc: Deps) -> None:
    token = await link_token(svc, WATER_AGENT)
    async with serve(svc, **SITE) as client:
        for _ in range(3):  # a preview, a scanner, the agent
            opened = await client.get(f"/dashboard/login?token={token}")
            page = await shown(opened)
            assert opened.status == 200 and "Me connecter" in page
            assert 'method="post"' in page and f'value="{token}"' in page
        assert not await _login_used(svc)
        assert (await client.get("/dashboard")).status == 401  # no session yet
        button = {"csrf": csrf_of(page), "token": token}
        pressed = await client.post("/dashboard/login", data=button)
        assert pressed.status == 200 and pressed.url.path == "/dashboard"
    assert await _login_used(svc)


async def test_the_button_needs_the_pages_csrf_token_and_cookie(svc: Deps) -> None:
    token = await link_token(svc, WATER_AGENT)
    async with serve(svc, **SITE) as client:
        # Another site's form: no login cookie, a made-up token.
        forged = await client.post("/dashboard/login", data={"csrf": "0" * 64, "token": token})
        assert forged.status == 403 and "rien n'a été changé" in await shown(forged)
        opened = await client.get(f"/dashboard/login?token={token}")
        real = csrf_of(await opened.text())
        wrong = real[:-1] + ("1" if real.endswith("0") else "0")
        refused = await client.post("/dashboard/login", data={"csrf": wrong, "token": token})
        assert refused.status == 403
        client.session.cookie_jar.clear()  # the page's cookie gone: its token alone opens nothing
        alone = await client.post("/dashboard/login", data={"csrf": real, "token": token})
        assert alone.status == 403
    assert not await _login_used(svc)
    async with svc.sessions() as s:
        assert (await s.scalars(select(AgentSession))).first() is None


async def test_a_used_or_unknown_link_shows_no_button(svc: Deps) -> None:
    async with serve(svc, **SITE) as client:
        unknown = await client.get("/dashboard/login?token=not-a-token")
        assert unknown.status == 403 and "Me connecter" not in await shown(unknown)
        empty = await client.get("/dashboard/login")
        assert empty.status == 400
        token = await link_token(svc, WATER_AGENT)
        opened = await client.get(f"/dashboard/login?token={token}")
        button = {"csrf": csrf_of(await opened.text()), "token": token}
        assert (await client.post("/dashboard/login", data=button)).status == 200
        used = await client.get(f"/dashboard/login?token={token}")
        assert used.status == 403 and "a déjà servi" in await shown(used)
        again = await client.post("/dashboard/login", data=button)
        assert again.status == 403
