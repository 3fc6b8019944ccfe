"""Build Telegram updates as residents and agents would send them, and post them to the
webhook over HTTP. Used by the demo, the end-to-end tests and the benchmarks."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.inbox.webhook import SECRET_HEADER


@dataclass
class Person:
    user_id: int
    first_name: str
    language_code: str = "fr"

    @property
    def user(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }


@dataclass
class UpdateFactory:
    """Numbers updates and messages like Telegram does (increasing ids)."""

    update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(10_000))
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(50_000))

    def _message(self, who: Person, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        return {
            "update_id": next(self.update_ids),
            "message": {
                "message_id": next(self.message_ids),
                "date": int(time.time()),
                "chat": chat,
                "from": who.user,
                **content,
            },
        }

    @staticmethod
    def private(who: Person) -> dict[str, Any]:
        return {"id": who.user_id, "type": "private", "first_name": who.first_name}

    @staticmethod
    def group(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "type": "supergroup", "title": "Agents"}

    def text(
        self, who: Person, text: str, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            cmd = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(cmd)}]
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        return self._message(who, self.private(who), **content)

    def group_text(
        self, who: Person, chat_id: int, text: str, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            cmd = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(cmd)}]
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        return self._message(who, self.group(chat_id), **content)

    def location(self, who: Person, lat: float, lon: float) -> dict[str, Any]:
        return self._message(who, self.private(who), location={"latitude": lat, "longitude": lon})

    def photo(self, who: Person, file_id: str, caption: str | None = None) -> dict[str, Any]:
        sizes = [
            {
                "file_id": f"{file_id}-s",
                "file_unique_id": f"{file_id}u-s",
                "width": 90,
                "height": 90,
            },
            {"file_id": file_id, "file_unique_id": f"{file_id}u", "width": 1280, "height": 960},
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self._message(who, self.private(who), **content)

    def sticker(self, who: Person) -> dict[str, Any]:
        sticker = {
            "file_id": "stk",
            "file_unique_id": "stku",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return self._message(who, self.private(who), sticker=sticker)

    def press(
        self, who: Person, chat: dict[str, Any], message_id: int, data: str
    ) -> dict[str, Any]:
        return {
            "update_id": next(self.update_ids),
            "callback_query": {
                "id": str(next(self.update_ids)),
                "from": who.user,
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": chat,
                    "from": {"id": 999000, "is_bot": True, "first_name": "Sens Commun"},
                    "text": "…",
                },
            },
        }


async def post_update(
    session: aiohttp.ClientSession, url: str, secret: str, update: dict[str, Any]
) -> int:
    """POST one update to the webhook like Telegram does; returns the HTTP status."""
    async with session.post(url, json=update, headers={SECRET_HEADER: secret}) as resp:
        await resp.read()
        return resp.status


class Story:
    """Drives a running app over its webhook, as Telegram would, and waits for the effects."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        url: str,
        secret: str,
        api: Any,
        settle: Callable[[], Awaitable[None]],
    ) -> None:
        self.http, self.url, self.secret, self.api, self.settle = http, url, secret, api, settle
        self.updates = UpdateFactory()

    async def post(self, update: dict[str, Any]) -> int:
        status = await post_update(self.http, self.url, self.secret, update)
        await self.settle()
        return status

    async def say(self, who: Person, text: str, reply_to: int | None = None) -> int:
        ref = None
        if reply_to is not None:
            ref = {
                "message_id": reply_to,
                "date": 0,
                "chat": self.updates.private(who),
                "text": "…",
            }
        return await self.post(self.updates.text(who, text, reply_to=ref))

    async def press(self, who: Person, chat_id: int, prefix: str) -> int:
        message_id, data = self.api.button(chat_id, prefix)
        chat = self.updates.private(who) if chat_id > 0 else self.updates.group(chat_id)
        return await self.post(self.updates.press(who, chat, message_id, data))

    async def agent_reply(self, who: Person, chat_id: int, message_id: int, text: str) -> int:
        ref = {
            "message_id": message_id,
            "date": 0,
            "chat": self.updates.group(chat_id),
            "text": "…",
        }
        return await self.post(self.updates.group_text(who, chat_id, text, reply_to=ref))


async def wait_healthy(
    http: aiohttp.ClientSession,
    url: str,
    proc: asyncio.subprocess.Process | None = None,
    within: float = 60.0,
) -> None:
    """Poll a starting process's /health until it answers 200 (or it exits, or time runs out)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if proc is not None and proc.returncode is not None:
            raise RuntimeError(f"the process exited early ({proc.returncode})")
        try:
            async with http.get(url) as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{url} never answered 200")
