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

from bot.aiohttp_request import AiohttpRequest
from core.deps import Deps
from handlers.render import inline
from storage import outbox
from storage.enums import OutboxKind
from storage.outbox import Claimed


async def send_row(bot: Any, svc: Deps, row: Claimed) -> Any:
    """Make the Bot API call for ``row``; returns what Telegram answered."""
    p = row.payload
    request = bot.request
    if isinstance(request, AiohttpRequest) and plain(row):
        return await request.post_json(f"{bot.base_url}/sendMessage", plain_params(row))
    markup = inline(p.get("buttons"))
    parse = ParseMode.HTML if p.get("html") else None
    if row.kind is OutboxKind.EDIT_CARD:
        idea = p.get(outbox.IDEA_CARD)
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
        if p.get("photo"):
            return await bot.edit_message_caption(
                row.chat_id, target, caption=p["text"], parse_mode=parse, reply_markup=markup
            )
        return await bot.edit_message_text(
            p["text"],
            row.chat_id,
            target,
            parse_mode=parse,
            reply_markup=markup,
            disable_web_page_preview=True,
        )
    reply_to = None
    if p.get("reply_to_card") and row.report_id is not None:
        async with svc.sessions() as s:
            card = await outbox.card_message(s, row.report_id, row.chat_id)
        if card is not None:
            reply_to = ReplyParameters(card, allow_sending_without_reply=True)
    if p.get("photo"):
        return await bot.send_photo(
            row.chat_id,
            p["photo"],
            caption=p["text"],
            parse_mode=parse,
            reply_markup=markup,
            reply_parameters=reply_to,
        )
    return await bot.send_message(
        row.chat_id,
        p["text"],
        parse_mode=parse,
        # a prompt to reply to (a questionnaire's comment), or the buttons
        reply_markup=ForceReply() if p.get("force_reply") else markup,
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
    return row.kind is OutboxKind.MESSAGE and not (
        p.get("photo") or p.get("force_reply") or p.get("reply_to_card")
    )


def plain_params(row: Claimed) -> dict[str, Any]:
    p = row.payload
    params: dict[str, Any] = {
        "chat_id": row.chat_id,
        "text": p["text"],
        "link_preview_options": {"is_disabled": True},
    }
    if p.get("html"):
        params["parse_mode"] = ParseMode.HTML.value
    if p.get("buttons"):
        params["reply_markup"] = {
            "inline_keyboard": [
                [{"text": str(b[0]), "callback_data": str(b[1])} for b in line]
                for line in p["buttons"]
            ]
        }
    return params


def looks_up_a_card(row: Claimed) -> bool:
    return row.kind is OutboxKind.EDIT_CARD or bool(row.payload.get("reply_to_card"))


class NotYet(Exception):
    """An edit whose card has not been delivered yet: try again shortly."""
