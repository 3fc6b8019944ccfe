"""How an outbox row becomes a Bot API call: plain messages as JSON on the transport's fast
path, photos, replies to a card, edits of a card (found through the outbox)."""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

from telegram import ForceReply, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

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
        if target is None:
            if pending:
                raise NotYet("the card is not sent yet")
            return None  # no card to edit (never had one): nothing to do
        if p.photo:
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


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` is an int today and a timedelta in PTB's next major version."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        ra: int | timedelta = exc.retry_after
    return ra.total_seconds() if isinstance(ra, timedelta) else float(ra)


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
