"""A fake Telegram Bot API server on loopback, for the demo, the tests and the benchmarks.

It answers the methods Sens Commun uses with plausible results, records every call, serves
file downloads, hands out queued updates to ``getUpdates``, and can enforce rate limits by
answering 429 with ``retry_after`` like the real one.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Sens Commun", "username": "senscommun_bot"}
INT_FIELDS = {"chat_id", "message_id", "reply_to_message_id", "offset", "timeout", "limit"}
BOOL_FIELDS = {"show_alert", "disable_web_page_preview", "disable_notification"}
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "entities",
    "caption_entities",
    "reply_parameters",
    "scope",
}
BLOCKED = "Forbidden: bot was blocked by the user"
PHOTO_BYTES = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")  # a tiny JPEG


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    result: Any = None


@dataclass
class RateLimit:
    """Telegram's limits, enforced when set: 429 with retry_after past them."""

    per_second: float = 30.0
    per_chat_interval: float = 1.0
    retry_after: int = 1
    clock: Callable[[], float] = time.monotonic
    _stamps: deque[float] = field(default_factory=deque)
    _chat_last: dict[str, float] = field(default_factory=dict)

    def check(self, chat: str | None, now: float) -> bool:
        while self._stamps and now - self._stamps[0] >= 1.0:
            self._stamps.popleft()
        if len(self._stamps) >= self.per_second:
            return False
        if chat is not None and now - self._chat_last.get(chat, -1e9) < self.per_chat_interval:
            return False
        self._stamps.append(now)
        if chat is not None:
            self._chat_last[chat] = now
        return True


