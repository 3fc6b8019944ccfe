"""The dashboard in a real browser: Playwright driving Debian's Chromium headless against the
running product (the fake Bot API hands out the login link). Log in through the button,
filter the list, open a ticket, see its map drawn by the app's own Leaflet, leave a note for the
colleagues (the resident never sees it), resolve it with an answer template (shown, then sent).

Each step is a small function, so that a new step is one more line in the story. Screenshots of every step are kept in ``test-artifacts/browser/``
(ignored by git). Skipped, saying why, only where Chromium cannot be found or started; nothing
is downloaded (never ``playwright install``). No sleeps: Playwright waits for what it expects.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Story
from bot.runtime import Runtime
from storage.enums import ReportStatus
from tests.conftest import WATER_CHAT, Clock, make_config
from tests.e2e.conftest import JOHN, MARIE, WATER_AGENT_P, Env
from tests.e2e.test_dashboard import PUBLIC, dashboard_link, status_of
from tests.e2e.test_story import _report
from tests.e2e.test_workspace import TEMPLATES

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="Playwright for Python is not installed (pip install -e .[dev])"
)
Page = playwright_api.Page
expect = playwright_api.expect

CHROMIUM = os.environ.get("SENSCOMMUN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture
async def site(api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Env]:
    """The product as it runs, with the dashboard on and no tile server (nothing leaves the
    machine: the map draws its markers on a plain background)."""
    web = {"public_url": PUBLIC, "dashboard": {"tile_url": ""}}
    cfg = make_config(db_url, tmp_path, api, web=web, templates=TEMPLATES)
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


@pytest.fixture
async def page(request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    async with playwright_api.async_playwright() as pw:
        try:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        except playwright_api.Error as exc:
            pytest.skip(f"Chromium at {CHROMIUM} cannot be started: {exc.message[:200]}")
        context = await browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
        context.set_default_timeout(10_000)
        tab = await context.new_page()
        try:
            yield tab
        finally:
            await browser.close()


@dataclass
class Visit:
    """A browser session on the dashboard, keeping a screenshot of each step."""

    page: Page
    base: str
    folder: Path
    errors: list[str] = field(default_factory=list)
    shots: int = 0

    async def shot(self, name: str) -> None:
        self.shots += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(
            path=self.folder / f"{self.shots:02d}-{name}.png", full_page=True
        )


async def visit(page: Page, env: Env, request: pytest.FixtureRequest) -> Visit:
    folder = ARTIFACTS / request.node.name.replace("[", "-").replace("]", "")
    shutil.rmtree(folder, ignore_errors=True)
    v = Visit(page, f"http://127.0.0.1:{env.runtime.port}", folder)
    # A script or a style the page's policy blocks, a script's error, show up here (HTTP
    # refusals the story expects, like the page before logging in, are not errors of the page).
    page.on(
        "console",
        lambda m: (
            v.errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    return v


async def log_in(v: Visit, link: str) -> None:
    await v.page.goto(link)
    button = v.page.get_by_role("button", name="Me connecter")
    await expect(button).to_be_visible()
    await v.shot("login-button")
    await button.click()
    await expect(v.page.get_by_role("heading", name="Tableau de bord des agents")).to_be_visible()
    await v.shot("list")


async def filter_list(v: Visit, search: str = "", status: str = "") -> None:
    if search:
        await v.page.get_by_label("Rechercher").fill(search)
    if status:
        await v.page.get_by_label("État").select_option(status)
    await v.page.get_by_role("button", name="Afficher").click()
    await v.page.wait_for_load_state()
    await v.shot("filtered")


async def open_ticket(v: Visit, rid: int) -> None:
    await v.page.locator("#tickets").get_by_role("link", name=f"#{rid}", exact=True).click()
    await expect(v.page.get_by_role("heading", level=1)).to_contain_text(f"#{rid}")
    await v.shot(f"ticket-{rid}")


async def add_note(v: Visit, words: str) -> None:
    await v.page.get_by_label("Pour les agents seulement").fill(words)
    await v.page.get_by_role("button", name="Ajouter la note").click()
    await expect(v.page.get_by_role("status")).to_contain_text("seuls les agents le voient")
    await expect(v.page.locator(".notes")).to_contain_text(words)
    await v.shot("note")


async def resolve_with_template(v: Visit, label: str) -> None:
    """Pick the template, see the reply as the resident will read it, then send it."""
    await v.page.get_by_label("Modèle (montré avant l'envoi)").select_option(label=label)
    await v.page.get_by_role("button", name="Préparer").click()
    await expect(v.page.get_by_role("status").first).to_contain_text("Rien n'est parti")
    await expect(v.page.locator(".draft blockquote")).to_be_visible()
    await v.shot("template-shown")
    await v.page.get_by_role("button", name="✅ Envoyer à l'habitant").click()
    await expect(v.page.locator(".draft")).to_have_count(0)
    await v.shot("template-sent")


async def test_an_agent_logs_in_filters_opens_and_resolves_a_ticket(
    site: Env, page: Page, request: pytest.FixtureRequest
) -> None:
    env = site
    leak = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    other = await _report(env, JOHN, "Water leak near the station")
    link = await dashboard_link(env, WATER_AGENT_P, WATER_CHAT)
    v = await visit(page, env, request)

    await page.goto(link)  # opening the link alone (a preview would) logs nobody in
    await page.goto(v.base + "/dashboard")
    await expect(page.get_by_role("alert")).to_contain_text("/dashboard")

    await log_in(v, link)
    rows = page.locator("#tickets tbody tr")
    await expect(rows).to_have_count(2)
    await expect(page.locator("#map")).to_have_attribute("data-ready", "2")  # Leaflet ran

    await filter_list(v, search="Victor")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(f"#{leak}")

    await open_ticket(v, leak)
    await expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    await expect(page.locator(".leaflet-interactive")).to_have_count(1)  # its marker
    told = len(env.api.texts(MARIE.user_id))
    await add_note(v, "Vanne à couper avant, voir avec le fontainier")
    await env.runtime.settle()
    assert len(env.api.texts(MARIE.user_id)) == told  # a note never reaches the resident
    await resolve_with_template(v, "Réparé → résolu")
    await expect(page.locator("dd").first).to_contain_text("résolu")
    await env.runtime.settle()
    assert (await status_of(env, leak))[0] is ReportStatus.RESOLVED
    said = env.api.texts(MARIE.user_id)[told:]
    assert any(f"#{leak} est réparé" in t or f"{leak} est réparé" in t for t in said), said
    assert not any("fontainier" in t for t in said)

    await page.goto(v.base + "/dashboard")
    await expect(rows).to_have_count(1)  # open ones only: the other report
    await expect(rows.first).to_contain_text(f"#{other}")
    await v.shot("after")
    assert v.errors == []
    assert len(list(v.folder.glob("*.png"))) == v.shots >= 8
