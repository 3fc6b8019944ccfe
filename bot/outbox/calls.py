"""How an outbox row becomes a Bot API call: plain messages as JSON on the transport's fast
path, photos, replies to a card, edits of a card (found through the outbox)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import ForceReply, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import TelegramError

from core.deps import Deps
from handlers.render import (
    inline,
    inline_keyboard,
    json_transport,
    post_message,
    send_message_params,
)
from storage import outbox
from storage.enums import OutboxKind
from storage.outbox import Claimed

log = logging.getLogger(__name__)


async def send_row(bot: Any, svc: Deps, row: Claimed) -> Any:
    """Make the Bot API call for ``row``; returns what Telegram answered."""
    p = row.payload
    if plain(row):
        transport = json_transport(bot)
        if transport is not None:
            return await post_message(transport, bot, plain_params(row))
    markup = inline(p.buttons)
    parse = ParseMode.HTML if p.html else None
    if row.kind is OutboxKind.EDIT_CARD:
        idea = p.idea_card
        assert row.report_id is not None or idea is not None
        async with svc.sessions() as s:
            target = await outbox.card_message(s, row.report_id, row.chat_id, idea)
            pending = target is None and await outbox.card_pending(
                s, row.report_id, row.chat_id, idea
            )
            lost = (
                target is None
                and not pending
                and await outbox.card_lost(s, row.report_id, row.chat_id, idea)
            )
        if target is None and pending:
            raise NotYet("the card is not sent yet")
        if target is None and lost:  # the card was given up: this edit sends it, as it is now
            return await _send(bot, row, markup, parse, None)
        if target is None:
            return None  # no card to edit (never had one): nothing to do
        if p.photo or p.caption_only:
            return await bot.edit_message_caption(
                row.chat_id, target, caption=p.text, parse_mode=parse, reply_markup=markup
            )
        return await bot.edit_message_text(
            p.text,
            row.chat_id,
            target,
            parse_mode=parse,
            reply_markup=markup,
            disable_web_page_preview=True,
        )
    reply_to = None
    if p.reply_to_card and row.report_id is not None:
        async with svc.sessions() as s:
            card = await outbox.card_message(s, row.report_id, row.chat_id)
        if card is not None:
            reply_to = ReplyParameters(card, allow_sending_without_reply=True)
    return await _send(bot, row, markup, parse, reply_to)


async def _send(bot: Any, row: Claimed, markup: Any, parse: ParseMode | None, reply_to: Any) -> Any:
    p = row.payload
    if p.photo:
        return await bot.send_photo(
            row.chat_id,
            p.photo,
            caption=p.text,
            parse_mode=parse,
            reply_markup=markup,
            reply_parameters=reply_to,
        )
    return await bot.send_message(
        row.chat_id,
        p.text,
        parse_mode=parse,
        # a prompt to reply to (a questionnaire's comment), or the buttons
        reply_markup=ForceReply() if p.force_reply else markup,
        disable_web_page_preview=True,
        reply_parameters=reply_to,
    )


def plain(row: Claimed) -> bool:
    """A text message with at most inline buttons: sent without building PTB objects."""
    p = row.payload
    return row.kind is OutboxKind.MESSAGE and not (p.photo or p.force_reply or p.reply_to_card)


def plain_params(row: Claimed) -> dict[str, Any]:
    """The sendMessage body of a :func:`plain` row."""
    p = row.payload
    keyboard = inline_keyboard(p.buttons or ())
    return send_message_params(row.chat_id, p.text, html=p.html, reply_markup=keyboard)


def looks_up_a_card(row: Claimed) -> bool:
    return row.kind is OutboxKind.EDIT_CARD or row.payload.reply_to_card


class NotYet(Exception):
    """An edit whose card has not been delivered yet: try again shortly."""


def message_id_of(msg: Any) -> int | None:
    """The id of the message Telegram answered with (a PTB ``Message`` or the fast path's
    dict), if any."""
    if isinstance(msg, Message):
        return msg.message_id
    if isinstance(msg, dict) and isinstance(msg.get("message_id"), int):
        return int(msg["message_id"])
    return None


async def pin(bot: Any, chat_id: int, message_id: int, on: bool) -> None:
    """Pin (``on``) or unpin a card: best effort, the bot may lack the right in that group."""
    try:
        if on:
            await bot.pin_chat_message(chat_id, message_id, disable_notification=False)
        else:
            await bot.unpin_chat_message(chat_id, message_id)
    except TelegramError as exc:
        log.info("could not %s a card: %s", "pin" if on else "unpin", type(exc).__name__)
