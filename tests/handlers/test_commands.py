from __future__ import annotations

from bot.demo.simulate import Person, UpdateFactory
from core.callbacks import LanguageChoice
from tests.handlers.conftest import Bot

f = UpdateFactory()
ANA = Person(3001, "Ana", "en-US")
LEA = Person(3002, "Léa", "fr")
KURT = Person(3003, "Kurt", "de")


async def test_start_answers_in_the_residents_language(bot: Bot) -> None:
    await bot.feed(f.text(ANA, "/start"))
    await bot.feed(f.text(LEA, "/start"))
    await bot.feed(f.text(KURT, "/start"))
    greetings = [p for p in bot.request.sent() if "Sens Commun" in p["text"]]
    by_chat = {p["chat_id"]: p["text"] for p in greetings}
    assert by_chat[ANA.user_id].startswith("Hello Ana!")
    assert by_chat[LEA.user_id].startswith("Bonjour Léa !")
    assert by_chat[KURT.user_id].startswith("Bonjour Kurt !")  # unsupported: French default
    assert all("/privacy" in t for t in by_chat.values())


async def test_language_switch_sticks(bot: Bot) -> None:
    await bot.feed(f.text(LEA, "/language"))
    await bot.feed(f.press(LEA, f.private(LEA), 1, LanguageChoice("en").encode()))
    await bot.feed(f.text(LEA, "/help"))
    assert bot.request.sent("editMessageText")[-1]["text"].startswith(
        "Done: I will answer you in English"
    )
    assert bot.request.sent()[-1]["text"].startswith("Tell me about a problem")


async def test_myreports_when_empty_and_unknown_command(bot: Bot) -> None:
    await bot.feed(f.text(ANA, "/myreports"))
    assert bot.request.sent()[-1]["text"] == "You have no reports yet."
    await bot.feed(f.text(ANA, "/frobnicate"))
    assert bot.request.sent()[-1]["text"].startswith("Tell me about a problem")


async def test_cancel_with_nothing_in_progress(bot: Bot) -> None:
    await bot.feed(f.text(ANA, "/cancel"))
    assert bot.request.sent()[-1]["text"].startswith("There is nothing in progress")


async def test_group_messages_outside_agents_chats_are_ignored(bot: Bot) -> None:
    await bot.feed(f.group_text(ANA, -424242, "hello everyone"))
    assert bot.request.sent() == []
