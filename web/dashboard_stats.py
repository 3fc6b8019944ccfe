"""The dashboard's statistics, one service at a time: the figures of ``/stats`` and
``senscommun survey results`` (``core.stats.results.service_stats``, the one place they are
computed), with charts. An agent sees their own services only."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from core.agents.access import Agent
from core.stats.results import Period, ServiceStats, by_month, service_stats
from core.stats.text import Fmt
from web.charts import Bar, bars
from web.dashboard_common import csrf_of, ctx_of, logged_in
from web.pages import message, render

#: The periods offered, in days.
PERIODS = (30, 90, 365)


def _figures(st: ServiceStats, f: Fmt) -> list[tuple[str, str]]:
    t = f.t
    targets = st.targets
    return [
        (t("dashboard.st_received"), str(st.received)),
        (t("dashboard.st_resolved"), f"{st.resolved} ({f.pct(st.share_resolved)})"),
        (t("dashboard.st_median_ack"), f.duration(st.median_acknowledge)),
        (t("dashboard.st_median_resolve"), f.duration(st.median_resolve)),
        (
            t("dashboard.st_within_ack", target=f.duration(targets.acknowledge)),
            f.pct(st.within_acknowledge),
        ),
        (
            t("dashboard.st_within_resolve", target=f.duration(targets.resolve)),
            f.pct(st.within_resolve),
        ),
        (t("dashboard.st_asked"), f"{st.asked} · {t('dashboard.st_answered')} {st.answered}"),
        (t("dashboard.st_fixed"), f"{f.num(st.fixed)} / {f.num(st.not_fixed)}"),
        (t("dashboard.st_reopened"), f.num(st.reopened)),
        (t("dashboard.st_satisfaction"), f"{f.satisfaction(st.mean_rating)} ({st.ratings})"),
        (t("dashboard.st_trust"), f.dec(st.trust.index) if st.trust else "—"),
    ]


def _charts(st: ServiceStats, months: list[ServiceStats], f: Fmt) -> list[Markup]:
    t = f.t
    ack, res = st.within_acknowledge, st.within_resolve
    charts = [
        bars(
            t("dashboard.st_chart_volume"),
            [Bar(f.month(m.period), m.received, str(m.received)) for m in months],
        ),
        bars(
            t("dashboard.st_chart_within"),
            [
                Bar(t("dashboard.st_chart_ack"), ack, f.pct(ack)),
                Bar(t("dashboard.st_chart_resolve"), res, f.pct(res)),
            ],
            top=1.0,
        ),
    ]
    if st.distribution is not None:
        charts.append(
            bars(
                t("dashboard.st_chart_ratings"),
                [Bar(f"{k}★", n, str(n)) for k, n in sorted(st.distribution.items())],
            )
        )
    return [Markup(c) for c in charts]  # built from escaped text only (web.charts)


@logged_in
async def stats(request: web.Request, agent: Agent) -> web.StreamResponse:
    deps = ctx_of(request).deps
    lang = agent.lang
    t = deps.texts.lang(lang)
    csrf = csrf_of(request)
    service = request.query.get("service", "") or agent.services[0]
    raw_days = request.query.get("days", "90")
    if service not in agent.services:
        return message(request, 403, "agent.not_allowed", agent, csrf)
    if raw_days not in {str(d) for d in PERIODS}:
        return message(request, 400, "dashboard.bad_request", agent, csrf)
    days = int(raw_days)
    settings = deps.settings
    period = Period.last_days(deps.clock(), days)
    async with deps.sessions() as s:
        (st,) = await service_stats(s, period, [service], settings.min_answers)
        months = (await by_month(s, period, settings.tz, [service], settings.min_answers))[service]
    f = Fmt(t, deps.texts.pick(lang), settings.tz)
    start, end = f.date(period)
    return render(
        request,
        "stats.html",
        agent,
        title=t("dashboard.stats_title", service=deps.catalogue.name(service, lang)),
        csrf=csrf,
        period=t("dashboard.st_period", days=days, start=start, end=end),
        figures=_figures(st, f),
        charts=_charts(st, months, f),
        town_default=t(
            "dashboard.st_town_default",
            ack=f.duration(st.targets.acknowledge),
            resolve=f.duration(st.targets.resolve),
        )
        if st.targets.town_default
        else "",
        min_answers=settings.min_answers,
        service_choices=[(c, deps.catalogue.name(c, lang)) for c in agent.services],
        picked_service=service,
        periods=[(str(d), t("dashboard.st_days", days=d)) for d in PERIODS],
        picked_days=raw_days,
    )
