"""What every button family shares: the 64-byte limit, ids checked before any query, and the
one rule of who may press what.

The rule, for every family: Telegram echoes callback data untouched, so anyone can forge any
of it. A button that names the presser's own object (her draft, the questionnaire she was
asked, the survey round sent to her chat) or an object open to all (a published idea) is
checked on the server by the use case it leads to (the draft is hers, the row was sent to
her chat, she is an agent of that service). A button that names *another resident's* object,
which the server cannot tie to the presser ("me too" on a report opened from its shared
link), carries a signature (:func:`sign`) made with the link key, checked before the use case
runs: only buttons the bot handed out can be pressed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

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
    "sign",
    "signed_ok",
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


#: Characters of a button's signature (base64url: 60 bits, far beyond guessing).
SIGNATURE_CHARS = 10


def sign(secret: bytes, data: str) -> str:
    """The signature of a button's data (its family's prefix included, so a signature made for
    one family is worth nothing in another)."""
    mac = hmac.new(secret, b"button:" + data.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:SIGNATURE_CHARS]


def signed_ok(secret: bytes, data: str, signature: str) -> bool:
    return hmac.compare_digest(signature.encode(), sign(secret, data).encode())
