"""One sendMessage body for every sender: the JSON fast path posts exactly what PTB would."""

from __future__ import annotations

from typing import Any, cast

from telegram.ext import ExtBot

from bot.aiohttp_request import AiohttpRequest
from bot.outbox.calls import send_row
from core.conversation.prompts import Reply
from core.deps import Deps
from handlers.render import inline, inline_keyboard, json_transport, send_replies
from storage.enums import OutboxKind, OutboxPurpose
from storage.outbox import Claimed
from storage.outbox_payload import OutboxPayload
from tests.handlers.conftest import RecordingRequest


class JsonRequest(RecordingRequest):
    """Records as PTB's path does, and has the app's JSON fast path."""

    posted = 0

    async def post_json(self, url: str, params: dict[str, Any]) -> Any:
        method = url.rsplit("/", 1)[-1]
        self.calls.append((method, params))
        self.posted += 1
        return self._answers._result(method, params)


def test_the_fast_path_is_found_on_the_apps_transport_only() -> None:
    assert json_transport(ExtBot("123:test", request=AiohttpRequest())) is not None
    assert json_transport(ExtBot("123:test", request=RecordingRequest())) is None


def test_inline_buttons_as_json_are_ptbs() -> None:
    rows = [[("Oui", "q:y:1"), ("Non", "q:n:1")], [("Plus tard", "q:l:1")]]
    markup = inline(rows)
    assert markup is not None and inline_keyboard(rows) == markup.to_dict()
    assert inline_keyboard([]) is None


async def _both(send: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    slow, fast = RecordingRequest(), JsonRequest()
    async with ExtBot("123:test", request=slow) as a, ExtBot("123:test", request=fast) as b:
        await send(a)
        await send(b)
    assert fast.posted == len(fast.sent())  # all on the fast path
    return slow.sent(), fast.sent()


async def test_a_reply_is_the_same_on_both_paths() -> None:
    replies = [
        Reply("<b>Réglé ?</b>", buttons=[[("Oui", "q:y:1")]]),
        Reply("Merci &amp; à bientôt"),
    ]
    slow, fast = await _both(lambda bot: send_replies(bot, 71, replies, "Position"))
    assert len(fast) == 2 and fast == slow


async def test_an_outbox_message_is_the_same_on_both_paths() -> None:
    deps = cast(Deps, None)  # a plain message looks nothing up
    for payload in (
        OutboxPayload("<i>Bonjour</i>", buttons=((("Oui", "sv:1:y"),),)),
        OutboxPayload("plain", html=False),
    ):
        row = Claimed(1, -1001, OutboxKind.MESSAGE, OutboxPurpose.NOTICE, payload, None, 1)
        slow, fast = await _both(lambda bot, row=row: send_row(bot, deps, row))
        assert len(fast) == 1 and fast == slow
