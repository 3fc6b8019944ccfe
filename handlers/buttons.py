"""Button presses: decode the callback data, or refuse a forged or stale press politely."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from telegram import CallbackQuery

from core.callbacks import CallbackError
from handlers.context import Ctx

T = TypeVar("T")


def decode_or_refuse(
    ctx: Ctx, q: CallbackQuery, decode: Callable[[str], T], refusal: str
) -> T | None:
    """The decoded press, or None after a pop-up saying the button is no longer valid."""
    try:
        return decode(q.data or "")
    except CallbackError:
        ctx.later(lambda: q.answer(refusal, show_alert=True))
        return None
