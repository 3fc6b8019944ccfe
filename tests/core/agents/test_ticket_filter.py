"""The list's filter, on its own: what a search reads as a reference, which services an agent
may pick, and the tickets a filter keeps (the web tests go through the page)."""

from __future__ import annotations

import pytest

from core.actors import NotAllowed
from core.agents import dashboard
from core.agents.access import Agent
from core.agents.ticket_filter import TicketFilter, reference
from core.deps import Deps
from storage.enums import ReportStatus
from tests.conftest import WATER_AGENT
from tests.web.conftest import report, resident, set_status

PAUL = Agent(WATER_AGENT, "Paul", "fr", ("water",))


def test_a_search_is_a_reference_only_when_it_is_one() -> None:
    assert reference("123") == 123 and reference(" #42 ") == 42
    for words in ("", "#", "12a", "rue 12", "0", "٣", "9999999999"):
        assert reference(words) is None, words


def test_an_agent_picks_among_their_own_services_only() -> None:
    assert TicketFilter().services(PAUL) == ["water"]
    assert TicketFilter(service="water").services(PAUL) == ["water"]
    with pytest.raises(NotAllowed) as err:
        TicketFilter(service="roads").services(PAUL)
    assert err.value.key == "agent.not_allowed"


async def test_the_map_keeps_the_open_tickets_the_filter_matches(svc: Deps) -> None:
    marie = await resident(svc, 1001)
    a = await report(svc, marie, "Fuite rue A", lat=45.0, lon=4.0)
    b = await report(svc, marie, "Fuite rue B", lat=45.1, lon=4.1)
    await set_status(svc, b, ReportStatus.RESOLVED)
    c = await report(svc, marie, "Fuite rue C")
    async with svc.sessions() as s:
        every = await dashboard.tickets(s, PAUL, TicketFilter(statuses=frozenset(ReportStatus)))
        only_a = await dashboard.tickets(s, PAUL, TicketFilter(search="rue A"))
    assert {x.report.id for x in every.tickets} == {a, b, c} and every.total == 3
    assert [p.id for p in every.pins] == [a]  # open, with a place
    assert [x.report.id for x in only_a.tickets] == [a] and [p.id for p in only_a.pins] == [a]
