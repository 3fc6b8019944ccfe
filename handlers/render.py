"""Turn core's plain replies and buttons into Telegram messages."""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.ext import ExtBot

from core.conversation.prompts import Reply
from core.messages import Buttons

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def inline(buttons: Buttons | list[list[list[str]]] | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(b[0]), callback_data=str(b[1])) for b in row] for row in buttons]
    )


def markup(reply: Reply, location_label: str) -> Markup | None:
    if reply.buttons:
        return inline(reply.buttons)
    if reply.ask_location:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(location_label, request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


async def send_replies(
    bot: ExtBot[None], chat_id: int, replies: list[Reply], location_label: str
) -> None:
    """Send the replies in order. On our aiohttp transport they are posted as plain JSON and
    the answers are not turned into ``Message`` objects nobody reads: building them was a tenth
    of the worker's time (as for the outbox's plain messages)."""
    # ``post_json``: the JSON fast path of the app's transport (bot.aiohttp_request); a swapped
    # transport (handler tests) has none and goes through PTB's send_message.
    post_json = getattr(bot.request, "post_json", None)
    for r in replies:
        keyboard = markup(r, location_label)
        if post_json is not None:
            params: dict[str, Any] = {
                "chat_id": chat_id,
                "text": r.text,
                "parse_mode": ParseMode.HTML.value,
                "link_preview_options": {"is_disabled": True},
            }
            if keyboard is not None:
                params["reply_markup"] = keyboard.to_dict()
            await post_json(f"{bot.base_url}/sendMessage", params)
            continue
        await bot.send_message(
            chat_id,
            r.text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            disable_web_page_preview=True,
        )
