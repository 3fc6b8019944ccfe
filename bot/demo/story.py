"""``make demo``: the whole product on its defaults, against an embedded fake Bot API.

A resident reports a water leak in French, an agent takes it, answers and resolves it, and the
resident hears back at each step, then says it is fixed and rates the service. Then she
proposes an idea, the agent publishes it, a neighbour supports it, and the town's answer
reaches them both. Last, a neighbour smells gas: the emergency numbers come before any
question, and the agents' card is marked urgent, with its reason, and pinned. The conversation
is printed as a transcript.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import aiohttp

from bot.config.settings import Config, ServiceConfig, default_services
from bot.demo.fake_telegram import Call, FakeBotApi
from bot.demo.simulate import Person, Story
from bot.runtime import Runtime
from core.telegram_format import plain_text

AGENTS_CHAT = -100200300
RESIDENT = Person(1001, "Marie", "fr")
NEIGHBOUR = Person(1002, "John", "en")
AGENT = Person(501, "Paul Agent")
NAMES = {RESIDENT.user_id: RESIDENT.first_name, NEIGHBOUR.user_id: NEIGHBOUR.first_name}


def demo_config(
    api: FakeBotApi, db_path: Path, media: Path, secret: str, nlp: str = "auto"
) -> Config:
    services: list[ServiceConfig] = [
        s.model_copy(update={"agents_chat_id": AGENTS_CHAT, "agents": [AGENT.user_id]})
        for s in default_services()
    ]
    return Config.model_validate(
        {
            "telegram": {
                "token": "123:demo",
                "api_base_url": api.base_url,
                "api_file_url": api.file_url,
                "mode": "webhook",
            },
            "webhook": {"listen": "127.0.0.1", "port": 0, "secret_token": secret},
            "database": {"url": f"sqlite+aiosqlite:///{db_path}"},
            "bot": {"media_dir": str(media)},
            "nlp": {"kind": nlp},
            # The demo plays at any hour: with the default quiet hours (21:00-09:00) the town's
            # answer to the idea would wait for the morning, as it does in production.
            "surveys": {"quiet_hours": ""},
            # "Is it fixed?" comes a day after the resolution in production; at once here.
            "questionnaire": {"delay_minutes": 0},
            # The fake residents have no phone to share: their supports count as they are.
            "ideas": {"require_phone": False},
            "services": [s.model_dump() for s in services],
        }
    )


def _buttons(call: Call) -> str:
    markup = call.params.get("reply_markup")
    if not isinstance(markup, dict):
        return ""
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    labels = [b.get("text", "") if isinstance(b, dict) else str(b) for row in rows for b in row]
    return "   [" + "] [".join(labels) + "]" if labels else ""


def transcript_line(call: Call) -> str | None:
    chat = str(call.params.get("chat_id", ""))
    who = "agents group" if chat.startswith("-") else NAMES.get(int(chat or 0), chat)
    text = str(call.params.get("text") or call.params.get("caption") or "")
    text = plain_text(text)
    match call.method:
        case "sendMessage" | "sendPhoto":
            return f"  🤖 → {who}: {text}{_buttons(call)}"
        case "editMessageText" | "editMessageCaption":
            return f"  ✏️  card updated in {who}: {text}{_buttons(call)}"
        case "answerCallbackQuery" if call.params.get("text"):
            return f"  💬 (pop-up) {call.params['text']}"
    return None


async def run_demo(out: Any = print, nlp: str = "auto") -> FakeBotApi:
    api = FakeBotApi(token="123:demo")
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        secret = secrets.token_urlsafe(24)
        cfg = demo_config(api, Path(tmp) / "demo.db", Path(tmp) / "media", secret, nlp)
        printed = 0

        def flush() -> None:
            nonlocal printed
            for c in api.calls[printed:]:
                line = transcript_line(c)
                if line:
                    out(line)
            printed = len(api.calls)

        async with Runtime(cfg) as rt, aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
            story = Story(http, url, secret, api, rt.settle)
            printed = len(api.calls)

            async def step(label: str, action: Awaitable[int]) -> None:
                out(label)
                await action
                flush()

            async def report(who: Person, text: str, lat: float, lon: float) -> None:
                """Text, confirm the suggested service, share a location, no photo, send."""
                name, chat = who.first_name, who.user_id
                await step(f"👤 {name}: {text}", story.say(who, text))
                await step(f"👤 {name} presses ✅", story.press(who, chat, "d:ok"))
                await step(
                    f"👤 {name} shares a location 📍",
                    story.post(story.updates.location(who, lat, lon)),
                )
                await step(f"👤 {name} presses Skip", story.press(who, chat, "d:nophoto"))
                await step(f"👤 {name} presses Send", story.press(who, chat, "d:send"))

            me = RESIDENT.user_id
            out("=== Sens Commun demo: a resident, a service, a fixed leak ===\n")
            await step("👤 Marie: /start", story.say(RESIDENT, "/start"))
            text = (
                "Bonjour, il y a une grosse fuite d'eau sur le trottoir devant le 12 rue "
                "Victor Hugo, ça coule depuis ce matin"
            )
            await report(RESIDENT, text, 48.8566, 2.3522)
            card = api.last_message_id(AGENTS_CHAT)
            await step(
                "👷 Paul (Water agent) presses 🛠 In progress",
                story.press(AGENT, AGENTS_CHAT, "a:prog"),
            )
            words = "Une équipe passe cet après-midi, merci pour le signalement."
            await step(
                f"👷 Paul replies to the card: {words}",
                story.agent_reply(AGENT, AGENTS_CHAT, card, words),
            )
            notice = api.last_message_id(me)
            thanks = "Merci beaucoup !"
            await step(
                f"👤 Marie replies to that message: {thanks}", story.say(RESIDENT, thanks, notice)
            )
            await step("👷 Paul presses ✅ Resolved", story.press(AGENT, AGENTS_CHAT, "a:res"))
            await step("👤 Marie: /myreports", story.say(RESIDENT, "/myreports"))

            out("\n=== was it fixed? (asked at once here, a day after resolution by default) ===\n")
            await step("👤 Marie presses Yes", story.press(RESIDENT, me, "q:ans:1:yes"))
            await step("👤 Marie presses 5 ⭐", story.press(RESIDENT, me, "q:rate:1:5"))
            comment = "Réparé en une journée, bravo !"
            await step(
                f"👤 Marie replies to it: {comment}",
                story.say(RESIDENT, comment, api.last_message_id(me)),
            )

            out("\n=== and an idea: proposed, published, supported, answered ===\n")
            idea = "/idea Une fontaine d'eau potable au parc Monplaisir"
            await step(f"👤 Marie: {idea}", story.say(RESIDENT, idea))
            await step("👷 Paul presses ✅ Approve", story.press(AGENT, AGENTS_CHAT, "i:ok:"))
            await step("👤 John: /ideas", story.say(NEIGHBOUR, "/ideas"))
            await step(
                "👤 John presses 👍 Support", story.press(NEIGHBOUR, NEIGHBOUR.user_id, "i:sup:")
            )
            await step(
                "👷 Paul presses Planned", story.press(AGENT, AGENTS_CHAT, "i:ans:1:planned")
            )
            prompt = api.last_message_id(AGENTS_CHAT)
            words = "Inscrite au budget 2027, pose prévue au printemps."
            await step(
                f"👷 Paul replies to the prompt: {words}",
                story.agent_reply(AGENT, AGENTS_CHAT, prompt, words),
            )
            out("\n=== someone may be in danger: the emergency numbers come first ===\n")
            danger = (
                "Strong smell of gas in the stairwell at 8 Pasteur Street, my neighbour feels dizzy"
            )
            await report(NEIGHBOUR, danger, 48.8570, 2.3530)
            out(
                "\n=== end of the demo: every message above went through the real webhook, "
                "inbox, outbox and a fake Telegram on loopback ==="
            )
    await api.stop()
    return api


def main() -> None:
    asyncio.run(run_demo())
