"""Polling mode feeds the same inbox as the webhook."""

from __future__ import annotations

from pathlib import Path

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import UpdateFactory
from bot.runtime import Runtime
from storage import inbox
from tests.conftest import Clock, make_config
from tests.e2e.conftest import MARIE


async def test_polling_stores_then_processes(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(sqlite_url, tmp_path, api, telegram={"mode": "polling"})
    f = UpdateFactory()
    api.updates.append(f.text(MARIE, "/start"))
    api.updates.append(f.text(MARIE, "Fuite d'eau rue Victor Hugo"))
    async with Runtime(cfg, clock=clock) as rt:
        await api.wait_for(lambda a: len(a.of("sendMessage", MARIE.user_id)) >= 3)
        await rt.settle()
        async with rt.deps.sessions() as s:
            assert await inbox.count(s, processed=True) == 2
        # The next poll acknowledges both updates (Telegram then forgets them).
        await api.wait_for(
            lambda a: any(c.params.get("offset") == 10_002 for c in a.of("getUpdates"))
        )
    texts = api.texts(MARIE.user_id)
    assert texts[0].startswith("Bonjour Marie") and "<b>Eau</b>" in texts[-1]
    assert api.of("deleteWebhook")
    offsets = [c.params.get("offset") for c in api.of("getUpdates")]
    assert max(o for o in offsets if o is not None) == 10_002  # never past what was stored


async def test_polling_survives_an_update_it_cannot_store_and_telegram_failing(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    cfg = make_config(sqlite_url, tmp_path, api, telegram={"mode": "polling"})
    f = UpdateFactory()
    bad = f.text(MARIE, "/help")
    bad["update_id"] = 2**70  # no column holds it: the writer refuses it for itself
    async with Runtime(cfg, clock=clock) as rt:
        api.updates.append(bad)
        await api.wait_for(lambda a: len(a.of("getUpdates")) >= 3)
        api.fail_next["getUpdates"] = 2  # Telegram answers 500 twice
        api.updates.append(f.text(MARIE, "/help"))
        await api.wait_for(lambda a: len(a.of("sendMessage", MARIE.user_id)) >= 1, within=15)
        assert rt.polling.alive and rt.polling.last_pass is not None
        async with rt.deps.sessions() as s:
            assert await inbox.count(s) == 1  # the one it could store
