"""``[security]``: the keys that sign what the bot hands out, and the address rules."""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.config.base import Strict
from web.addresses import is_local_http

#: The shortest key accepted for a link key or the webhook's secret.
MIN_SECRET = 16


def https_or_loopback(url: str) -> str:
    """``url`` if it is ``https://``, or ``http://`` on this machine; raises otherwise."""
    if url.startswith("https://") or is_local_http(url):
        return url
    raise ValueError("must start with 'https://' ('http://' only on localhost or 127.0.0.1)")


def _long_enough(v: str) -> str:
    if len(v) < MIN_SECRET:
        raise ValueError(f"must be at least {MIN_SECRET} characters (or left out: generated)")
    return v


class SecurityConfig(Strict):
    #: Signs the report links residents share ("me too"). Left out: generated at first start
    #: and kept in the database (``senscommun secrets rotate`` makes a newer one).
    link_secret: str = ""
    #: Earlier link keys, still accepted (links already shared keep working) until removed.
    old_link_secrets: list[str] = Field(default_factory=list)

    @field_validator("link_secret")
    @classmethod
    def _link_secret(cls, v: str) -> str:
        return _long_enough(v) if v else v

    @field_validator("old_link_secrets")
    @classmethod
    def _old(cls, v: list[str]) -> list[str]:
        for key in v:
            _long_enough(key)
        return v
