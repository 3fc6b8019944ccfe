"""Handler tests: the real Application, real update JSON, and PTB's HTTP layer swapped for one
that records calls and answers like Telegram (as PTB's own tests do)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram.request import BaseRequest, RequestData

from bot.demo.fake_telegram import FakeBotApi
from bot.factory import App, create_application, create_deps
from bot.inbox.worker import InboxWorker
from core.catalogue import sync_catalogue
from core.deps import Deps
from storage import inbox
from storage.migrate import upgrade
from tests.conftest import Clock, make_config


class RecordingRequest(BaseRequest):
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._answers = FakeBotApi()  # only its answers are used: nothing listens

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((api_method, dict(params)))
        result = self._answers._result(api_method, dict(params))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]


@dataclass
class Bot:
    app: App
    svc: Deps
    request: RecordingRequest
    worker: InboxWorker

    async def feed(self, raw: dict[str, Any]) -> None:
        """The webhook's path: store in the inbox, then process."""
        async with self.svc.sessions() as s:
            await inbox.store(s, raw, self.svc.clock())
            await s.commit()
        await self.worker.drain_once()


@pytest.fixture
async def bot(sqlite_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Bot]:
    cfg = make_config(sqlite_url, tmp_path)
    svc = create_deps(cfg, clock)
    await upgrade(svc.engine)
    async with svc.sessions() as s:
        await sync_catalogue(s, svc.catalogue)
        await s.commit()
    request = RecordingRequest()
    app = create_application(cfg, svc, request=request)
    async with app:
        yield Bot(app, svc, request, InboxWorker(app, svc))
    await svc.engine.dispose()
