"""The statistics page: one service's figures (those of /stats and survey results, from
``core.stats.results``), the town's default targets said when they apply, charts, and the
agent's own services only."""

from __future__ import annotations

from core.deps import Deps
from core.stats.results import Period, service_stats
from storage.enums import ReportStatus
from tests.conftest import WATER_AGENT, Clock
from tests.web.conftest import report, resident, serve, set_status
from tests.web.test_dashboard import SITE, log_in, shown


async def test_the_figures_and_charts_of_ones_own_service(svc: Deps, clock: Clock) -> None:
    marie = await resident(svc, 1001)
    fast = await report(svc, marie, "Fuite rapide")
    slow = await report(svc, marie, "Fuite lente")
    clock.advance(hours=2)
    await set_status(svc, fast, ReportStatus.ACKNOWLEDGED)
    clock.advance(hours=2)
    await set_status(svc, fast, ReportStatus.RESOLVED)
    clock.advance(days=3)  # past the town's 48 h: the slow one is late
    await set_status(svc, slow, ReportStatus.ACKNOWLEDGED)
    async with svc.sessions() as s:
        (st,) = await service_stats(
            s, Period.last_days(clock()), ["water"], svc.settings.min_answers
        )
    assert st.received == 2 and st.within_acknowledge == 0.5 and st.within_resolve == 1.0
    assert st.targets.town_default
    async with serve(svc, **SITE) as client:
        await log_in(client, svc, WATER_AGENT)
        resp = await client.get("/dashboard/stats")
        page = await shown(resp)
    assert resp.status == 200 and "Statistiques : Eau" in page
    figures = page.split('id="figures"')[1].split("</table>")[0]
    assert "Signalements reçus</th><td>2<" in figures
    assert "Pris en compte en moins de 2 j</th><td>50" in figures
    assert "Résolus en moins de 14 j</th><td>100" in figures
    assert 'id="town-default"' in page and "objectifs par défaut de la ville" in page
    assert page.count("<svg") >= 2 and "<script" not in page


async def test_other_services_and_strangers_see_no_figures(svc: Deps) -> None:
    async with serve(svc, **SITE) as client:
        anonymous = await client.get("/dashboard/stats")
        assert anonymous.status == 401
        await log_in(client, svc, WATER_AGENT)
        other = await client.get("/dashboard/stats", params={"service": "roads"})
        assert other.status == 403 and "<svg" not in await shown(other)
        bad = await client.get("/dashboard/stats", params={"days": "7"})
        assert bad.status == 400
        ok = await client.get("/dashboard/stats", params={"service": "water", "days": "30"})
        assert ok.status == 200
