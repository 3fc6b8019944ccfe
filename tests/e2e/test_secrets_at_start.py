"""The keys a process makes at its first start and finds again at the next: the webhook's
secret (webhook mode without ``webhook.secret_token``) and the report links' key."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.demo.fake_telegram import FakeBotApi
from bot.inbox.webhook import SECRET_HEADER
from bot.runtime import Runtime
from core.reports import metoo
from tests.conftest import Clock, make_config


async def _post(port: int, secret: str) -> int:
    update = {
        "update_id": 1,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}},
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"http://127.0.0.1:{port}/telegram", json=update, headers={SECRET_HEADER: secret}
        ) as r,
    ):
        return r.status


async def test_the_webhook_secret_is_generated_once_and_kept(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(
        sqlite_url, tmp_path, api, webhook={"secret_token": "", "public_url": "https://t.example"}
    )
    secrets_seen, links = [], []
    for _ in range(2):  # a first start, then a restart
        async with Runtime(cfg, clock=clock) as rt:
            secret = api.of("setWebhook")[-1].params["secret_token"]
            assert len(secret) >= 32
            assert await _post(rt.port, secret) == 200
            assert await _post(rt.port, "wrong-secret-0123456789") == 403
            secrets_seen.append(secret)
            links.append(rt.deps.settings.link_keys)
    assert secrets_seen[0] == secrets_seen[1]
    assert links[0] == links[1] and len(links[0]) == 1
    # Never derived from the bot's token: a new token signs nothing differently.
    assert b"123:test" not in links[0][0]


async def test_a_configured_link_key_signs_and_stored_keys_stay_accepted(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(sqlite_url, tmp_path, api)
    async with Runtime(cfg, clock=clock) as rt:
        (stored,) = rt.deps.settings.link_keys
    shared = metoo.link("b", 9, stored).split("start=")[1]
    new, old = "n" * 40, "o" * 40
    cfg = make_config(
        sqlite_url, tmp_path, api, security={"link_secret": new, "old_link_secrets": [old]}
    )
    async with Runtime(cfg, clock=clock) as rt:
        keys = rt.deps.settings.link_keys
    assert keys == (new.encode(), old.encode(), stored)
    assert metoo.report_of_start(shared, keys) == 9  # a link shared before still opens
