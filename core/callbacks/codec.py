"""What every button family shares: the 64-byte limit, ids checked before any query."""

from __future__ import annotations

from core.telegram_format import CALLBACK_DATA_BYTES
from storage.types import ROW_ID_MAX

__all__ = [
    "MAX_BYTES",
    "ROW_ID_MAX",
    "CallbackError",
    "fit",
    "is_id",
    "parse_id",
    "parse_user_id",
]

#: Telegram user ids fit in 52 bits (BigInteger columns hold them).
USER_ID_MAX = 2**52

MAX_BYTES = CALLBACK_DATA_BYTES


class CallbackError(ValueError):
    """Callback data that is not ours, or not of the expected shape."""


def fit(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise CallbackError(f"callback data over {MAX_BYTES} bytes")
    return data


def is_id(s: str) -> bool:
    """Only ASCII digits (``str.isdigit`` also takes "²" or "١", which ``int`` refuses or reads),
    and a number that fits the id columns (int4 on PostgreSQL: a larger one would make the query
    fail, and be taken for the update's fault only after retries)."""
    return s.isascii() and s.isdigit() and len(s) <= 10 and int(s) <= ROW_ID_MAX


def parse_id(s: str) -> int:
    if not is_id(s):
        raise CallbackError(f"not an id: {s!r}")
    return int(s)


def parse_user_id(s: str) -> int:
    """A Telegram user id: ASCII digits, positive, within what Telegram hands out."""
    if not (s.isascii() and s.isdigit() and len(s) <= 16) or not 0 < int(s) < USER_ID_MAX:
        raise CallbackError(f"not a user id: {s!r}")
    return int(s)
