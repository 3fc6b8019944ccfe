"""Button presses: decode the callback data, or refuse a forged or stale press politely."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any, TypeVar

from telegram import CallbackQuery, Update
from telegram.constants import ChatType

from core.callbacks import CallbackError
from handlers.context import Ctx

T = TypeVar("T")
Press = Callable[[Update, Ctx], Coroutine[Any, Any, None]]


def decode_or_refuse(
    ctx: Ctx, q: CallbackQuery, decode: Callable[[str], T], refusal: str
) -> T | None:
    """The decoded press, or None after a pop-up saying the button is no longer valid."""
    try:
        return decode(q.data or "")
    except CallbackError:
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return None


def in_private(press: Press) -> Press:
    """A resident's button, only ever sent in their private chat: pressed anywhere else (a
    forged or stray press in a group), it is refused before the presser is taken for a
    resident writing from that chat (their notices and files would go to the group)."""

    @wraps(press)
    async def guarded(update: Update, ctx: Ctx) -> None:
        q, chat = update.callback_query, update.effective_chat
        if q is not None and (chat is None or chat.type != ChatType.PRIVATE):
            refusal = ctx.deps.texts.get(ctx.deps.lang, "report.stale_button")
            ctx.later(lambda: q.answer(refusal, show_alert=True))
            return
        await press(update, ctx)

    return guarded
