"""/stats through the real Application: long figures, a failing chart, the command menu."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.demo.simulate import Person, UpdateFactory
from core.stats import chart
from handlers import COMMANDS
from tests.core.stats.data import report
from tests.handlers.conftest import Bot

f = UpdateFactory()
ANA = Person(3001, "Ana", "en-US")


async def _a_report_everywhere(bot: Bot) -> None:
    now = bot.svc.clock()
    async with bot.svc.sessions() as s:
        for code in bot.svc.catalogue.codes:
            await report(s, code, now - timedelta(days=3))
        await s.commit()


async def test_long_figures_go_as_a_message_and_the_chart_after(bot: Bot) -> None:
    await _a_report_everywhere(bot)
    await bot.feed(f.text(ANA, "/stats"))
    (text,) = (p["text"] for p in bot.request.sent())
    assert len(text) > 1024  # eleven services: too long for a caption
    assert "<b>Town hall desk</b> — reports: 1 · resolved: 0%" in text
    (photo,) = bot.request.sent("sendPhoto")
    assert photo["caption"] == "📊 Sens Commun, last 90 days"
    assert [m for m, _ in bot.request.calls if m.startswith("send")] == ["sendMessage", "sendPhoto"]


async def test_a_failing_chart_still_sends_the_figures(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> bytes:
        raise OSError("no font found")

    monkeypatch.setattr(chart, "render_png", broken)
    await _a_report_everywhere(bot)
    await bot.feed(f.text(ANA, "/stats"))
    assert bot.request.sent("sendPhoto") == []
    (text,) = (p["text"] for p in bot.request.sent())
    assert "<b>Water</b> — reports: 1" in text and "Traceback" not in text


async def test_nothing_to_show_is_said_plainly(bot: Bot) -> None:
    await bot.feed(f.text(ANA, "/stats"))
    (text,) = (p["text"] for p in bot.request.sent())
    assert "No report in the last 90 days." in text
    assert bot.request.sent("sendPhoto") == []


def test_stats_is_in_the_menu_in_both_languages(bot: Bot) -> None:
    assert "stats" in COMMANDS
    texts = bot.svc.texts
    assert texts.get("fr", "command.stats") == "Chiffres des services"
    assert texts.get("en", "command.stats") == "Figures of the services"
