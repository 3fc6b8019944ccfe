"""What the bot tells Telegram at start: its commands in both languages, its webhook."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.demo.fake_telegram import FakeBotApi
from bot.runtime import Runtime
from tests.conftest import DESK_CHAT, ROADS_CHAT, WATER_CHAT, Clock, make_config


async def test_commands_in_both_languages_and_the_webhook(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(sqlite_url, tmp_path, api, webhook={"public_url": "https://town.example/"})
    async with (
        Runtime(cfg, clock=clock) as rt,
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{rt.port}/health") as r,
    ):
        assert r.status == 200
    commands = {
        c.params.get("language_code", "default"): c.params["commands"]
        for c in api.of("setMyCommands")
        if c.params["scope"] == {"type": "all_private_chats"}
    }
    # Each agents chat gets its own menu (/queue, the workspace's, /stats, /dashboard), in the
    # agents' language.
    agents = {
        c.params["scope"]["chat_id"]: [
            (x["command"], x["description"]) for x in c.params["commands"]
        ]
        for c in api.of("setMyCommands")
        if c.params["scope"]["type"] == "chat"
    }
    assert set(agents) == {WATER_CHAT, ROADS_CHAT, DESK_CHAT}
    assert agents[WATER_CHAT][0] == ("queue", "Les signalements ouverts, les plus urgents d'abord")
    assert [name for name, _ in agents[DESK_CHAT]] == [
        "queue",
        "mine",
        "reply",
        "reopen",
        "stats",
        "dashboard",
    ]
    assert set(commands) == {"default", "en"}
    assert {c["command"] for c in commands["en"]} >= {
        "start",
        "help",
        "myreports",
        "language",
        "cancel",
    }
    assert (
        commands["default"][0]["description"] == "Accueil"
        and commands["en"][0]["description"] == "Welcome"
    )
    (hook,) = api.of("setWebhook")
    assert hook.params["url"] == "https://town.example/telegram"
    assert hook.params["secret_token"] == cfg.webhook.secret_token
