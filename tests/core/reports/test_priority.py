"""Open reports for agents: urgent first, then the most co-reported, then the oldest."""

from __future__ import annotations

from core.deps import Deps
from core.reports import duplicates, priority
from core.reports import submit as reports
from storage.enums import ReportStatus
from tests.conftest import Clock
from tests.core.engagement.test_questionnaire import resident, set_status


async def _report(
    svc: Deps, uid: int, urgent: bool = False, service: str = "water", danger: str | None = None
) -> int:
    async with svc.sessions() as s:
        who = await resident(s, svc, uid)
        new = reports.NewReport(
            f"Problème {uid}", service, "fr", service, 0.9, urgent=urgent, danger=danger
        )
        rv = await reports.submit(s, svc, who, new, svc.clock())
        await s.commit()
    return rv.id


async def _join(svc: Deps, report_id: int, *uids: int) -> None:
    async with svc.sessions() as s:
        for uid in uids:
            who = await resident(s, svc, uid)
            assert await duplicates.join(s, report_id, who.id, svc.clock())
        await s.commit()


async def test_co_reporters_raise_a_reports_priority(svc: Deps, clock: Clock) -> None:
    oldest = await _report(svc, 1)
    clock.advance(hours=1)
    shared_by_one = await _report(svc, 2)
    clock.advance(hours=1)
    shared_by_two = await _report(svc, 3)
    clock.advance(hours=1)
    urgent = await _report(svc, 4, urgent=True)
    clock.advance(hours=1)
    closed = await _report(svc, 5)
    other_service = await _report(svc, 6, service="roads")
    await _join(svc, shared_by_one, 11)
    await _join(svc, shared_by_two, 12, 13)
    await _join(svc, closed, 14, 15, 16)
    await set_status(svc, closed, ReportStatus.RESOLVED)

    async with svc.sessions() as s:
        ranked = await priority.open_reports(s, ["water"])
        both = await priority.open_reports(s, ["water", "roads"], limit=10)
        picker = await reports.open_in_service(s, "water", exclude=urgent, limit=2)
    assert [r.report.id for r in ranked] == [urgent, shared_by_two, shared_by_one, oldest]
    assert [r.co_reporters for r in ranked] == [0, 2, 1, 0]
    assert other_service in {r.report.id for r in both} and closed not in {
        r.report.id for r in both
    }
    assert [r.id for r in picker] == [shared_by_two, shared_by_one]  # "duplicate of" candidates


async def test_the_agents_queue_text(svc: Deps, clock: Clock) -> None:
    async with svc.sessions() as s:
        assert await priority.queue_text(s, svc, ["water"]) == "Aucun signalement ouvert. 👏"
    first = await _report(svc, 1)
    clock.advance(hours=1)
    shared = await _report(svc, 2)
    urgent = await _report(svc, 3, urgent=True)
    await _join(svc, shared, 11, 12)
    async with svc.sessions() as s:
        text = await priority.queue_text(s, svc, ["water"])
    assert text.splitlines() == [
        "<b>Signalements ouverts, les plus pressants d'abord</b>",
        f"⚠️ URGENT #{urgent} · Eau · nouveau · 26/11/2026",
        f"#{shared} · Eau · nouveau · 26/11/2026 · 👥 +2",
        f"#{first} · Eau · nouveau · 26/11/2026",
    ]


async def test_a_report_that_may_be_urgent_comes_after_the_urgent_ones_and_says_why(
    svc: Deps, clock: Clock
) -> None:
    """The learnt danger score alone marks no card urgent, but agents see it before ordinary
    reports (co-reported or older), with the reason."""
    shared = await _report(svc, 1)
    await _join(svc, shared, 11, 12, 13)
    clock.advance(hours=1)
    maybe = await _report(svc, 2, danger="violence")
    clock.advance(hours=1)
    urgent = await _report(svc, 3, urgent=True, danger="gas")
    async with svc.sessions() as s:
        ranked = await priority.open_reports(s, ["water"])
        text = await priority.queue_text(s, svc, ["water"])
    assert [r.report.id for r in ranked] == [urgent, maybe, shared]
    assert ranked[1].report.may_be_urgent and not ranked[0].report.may_be_urgent
    assert text.splitlines()[1:] == [
        f"⚠️ URGENT (gaz) #{urgent} · Eau · nouveau · 26/11/2026",
        f"❔ URGENT ? (violence, menace) #{maybe} · Eau · nouveau · 26/11/2026",
        f"#{shared} · Eau · nouveau · 26/11/2026 · 👥 +3",
    ]


def test_every_reason_the_nlp_can_give_has_a_label_in_every_language(svc: Deps) -> None:
    from nlp.danger import CATEGORIES
    from nlp.urgency import REASONS

    for lang in svc.texts.languages:
        t = svc.texts.lang(lang)
        for code in (*REASONS, *CATEGORIES):
            assert t(f"danger.{code}") != f"danger.{code}", (lang, code)
