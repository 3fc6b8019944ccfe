"""Turn core's plain replies and buttons into Telegram messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, cast

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.ext import ExtBot

from core.conversation.prompts import Reply

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def inline(buttons: Sequence[Sequence[Sequence[str]]] | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(b[0]), callback_data=str(b[1])) for b in row] for row in buttons]
    )


def markup(reply: Reply, location_label: str) -> Markup | None:
    if reply.buttons:
        return inline(reply.buttons)
    if reply.ask_contact:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(reply.ask_contact, request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if reply.ask_location:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(location_label, request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


class JsonTransport(Protocol):
    """The JSON fast path of the app's transport (``bot.aiohttp_request.AiohttpRequest``)."""

    async def post_json(self, url: str, params: dict[str, Any]) -> Any: ...


def json_transport(bot: Bot) -> JsonTransport | None:
    """The bot's transport if it takes Bot API calls as plain JSON, else ``None`` (a swapped
    transport, as in the handler tests: the call then goes through PTB). At a thousand
    messages a second, building PTB objects for each message and each answer was most of the
    time spent sending."""
    request = bot.request
    return cast(JsonTransport, request) if callable(getattr(request, "post_json", None)) else None


async def post_message(transport: JsonTransport, bot: Bot, params: dict[str, Any]) -> Any:
    """sendMessage with a body from :func:`send_message_params`; returns Telegram's ``result``
    (a dict) or raises PTB's exception for an error answer."""
    return await transport.post_json(f"{bot.base_url}/sendMessage", params)


def send_message_params(
    chat_id: int, text: str, *, html: bool = True, reply_markup: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The body of a sendMessage as the Bot API takes it: link previews off, as every message
    of ours is sent (PTB's ``disable_web_page_preview=True``)."""
    params: dict[str, Any] = {
        "chat_id": chat_id,
        "text": text,
        "link_preview_options": {"is_disabled": True},
    }
    if html:
        params["parse_mode"] = ParseMode.HTML.value
    if reply_markup is not None:
        params["reply_markup"] = reply_markup
    return params


def inline_keyboard(buttons: Sequence[Sequence[tuple[str, str]]]) -> dict[str, Any] | None:
    """Inline buttons as the Bot API's JSON (what ``inline(buttons).to_dict()`` gives, without
    building PTB objects)."""
    if not buttons:
        return None
    return {
        "inline_keyboard": [
            [{"text": str(b[0]), "callback_data": str(b[1])} for b in row] for row in buttons
        ]
    }


async def send_replies(
    bot: ExtBot[None], chat_id: int, replies: list[Reply], location_label: str
) -> None:
    """Send the replies in order. On our own transport they are posted as plain JSON and the
    answers are not turned into ``Message`` objects nobody reads: building them was a tenth of
    the worker's time (as for the outbox's plain messages). Through PTB on another."""
    transport = json_transport(bot)
    for r in replies:
        keyboard = markup(r, location_label)
        if transport is not None:
            body = keyboard.to_dict() if keyboard is not None else None
            await post_message(
                transport, bot, send_message_params(chat_id, r.text, reply_markup=body)
            )
            continue
        await bot.send_message(
            chat_id,
            r.text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            disable_web_page_preview=True,
        )
