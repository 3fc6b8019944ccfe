"""Turn core's plain replies and buttons into Telegram messages."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.ext import ExtBot

from core.outbox import Buttons
from core.prompts import Reply

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
    for r in replies:
        await bot.send_message(
            chat_id,
            r.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(r, location_label),
            disable_web_page_preview=True,
        )
