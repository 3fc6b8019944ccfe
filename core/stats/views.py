"""What ``/stats`` shows: the public figures of every service for residents, the detailed
figures of their own service(s) for agents, each with its chart's rows and words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue import Catalogue
from core.deps import Settings
from core.i18n import Texts
from core.stats.chart import ChartLabels, ChartRow
from core.stats.results import DEFAULT_DAYS, Period, ServiceStats, by_month, service_stats
from core.stats.surveys import survey_stats
from core.stats.text import Fmt, agent_text, public_text
from core.telegram_format import CAPTION_LIMIT


@dataclass(frozen=True)
class StatsMessage:
    text: str  # HTML
    caption: str  # a short caption for the chart when ``text`` is too long to be one
    rows: tuple[ChartRow, ...]
    labels: ChartLabels

    @property
    def text_fits_caption(self) -> bool:
        """Whether the figures can be the chart's caption (else they go as their own message)."""
        return len(self.text) <= CAPTION_LIMIT


def agent_services(catalogue: Catalogue, chat_id: int, user_id: int) -> list[str]:
    """The services whose agents chat this is and for which this user is an agent: an agent
    sees the detailed figures of their own service only."""
    return [
        info.code
        for info in catalogue
        if catalogue.card_chat(info.code) == chat_id and user_id in info.agents
    ]


def _chart(stats: Sequence[ServiceStats], catalogue: Catalogue, f: Fmt) -> tuple[ChartRow, ...]:
    return tuple(
        ChartRow(
            label=catalogue.name(st.service, f.lang),
            resolved=st.share_resolved,
            resolved_text=f.pct(st.share_resolved),
            satisfaction=st.mean_rating,
            satisfaction_text=(
                f.dec(st.mean_rating) if st.mean_rating is not None else f.t("stats.not_enough")
            ),
        )
        for st in stats
        if st.has_data
    )


def _labels(f: Fmt, days: int) -> ChartLabels:
    return ChartLabels(
        title=f.t("stats.chart_title", days=days),
        resolved=f.t("stats.chart_resolved"),
        satisfaction=f.t("stats.chart_satisfaction"),
    )


async def public(
    s: AsyncSession,
    catalogue: Catalogue,
    texts: Texts,
    settings: Settings,
    now: datetime,
    lang: str,
    days: int = DEFAULT_DAYS,
) -> StatsMessage:
    f = Fmt(texts.lang(lang), texts.pick(lang), settings.tz)
    period = Period.last_days(now, days)
    stats = await service_stats(s, period, catalogue.codes, settings.min_answers)
    return StatsMessage(
        text=public_text(stats, catalogue, f, settings.min_answers),
        caption=f.t("stats.caption", days=days),
        rows=_chart(stats, catalogue, f),
        labels=_labels(f, days),
    )


async def for_agents(
    s: AsyncSession,
    catalogue: Catalogue,
    texts: Texts,
    settings: Settings,
    now: datetime,
    codes: Sequence[str],
    days: int = DEFAULT_DAYS,
) -> StatsMessage:
    """The detailed figures of ``codes`` (an agent's own services), in the agents' language."""
    f = Fmt(texts.lang(settings.default_language), settings.default_language, settings.tz)
    period = Period.last_days(now, days)
    stats = await service_stats(s, period, codes, settings.min_answers)
    months = await by_month(s, period, settings.tz, codes, settings.min_answers)
    parts = []
    for st in stats:
        surveys = await survey_stats(s, period, settings.min_answers, service=st.service)
        parts.append(
            agent_text(st, months[st.service], surveys, catalogue, f, settings.min_answers)
        )
    return StatsMessage(
        text="\n\n".join(parts),
        caption=f.t("stats.caption", days=days),
        rows=_chart(stats, catalogue, f),
        labels=_labels(f, days),
    )
