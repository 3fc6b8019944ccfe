"""``make demo``: the whole product on its defaults, against an embedded fake Bot API.

A resident reports a water leak in French, an agent takes it, answers and resolves it, and the
resident hears back at each step. The conversation is printed as a transcript.
"""

from __future__ import annotations

import asyncio
import html
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import Config, ServiceConfig, default_services
from bot.fake_telegram import Call, FakeBotApi
from bot.runtime import Runtime
from bot.simulate import Person, UpdateFactory, post_update

AGENTS_CHAT = -100200300
RESIDENT = Person(1001, "Marie", "fr")
AGENT = Person(501, "Paul Agent")


def demo_config(api: FakeBotApi, db_path: Path, media: Path, secret: str) -> Config:
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
    who = "agents group" if chat.startswith("-") else RESIDENT.first_name
    text = str(call.params.get("text") or call.params.get("caption") or "")
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    match call.method:
        case "sendMessage" | "sendPhoto":
            return f"  🤖 → {who}: {text}{_buttons(call)}"
        case "editMessageText" | "editMessageCaption":
            return f"  ✏️  card updated in {who}: {text}{_buttons(call)}"
        case "answerCallbackQuery" if call.params.get("text"):
            return f"  💬 (pop-up) {call.params['text']}"
    return None


async def run_demo(out: Any = print) -> FakeBotApi:
    api = FakeBotApi(token="123:demo")
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        secret = secrets.token_urlsafe(24)
        cfg = demo_config(api, Path(tmp) / "demo.db", Path(tmp) / "media", secret)
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
            f = UpdateFactory()
            printed = len(api.calls)

            async def send(update: dict[str, Any], label: str, expect: int = 1) -> None:
                out(label)
                before = len([c for c in api.calls if c.method != "getMe"])
                await post_update(http, url, secret, update)
                await api.wait_for(lambda a: len([c for c in a.calls if c.method != "getMe"]) >= before + expect)
                await asyncio.sleep(0)  # let the last call of a burst land
                flush()

            def last_message_id(chat: int) -> int:
                sent = [c for c in api.calls if c.method in ("sendMessage", "sendPhoto")
                        and str(c.params.get("chat_id")) == str(chat)]
                return int(sent[-1].result["message_id"])

            def button(chat: int, start: str) -> str:
                for row in api.last_buttons(chat):
                    for b in row:
                        if b["callback_data"].startswith(start) or b["text"].startswith(start):
                            return str(b["callback_data"])
                raise LookupError(start)

            out("=== Sens Commun demo: a resident, a service, a fixed leak ===\n")
            await send(f.text(RESIDENT, "/start"), "👤 Marie: /start", expect=2)
            text = "Bonjour, il y a une grosse fuite d'eau sur le trottoir devant le 12 rue Victor Hugo, ça coule depuis ce matin"
            await send(f.text(RESIDENT, text), f"👤 Marie: {text}")
            await send(f.press(RESIDENT, f.private(RESIDENT), last_message_id(RESIDENT.user_id),
                               button(RESIDENT.user_id, "d:ok")), "👤 Marie presses ✅", expect=3)
            await send(f.location(RESIDENT, 48.8566, 2.3522), "👤 Marie shares her location 📍", expect=2)
            await send(f.press(RESIDENT, f.private(RESIDENT), last_message_id(RESIDENT.user_id),
                               button(RESIDENT.user_id, "d:nophoto")), "👤 Marie presses Skip", expect=3)
            await send(f.press(RESIDENT, f.private(RESIDENT), last_message_id(RESIDENT.user_id),
                               button(RESIDENT.user_id, "d:send")), "👤 Marie presses Send", expect=4)
            card = last_message_id(AGENTS_CHAT)
            group = f.group(AGENTS_CHAT)
            await send(f.press(AGENT, group, card, button(AGENTS_CHAT, "a:prog")),
                       "👷 Paul (Water agent) presses 🛠 In progress", expect=3)
            reply_to = {"message_id": card, "date": 0, "chat": group, "text": "card"}
            words = "Une équipe passe cet après-midi, merci pour le signalement."
            await send(f.group_text(AGENT, AGENTS_CHAT, words, reply_to=reply_to),
                       f"👷 Paul replies to the card: {words}", expect=2)
            await send(f.press(AGENT, group, card, button(AGENTS_CHAT, "a:res")),
                       "👷 Paul presses ✅ Resolved", expect=3)
            await send(f.text(RESIDENT, "/myreports"), "👤 Marie: /myreports")
            out("\n=== end of the demo: every message above went through the real webhook, inbox,"
                " outbox and a fake Telegram on loopback ===")
    await api.stop()
    return api


def main() -> None:
    asyncio.run(run_demo())
