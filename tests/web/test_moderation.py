"""Moderation from the dashboard: an agent hides a report's text; Open311 and the shared link
stop showing it, the agents still see it, and an audit line says who."""

from __future__ import annotations

from sqlalchemy import select

from core.deps import Deps
from core.reports import metoo
from storage.models import AuditLine
from tests.conftest import ROADS_AGENT, WATER_AGENT
from tests.core.engagement.test_questionnaire import resident as other_resident
from tests.web.conftest import report, resident, serve
from tests.web.test_dashboard import SITE, log_in, shown
from tests.web.test_open311 import get


async def test_an_agent_hides_a_reports_text_from_every_public_output(svc: Deps) -> None:
    marie = await resident(svc, 1001, "Marie")
    rid = await report(
        svc, marie, "Mon voisin Jean Dupont jette ses ordures ici", address="3 rue X"
    )
    _, before, _ = await get(svc, f"/open311/v2/requests/{rid}.json", descriptions=True)
    assert "Dupont" in before[0]["description"] and before[0]["address"] == "3 rue X"

    async with serve(svc, **SITE) as client:
        csrf = await log_in(client, svc, ROADS_AGENT)  # not an agent of water: refused
        refused = await client.post(
            f"/dashboard/tickets/{rid}", data={"csrf": csrf, "action": "hidet"}
        )
        assert refused.status == 403
    async with serve(svc, **SITE) as client:
        csrf = await log_in(client, svc, WATER_AGENT)
        done = await client.post(
            f"/dashboard/tickets/{rid}", data={"csrf": csrf, "action": "hidet"}
        )
        assert done.status == 200 and "Dupont" in await shown(done)  # agents still read it

    _, after, _ = await get(svc, f"/open311/v2/requests/{rid}.json", descriptions=True)
    assert "description" not in after[0] and "address" not in after[0]
    async with svc.sessions() as s:
        john = await other_resident(s, svc, 72)
        seen = await metoo.show(s, svc, john, rid)
        lines = (await s.scalars(select(AuditLine))).all()
    assert "Dupont" not in seen.text and "retiré par la mairie" in seen.text
    assert [(a.actor_telegram_id, a.action, a.target) for a in lines] == [
        (WATER_AGENT, "hide_text", f"report:{rid}")
    ]
