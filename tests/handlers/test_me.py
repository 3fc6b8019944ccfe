"""/me in the menu and in both languages; a report's link to an unknown report."""

from __future__ import annotations

from bot.demo.simulate import Person, UpdateFactory
from core.reports import metoo
from handlers import COMMANDS
from tests.handlers.conftest import Bot

f = UpdateFactory()
ANA = Person(3001, "Ana", "en-US")
LEA = Person(3002, "Léa", "fr")


def test_me_is_in_the_menu_in_both_languages(bot: Bot) -> None:
    assert COMMANDS.index("me") == COMMANDS.index("myreports") + 1
    texts = bot.svc.texts
    assert texts.get("fr", "command.me") == "Ce que j'ai fait pour la ville"
    assert texts.get("en", "command.me") == "What I have done for the town"
    assert "/me what you have done" in texts.get("en", "help.body")
    assert "/me ce que vous avez fait" in texts.get("fr", "help.body")


async def test_me_with_nothing_done_yet_in_both_languages(bot: Bot) -> None:
    await bot.feed(f.text(ANA, "/me"))
    await bot.feed(f.text(LEA, "/me"))
    by_chat = {p["chat_id"]: p["text"] for p in bot.request.sent()}
    assert by_chat[ANA.user_id].startswith("You have not reported or proposed anything yet.")
    assert by_chat[LEA.user_id].startswith("Vous n'avez encore rien signalé ni proposé.")


async def test_me_in_a_group_says_nothing(bot: Bot) -> None:
    update = f.group_text(ANA, -424242, "/me")
    update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 3}]
    await bot.feed(update)
    assert bot.request.sent() == []


async def test_a_link_to_an_unknown_report(bot: Bot) -> None:
    link = metoo.link("bot", 77, bot.svc.settings.link_secret)
    await bot.feed(f.text(ANA, "/start " + link.split("start=")[1]))
    (sent,) = bot.request.sent()
    assert sent["text"] == "I cannot find report #77. The link may be incomplete."


async def test_a_forged_link_is_a_plain_welcome(bot: Bot) -> None:
    await bot.feed(f.text(ANA, "/start r77_AAAAAAAAAA"))  # a guessed signature
    assert bot.request.sent()[0]["text"].startswith("Hello Ana!")
