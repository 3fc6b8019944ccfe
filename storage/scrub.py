"""The one place secrets are removed from a text before it is stored or logged (an error's
message may quote a URL that holds the bot token, or the token itself).

What is removed: anything shaped like a Bot API token (``<digits>:<35 characters>``), and every
value registered at start (the configured token, whatever its shape, and the webhook secret)."""

from __future__ import annotations

import logging
import re

MASK = "***"
#: A Bot API token: the bot's id, a colon, then 30 or more characters (35 today).
_TOKEN = re.compile(r"(?<![0-9])[0-9]{3,}:[A-Za-z0-9_-]{30,}")
#: Stored error texts are cut to this length.
ERROR_CHARS = 500
_known: set[str] = set()


def register(secret: str) -> None:
    """Remove ``secret`` from every text scrubbed from now on (short values are ignored: a
    two-character "secret" would mask half of every text)."""
    if len(secret) >= 8:
        _known.add(secret)


def scrub(text: str) -> str:
    """``text`` without any secret in it."""
    for secret in sorted(_known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return _TOKEN.sub(MASK, text)


def error_text(text: str) -> str:
    """An error's text fit to store: scrubbed and cut."""
    return scrub(text)[:ERROR_CHARS]


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs each record's final message (its arguments included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: left to the handler, which reports it
            return True
        clean = scrub(message)
        if clean != message or record.exc_info or record.exc_text:
            record.msg, record.args = clean, None
            if record.exc_info and record.exc_text is None:
                record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            elif record.exc_text:
                record.exc_text = scrub(record.exc_text)
            record.exc_info = None
        return True


def install(handler: logging.Handler) -> None:
    """Scrub everything ``handler`` writes."""
    handler.addFilter(ScrubFilter())
