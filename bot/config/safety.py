"""``[[emergency]]``: the numbers a resident sees first when someone may be in danger;
``[limits]``: how much one resident may ask of the town's services.

A town lists its own (label per language, and the number); without a list, the numbers of
``bot.country`` apply. Every number is shown before any other question of the report.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from bot.config.base import Strict, in_every_language

_NUMBER = re.compile(r"^\+?[0-9][0-9 .-]{1,18}$")


class EmergencyConfig(Strict):
    number: str
    label: dict[str, str]

    @field_validator("number")
    @classmethod
    def _dialable(cls, v: str) -> str:
        if not _NUMBER.match(v):
            raise ValueError(f"{v!r} is not a phone number (digits, spaces, dots, dashes)")
        return v

    @field_validator("label")
    @classmethod
    def _labelled(cls, v: dict[str, str]) -> dict[str, str]:
        return in_every_language(v, "a label")


def _n(number: str, fr: str, en: str) -> EmergencyConfig:
    return EmergencyConfig(number=number, label={"fr": fr, "en": en})


#: The emergency numbers by country (ISO 3166 code), most general first.
BY_COUNTRY: dict[str, tuple[EmergencyConfig, ...]] = {
    "FR": (
        _n("112", "urgences", "emergency"),
        _n("15", "SAMU", "ambulance"),
        _n("17", "police", "police"),
        _n("18", "pompiers", "fire brigade"),
    ),
    "BE": (_n("112", "urgences", "emergency"), _n("101", "police", "police")),
    "CH": (
        _n("112", "urgences", "emergency"),
        _n("144", "ambulance", "ambulance"),
        _n("117", "police", "police"),
        _n("118", "pompiers", "fire brigade"),
    ),
    "LU": (_n("112", "urgences", "emergency"), _n("113", "police", "police")),
    "CA": (_n("911", "urgences", "emergency"),),
    "US": (_n("911", "urgences", "emergency"),),
    "GB": (_n("999", "urgences", "emergency"), _n("112", "urgences", "emergency")),
    "IE": (_n("112", "urgences", "emergency"), _n("999", "urgences", "emergency")),
    "AU": (
        _n("000", "urgences", "emergency"),
        _n("112", "urgences (mobile)", "emergency (mobile)"),
    ),
    "NZ": (_n("111", "urgences", "emergency"),),
    "IN": (_n("112", "urgences", "emergency"),),
}
#: Where the country is not listed: 112 works from mobiles in most of the world.
FALLBACK = (_n("112", "urgences", "emergency"),)


def emergency_numbers(listed: list[EmergencyConfig], country: str) -> tuple[EmergencyConfig, ...]:
    """The town's own list, else its country's numbers."""
    return tuple(listed) or BY_COUNTRY.get(country.upper(), FALLBACK)


class LimitsConfig(Strict):
    """Per resident: reports sent per hour (a report over it stays a draft, sent later), and
    messages per minute (a message over it is answered, not read). Zero: no limit."""

    reports_per_hour: int = Field(default=6, ge=0)
    messages_per_minute: int = Field(default=20, ge=0)
