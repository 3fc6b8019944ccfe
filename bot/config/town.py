"""A town's own services for the classifier: ``[services.match]`` and ``nlp.mapping``.

The classifier learnt the built-in catalogue (``nlp.types.DEFAULT_SERVICES``). A service the
town adds (snow clearing, cemeteries, markets...) receives its messages from the words and
example sentences it is given here, without retraining; ``nlp.mapping`` renames or merges
built-in services into the town's codes.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from bot.config.base import Strict
from nlp.types import DEFAULT_SERVICES, LANGUAGES


class ServiceMatch(Strict):
    #: Words that mean this service only, per language (matched on stems: "déneiger" also
    #: finds "déneigée").
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    #: A few sentences residents would write about it, per language (three are enough).
    examples: dict[str, list[str]] = Field(default_factory=dict)
    #: A built-in service it is carved out of (a split): it wins over that one only.
    within: str | None = None

    @field_validator("keywords", "examples")
    @classmethod
    def _languages(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(v) - set(LANGUAGES))
        if unknown:
            raise ValueError(f"unknown language {unknown[0]!r} (expected {', '.join(LANGUAGES)})")
        return v

    @field_validator("within")
    @classmethod
    def _built_in(cls, v: str | None) -> str | None:
        if v is not None and v not in DEFAULT_SERVICES:
            raise ValueError(f"{v!r} is not a built-in service ({', '.join(DEFAULT_SERVICES)})")
        return v


def check_mapping(mapping: dict[str, str], codes: list[str]) -> None:
    """``nlp.mapping``: built-in codes to the town's configured codes."""
    for source, target in mapping.items():
        if source not in DEFAULT_SERVICES:
            raise ValueError(f"nlp.mapping: {source!r} is not a built-in service")
        if target not in codes:
            raise ValueError(f"nlp.mapping.{source}: {target!r} is not a configured service")


def town_rows(services: list[Any]) -> list[dict[str, Any]]:
    """The ``[[services]]`` that declare how to recognise them, as ``nlp.town`` reads them."""
    return [{"code": s.code, **s.match.model_dump()} for s in services if s.match is not None]
