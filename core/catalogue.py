"""The configured services, who may act for them, and where their cards go."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Agent, Service

#: The town's general desk: the service where nothing else fits, and whose agents chat holds
#: the cards of services that have none of their own.
DESK = "other"


@dataclass(frozen=True)
class Open311Target:
    """A service's external Open311 endpoint (its CRM): where its new reports are posted, and
    whence their statuses are pulled back."""

    endpoint: str
    api_key: str = field(default="", repr=False)
    service_code: str = ""
    jurisdiction_id: str = ""


@dataclass(frozen=True)
class Forwarding:
    """Where a service's new reports also go, besides its agents' chat."""

    emails: tuple[str, ...] = ()
    open311: Open311Target | None = None


@dataclass(frozen=True)
class Attribute:
    """An extra question an Open311 client answers for this service (``attribute[code]``)."""

    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool
    descriptions: dict[str, str]
    #: For the lists: (key, names per language).
    values: tuple[tuple[str, dict[str, str]], ...] = ()


@dataclass(frozen=True)
class ResponseTimes:
    """How long a service's report may wait (``[response_times]``, a service's own first)."""

    acknowledge_hours: float = 48
    resolve_days: float = 14
    urgent_acknowledge_hours: float = 4
    urgent_resolve_days: float = 2

    def to_acknowledge(self, urgent: bool) -> timedelta:
        return timedelta(hours=self.urgent_acknowledge_hours if urgent else self.acknowledge_hours)

    def to_resolve(self, urgent: bool) -> timedelta:
        return timedelta(days=self.urgent_resolve_days if urgent else self.resolve_days)


@dataclass(frozen=True)
class ServiceInfo:
    code: str
    names: dict[str, str]
    agents_chat_id: int | None
    agents: frozenset[int]
    #: What the service handles, per language; Open311 keywords and group.
    descriptions: dict[str, str] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()
    group: str = ""
    forwarding: Forwarding = Forwarding()
    attributes: tuple[Attribute, ...] = ()
    times: ResponseTimes = field(default_factory=ResponseTimes)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or next(iter(self.names.values()))

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or next(iter(self.descriptions.values()), "")


class Catalogue:
    """Lookups over the configured services; built once at start-up."""

    def __init__(self, services: Iterable[ServiceInfo]) -> None:
        self._by_code = {s.code: s for s in services}

    def __iter__(self) -> Iterator[ServiceInfo]:
        return iter(self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)

    def get(self, code: str) -> ServiceInfo:
        return self._by_code.get(code) or self._by_code[DESK]

    def card_chat(self, code: str) -> int | None:
        """The agents chat that holds the cards of ``code``'s reports and ideas: its own, or
        the desk's when it has none. The one rule: a card is sent, edited and answered there."""
        return self.get(code).agents_chat_id or self.get(DESK).agents_chat_id

    def name(self, code: str, lang: str) -> str:
        return self.get(code).name(lang)

    def is_agent(self, user_id: int, code: str) -> bool:
        return user_id in self.get(code).agents

    def services_of(self, user_id: int) -> list[str]:
        """The codes of the services ``user_id`` is an agent of."""
        return [s.code for s in self if user_id in s.agents]


async def sync_catalogue(s: AsyncSession, catalogue: Catalogue) -> None:
    """Mirror the configured services and agents into their tables (reports refer to them)."""
    existing = {svc.code: svc for svc in (await s.scalars(select(Service))).all()}
    for info in catalogue:
        row = existing.get(info.code) or Service(code=info.code)
        row.name_fr, row.name_en = info.name("fr"), info.name("en")
        row.agents_chat_id, row.active = info.agents_chat_id, True
        s.add(row)
    for code, row in existing.items():
        if code not in catalogue:
            row.active = False
    await s.execute(delete(Agent))
    s.add_all(Agent(service_code=i.code, telegram_user_id=u) for i in catalogue for u in i.agents)