class FakeBotApi:
    def __init__(self, token: str = "0:demo", rate_limit: RateLimit | None = None) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: deque[dict[str, Any]] = deque()
        self.rate_limit = rate_limit
        self.throttled = 0
        self.blocked: set[int] = set()  # chats whose user blocked the bot (403)
        self.gone: set[int] = set()  # chats that no longer exist (400 "chat not found")
        self.files: list[bytes] = []  # uploaded files (sendDocument, sendPhoto), in order
        #: (chat, message id) of the photos sent: Telegram refuses a text edit of those.
        self.photo_messages: set[tuple[str, int]] = set()
        self.fail_next: dict[str, int] = defaultdict(int)  # method -> number of 500s to answer
        self.throttle_next: dict[str, int] = defaultdict(int)  # method -> number of 429s
        self._message_ids: dict[str, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.on_call: Callable[[Call], None] | None = None
        self.hold: asyncio.Event | None = None  # when set and unset: calls wait for it to answer
        #: An outage of the Bot API: "502" answers every call with a Bad Gateway (a proxy's
        #: HTML page, as Telegram's front does), "hang" answers nothing until the outage ends.
        #: Calls refused either way are counted in ``refused``, never recorded as made.
        self.outage: str | None = None
        self.refused = 0
        self.outage_over = asyncio.Event()  # set by ``end_outage``: hanging calls answer 502

    # --- server -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self, port: int = 0) -> None:
        app = web.Application(client_max_size=50_000_000)
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # --- inspection ---------------------------------------------------------------------

    def of(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method
            and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def texts(self, chat_id: int) -> list[str]:
        """What a chat was shown: new messages, photo captions and edits, in order."""
        out = []
        for c in self.calls:
            if str(c.params.get("chat_id")) != str(chat_id):
                continue
            if c.method in ("sendMessage", "editMessageText"):
                out.append(str(c.params.get("text", "")))
            elif c.method in ("sendPhoto", "editMessageCaption"):
                out.append(str(c.params.get("caption", "")))
        return out

    async def wait_for(self, predicate: Callable[[FakeBotApi], bool], within: float = 10.0) -> None:
        """Wait until ``predicate`` holds (checked after every call); fail after ``within`` s."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self)), within)

    def last_buttons(self, chat_id: int) -> list[list[dict[str, Any]]]:
        """The inline keyboard of the last message or edit with one, in ``chat_id``."""
        for c in reversed(self.calls):
            if str(c.params.get("chat_id")) == str(chat_id) and c.method != "answerCallbackQuery":
                markup = c.params.get("reply_markup")
                if isinstance(markup, dict) and "inline_keyboard" in markup:
                    return list(markup["inline_keyboard"])
        return []

    def last_message_id(self, chat_id: int) -> int:
        """The id of the last message we sent to ``chat_id``."""
        for c in reversed(self.calls):
            if c.method in ("sendMessage", "sendPhoto") and str(c.params.get("chat_id")) == str(
                chat_id
            ):
                return int(c.result["message_id"])
        raise LookupError(f"nothing was sent to {chat_id}")

    def button(self, chat_id: int, prefix: str) -> tuple[int, str]:
        """The (message id, callback data) of the newest button in ``chat_id`` whose data
        starts with ``prefix``, as a person would find it on screen."""
        for c in reversed(self.calls):
            if str(c.params.get("chat_id")) != str(chat_id):
                continue
            markup = c.params.get("reply_markup")
            if not isinstance(markup, dict):
                continue
            for row in markup.get("inline_keyboard", []):
                for b in row:
                    if str(b.get("callback_data", "")).startswith(prefix):
                        mid = c.result["message_id"] if isinstance(c.result, dict) else 0
                        return int(c.params.get("message_id") or mid), str(b["callback_data"])
        raise LookupError(f"no button {prefix!r} in {chat_id}")

    # --- the API ------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data = await request.json()
            return dict(data) if isinstance(data, dict) else {}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str):
                if key in JSON_FIELDS:
                    params[key] = json.loads(value)
                elif key in INT_FIELDS and value.lstrip("-").isdigit():
                    params[key] = int(value)
                elif key in BOOL_FIELDS:
                    params[key] = value.lower() == "true"
                else:
                    params[key] = value
            else:
                params[key] = "<file>"
                raw = value if isinstance(value, bytes | bytearray) else value.file.read()
                self.files.append(bytes(raw))
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if self.outage is not None:
            return await self._outage()
        if self.fail_next[method] > 0:
            self.fail_next[method] -= 1
            return web.json_response(
                {"ok": False, "error_code": 500, "description": "Internal Server Error"}, status=500
            )
        if self.throttle_next[method] > 0:
            self.throttle_next[method] -= 1
            self.throttled += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        chat = str(params["chat_id"]) if "chat_id" in params else None
        if chat is not None and not chat.lstrip("-").isdigit():  # as Telegram answers it
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
                status=400,
            )
        if chat is not None and method.startswith("send") and int(chat) in self.blocked:
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                },
                status=403,
            )
        if chat is not None and method.startswith("send") and int(chat) in self.gone:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
                status=400,
            )
        limit = self.rate_limit
        if limit and method.startswith("send") and not limit.check(chat, limit.clock()):
            self.throttled += 1
            ra = limit.retry_after
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {ra}",
                    "parameters": {"retry_after": ra},
                },
                status=429,
            )
        if (
            method == "editMessageText"
            and (chat, int(params.get("message_id") or 0)) in self.photo_messages
        ):
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: there is no text in the message to edit",
                },
                status=400,
            )
        if method == "getUpdates":
            result: Any = [self.updates.popleft() for _ in range(len(self.updates))]
            if not result:
                await asyncio.sleep(0.05)
        else:
            result = self._result(method, params)
        if method == "sendPhoto" and chat is not None:
            self.photo_messages.add((chat, int(result["message_id"])))
        call = Call(method, params, time.monotonic(), result)
        self.calls.append(call)
        if self.on_call:
            self.on_call(call)
        async with self._changed:
            self._changed.notify_all()
        if self.hold is not None:
            await self.hold.wait()
        return web.json_response({"ok": True, "result": result})

    def end_outage(self) -> None:
        self.outage = None
        self.outage_over.set()

    async def _outage(self) -> web.Response:
        self.refused += 1
        if self.outage == "hang":  # the client gives up first (its read timeout)
            self.outage_over.clear()
            await self.outage_over.wait()
        return web.Response(status=502, text="<html>502 Bad Gateway</html>")

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = params.get("chat_id", 0)
        chat_type = "private" if str(chat_id).lstrip("-") == str(chat_id) else "supergroup"
        msg = {
            "message_id": next(self._message_ids[str(chat_id)]),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": chat_type},
            "from": BOT_USER,
        }
        msg.update(extra)
        return msg

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        match method:
            case "getMe":
                return BOT_USER
            case "sendMessage":
                return self._message(params, text=params.get("text", ""))
            case "sendDocument":
                doc = {"file_id": "doc", "file_unique_id": "docu", "file_name": "data.json"}
                return self._message(params, document=doc, caption=params.get("caption", ""))
            case "sendPhoto":
                photo = [
                    {
                        "file_id": str(params.get("photo")),
                        "file_unique_id": "u",
                        "width": 1,
                        "height": 1,
                    }
                ]
                return self._message(params, photo=photo, caption=params.get("caption", ""))
            case "editMessageText" | "editMessageCaption" | "editMessageReplyMarkup":
                if "inline_message_id" in params:
                    return True
                msg = self._message(params, text=params.get("text", ""))
                msg["message_id"] = int(params.get("message_id", 0))
                return msg
            case "getFile":
                fid = str(params.get("file_id"))
                return {
                    "file_id": fid,
                    "file_unique_id": fid[-8:],
                    "file_size": len(PHOTO_BYTES),
                    "file_path": f"photos/{fid}.jpg",
                }
            case _:
                return True

    async def _file(self, request: web.Request) -> web.Response:
        return web.Response(body=PHOTO_BYTES, content_type="image/jpeg")
