"""What /stats says and draws, in both languages, from crafted data."""

from __future__ import annotations

import pytest

from core.deps import Deps
from core.stats import chart
from core.stats import views as stats_views
from tests.conftest import WATER_AGENT, WATER_CHAT, Clock
from tests.core.stats.data import survey, survey_round
from tests.core.stats.test_results import crafted

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def public(svc: Deps, clock: Clock, lang: str) -> stats_views.StatsMessage:
    async with svc.sessions() as s:
        return await stats_views.public(s, svc.catalogue, svc.texts, svc.settings, clock(), lang)


async def test_public_figures_in_french_and_english(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    fr, en = await public(svc, clock, "fr"), await public(svc, clock, "en")
    assert "Chiffres publics des services</b>, 90 derniers jours" in fr.text
    assert "<b>Eau</b> — signalements : 5 · résolus : 50\xa0% · délai médian : 2 j" in fr.text
    assert "satisfaction : 3,6/5" in fr.text
    assert "<b>Voirie</b> — signalements : 1 · résolus : 0\xa0% · délai médian : —" in fr.text
    assert "satisfaction : —" in fr.text and "moins de 5" in fr.text
    assert "Aucun signalement pour : Propreté" in fr.text
    assert "<b>Water</b> — reports: 5 · resolved: 50% · median time: 2 days" in en.text
    assert "satisfaction: 3.6/5" in en.text
    assert [r.label for r in en.rows] == ["Water", "Roads"]
    assert en.rows[1].satisfaction is None and en.rows[1].satisfaction_text == "not enough answers"
    assert fr.text_fits_caption and en.caption == "📊 Sens Commun, last 90 days"


async def test_the_chart_is_a_png_in_both_languages(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    for lang in ("fr", "en"):
        shown = await public(svc, clock, lang)
        png = await chart.render(shown.rows, shown.labels)
        assert png is not None and png.startswith(PNG_MAGIC), lang


async def test_nothing_to_draw_or_a_broken_renderer_gives_no_chart(
    svc: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = await public(svc, clock, "en")
    assert empty.rows == () and await chart.render(empty.rows, empty.labels) is None
    assert "No report in the last 90 days." in empty.text

    def broken(*_: object) -> bytes:
        raise RuntimeError("no font")

    await crafted(svc, clock())
    shown = await public(svc, clock, "en")
    monkeypatch.setattr(chart, "render_png", broken)
    assert await chart.render(shown.rows, shown.labels) is None


async def test_agents_detail_of_their_service(svc: Deps, clock: Clock) -> None:
    await crafted(svc, clock())
    async with svc.sessions() as s:
        sv = await survey(
            s, "tap", "rating", {"kind": "service_reporters", "service": "water"}, clock()
        )
        await survey_round(s, sv, clock(), 6, ["4", "5", "4", "3", "5"])
        other = await survey(
            s, "bus", "rating", {"kind": "service_reporters", "service": "transport"}, clock()
        )
        await survey_round(s, other, clock(), 6, ["1"] * 6)
        await s.commit()
    clock.advance(minutes=1)
    codes = stats_views.agent_services(svc.catalogue, WATER_CHAT, WATER_AGENT)
    assert codes == ["water"]
    assert stats_views.agent_services(svc.catalogue, WATER_CHAT, 666) == []
    async with svc.sessions() as s:
        shown = await stats_views.for_agents(
            s, svc.catalogue, svc.texts, svc.settings, clock(), codes
        )
    text = shown.text
    assert "📊 <b>Eau</b> : 90 derniers jours" in text
    assert "Signalements reçus : 5 · résolus : 2 (50\xa0%)" in text
    assert "envoyés : 6 · réponses : 5 (taux 83\xa0%) · oui : 3 · non : 1" in text
    assert "1★ 0 · 2★ 1 · 3★ 1 · 4★ 2 · 5★ 1" in text
    assert "Indice de confiance : — (il faut au moins 5 notes et 5 réponses oui/non)" in text
    assert "<b>Mois par mois</b>" in text and "nov. 2026 : signalements 4" in text
    assert "<code>tap</code> « Question tap ? » (1 envoi(s))" in text
    assert "destinataires 6 · réponses 5 (taux 83\xa0%) · moyenne 4,2/5" in text
    assert "bus" not in text  # another service's survey
    assert [r.label for r in shown.rows] == ["Eau"]
