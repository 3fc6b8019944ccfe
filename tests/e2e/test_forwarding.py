"""Forwarding on the running product: a water report also goes by e-mail to a local SMTP
server and to a fake CRM (an Open311 endpoint) that fails twice before accepting it; the
status the CRM gives it comes back to the resident through the fake Bot API."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiosmtpd.controller import Controller
from sqlalchemy import select

from bot.config.settings import Config
from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Story
from bot.runtime import Runtime
from storage.enums import ForwardChannel, ForwardState, ReportStatus
from storage.models import Forward, Report
from tests.conftest import WATER_CHAT, Clock, make_config
from tests.e2e.conftest import MARIE, Env
from tests.e2e.test_story import _report


@dataclass
class Mailbox:
    """An aiosmtpd handler: what the local SMTP server received."""

    received: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(message_from_bytes(envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Any:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, box
    controller.stop()


@dataclass
class FakeCrm:
    """An Open311 endpoint that answers 502, then 500, then accepts; then tells a status."""

    fails: list[int] = field(default_factory=lambda: [502, 500])
    posts: list[dict[str, str]] = field(default_factory=list)
    asked: list[dict[str, str]] = field(default_factory=list)
    status: str = "open"
    url: str = ""

    async def post(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.posts.append({k: str(v) for k, v in form.items()})
        if self.fails:
            return web.Response(status=self.fails.pop(0), text="<html>bad gateway</html>")
        return web.json_response([{"service_request_id": "CRM-77", "service_notice": "ok"}])

    async def get(self, request: web.Request) -> web.Response:
        self.asked.append(dict(request.query))
        wanted = request.query.get("service_request_id", "").split(",")
        found = [{"service_request_id": "CRM-77", "status": self.status}]
        return web.json_response([r for r in found if r["service_request_id"] in wanted])


@pytest.fixture
async def crm() -> AsyncIterator[FakeCrm]:
    fake = FakeCrm()
    app = web.Application()
    app.router.add_post("/open311/v2/requests.json", fake.post)
    app.router.add_get("/open311/v2/requests.json", fake.get)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}/open311/v2"
    yield fake
    await runner.cleanup()


def forwarding_config(
    db_url: str, tmp_path: Path, api: FakeBotApi, smtp_port: int, crm_url: str
) -> Config:
    raw = make_config(db_url, tmp_path, api).model_dump(mode="json")
    for s in raw["services"]:
        if s["code"] == "water":
            s["forward"] = {
                "email": ["eau@town.example"],
                "open311": {"endpoint": crm_url, "api_key": "k-123", "service_code": "LEAK"},
            }
    raw["email"] = {
        "host": "127.0.0.1",
        "port": smtp_port,
        "security": "none",
        "sender": "senscommun@town.example",
    }
    raw["forwarding"] = {"first_retry_s": 30, "max_retry_s": 600, "poll_interval_s": 0.05}
    return Config.model_validate(raw)


async def until(check: Callable[[], Any], rt: Runtime, within: float = 10.0) -> None:
    """Kick the forwarding worker until ``check()`` holds (real parts: we wait, briefly)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        assert loop.time() < deadline, "not reached in time"
        rt.forwarding.kick()
        await asyncio.sleep(0.02)


async def _forwards(rt: Runtime) -> dict[ForwardChannel, Forward]:
    async with rt.deps.sessions() as s:
        return {f.channel: f for f in (await s.scalars(select(Forward))).all()}


async def test_a_report_forwarded_by_email_and_to_a_crm_that_fails_twice(
    api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock, smtp: Any, crm: FakeCrm
) -> None:
    controller, box = smtp
    cfg = forwarding_config(db_url, tmp_path, api, controller.port, crm.url)
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        env = Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)
        rid = await _report(
            env, MARIE, "Fuite d'eau rue Victor Hugo, appelez-moi au 06 12 34 56 78"
        )

        # The e-mail: to the service's address, from the configured sender, masked text.
        async def mailed() -> bool:
            return bool(box.received)

        await until(mailed, rt)
        mail = box.received[0]
        assert box.envelopes[0] == ("senscommun@town.example", ["eau@town.example"])
        assert mail["Subject"] == f"Signalement #{rid} (Eau)"
        body = mail.get_payload(decode=True).decode()
        assert f"Nouveau signalement #{rid}" in body and "rue Victor Hugo" in body
        assert "06 12 34 56 78" not in body and "Marie" not in body

        # The CRM: 502, then (after the back-off, the clock moved) 500, then accepted.
        async def tried(n: int) -> Callable[[], Any]:
            async def check() -> bool:
                f = (await _forwards(rt))[ForwardChannel.OPEN311]
                return len(crm.posts) >= n and f.attempts >= n

            return check

        await until(await tried(1), rt)
        first = (await _forwards(rt))[ForwardChannel.OPEN311]
        assert (first.state, first.attempts, first.last_error) == (
            ForwardState.PENDING,
            1,
            "HTTP 502",
        )
        await asyncio.sleep(0.2)
        assert len(crm.posts) == 1  # waits for its back-off: no second try before 30 s
        clock.advance(seconds=31)
        await until(await tried(2), rt)
        clock.advance(seconds=61)
        await until(await tried(3), rt)

        async def sent() -> bool:
            f = (await _forwards(rt))[ForwardChannel.OPEN311]
            return f.state is ForwardState.SENT

        await until(sent, rt)
        done = (await _forwards(rt))[ForwardChannel.OPEN311]
        assert (done.external_id, done.attempts) == ("CRM-77", 3)
        assert (await _forwards(rt))[ForwardChannel.EMAIL].state is ForwardState.SENT
        posted = crm.posts[-1]
        assert posted["service_code"] == "LEAK" and posted["api_key"] == "k-123"
        assert posted["attribute[senscommun_id]"] == str(rid)
        assert (posted["lat"], posted["long"]) == ("45.760000", "4.830000")
        assert "06 12" not in posted["description"]

        # Pulled back: "open" changes nothing; "closed" resolves it and Marie is told.
        assert (await rt.jobs.run_once())["open311_pull"] == 0
        assert crm.asked[-1]["service_request_id"] == "CRM-77"
        crm.status = "closed"
        assert (await rt.jobs.run_once())["open311_pull"] == 1
        await rt.settle()
        assert "est maintenant : <b>résolu</b>" in api.texts(MARIE.user_id)[-1]
        assert "Logiciel du service (Eau)" in api.texts(WATER_CHAT)[-1]  # the card says who
        async with rt.deps.sessions() as s:
            assert await s.scalar(select(Report.status)) is ReportStatus.RESOLVED
        assert (await rt.jobs.run_once())["open311_pull"] == 0  # closed: asked no more
