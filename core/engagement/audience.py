"""Who a campaign reaches: a typed, open filter over residents.

Kept as data (``to_json``/``from_json``) in the campaign and survey rows; districts will add
a kind. Every audience skips residents who blocked the bot or have no chat; a survey's also
requires consent and honours the cap between two surveys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Select, exists, or_, select

from storage.models import Report, Resident, Subscription

Kind = Literal["all", "service_reporters", "topic"]


@dataclass(frozen=True)
class Audience:
    kind: Kind = "all"
    service: str | None = None  # for ``service_reporters``
    topic: str | None = None  # for ``topic``

    def __post_init__(self) -> None:
        if self.kind == "service_reporters" and not self.service:
            raise ValueError("a service_reporters audience needs a service")
        if self.kind == "topic" and not self.topic:
            raise ValueError("a topic audience needs a topic")

    def to_json(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in (("kind", self.kind), ("service", self.service), ("topic", self.topic))
            if v
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Audience:
        kind = raw.get("kind", "all")
        if kind not in ("all", "service_reporters", "topic"):
            raise ValueError(f"unknown audience kind {kind!r}")
        return cls(kind, raw.get("service"), raw.get("topic"))

    def describe(self) -> str:
        if self.kind == "service_reporters":
            return f"residents who reported to {self.service}"
        if self.kind == "topic":
            return f"subscribers of {self.topic}"
        return "all residents"


@dataclass(frozen=True)
class Recipient:
    resident_id: int
    chat_id: int
    language: str


def recipients_query(
    audience: Audience,
    *,
    after_id: int,
    limit: int,
    survey_cap: tuple[datetime, timedelta] | None = None,
) -> Select[int, int | None, str]:
    """The next ``limit`` recipients after resident ``after_id``, by id (so that expanding a
    campaign in batches resumes where it stopped). ``survey_cap``: (now, minimum gap): only
    residents who agreed to surveys and were not surveyed within the gap."""
    q = (
        select(Resident.id, Resident.chat_id, Resident.language)
        .where(
            Resident.id > after_id,
            Resident.chat_id.is_not(None),
            Resident.blocked_at.is_(None),
        )
        .order_by(Resident.id)
        .limit(limit)
    )
    if survey_cap is not None:
        now, gap = survey_cap
        q = q.where(
            Resident.consent_surveys.is_(True),
            or_(Resident.last_surveyed_at.is_(None), Resident.last_surveyed_at <= now - gap),
        )
    if audience.kind == "service_reporters":
        q = q.where(
            exists().where(
                Report.resident_id == Resident.id, Report.service_code == audience.service
            )
        )
    elif audience.kind == "topic":
        q = q.where(
            exists().where(
                Subscription.resident_id == Resident.id, Subscription.topic == audience.topic
            )
        )
    return q
