"""The figures of ``core.stats.results`` as text from the catalogue: public (residents) and detailed
(a service's agents). HTML, as every message of the bot; "—" where a figure is hidden or
does not exist, with a footnote that says why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from core.catalogue import Catalogue
from core.i18n import Translate
from core.stats.results import Period, ServiceStats
from core.stats.surveys import AnswerFigures, SurveyStats
from core.stats.trust import Trust
from core.telegram_format import escape
from storage.enums import SurveyType

DASH = "—"
#: Rounds shown per survey in a chat (the CLI shows them all).
CHAT_ROUNDS = 3


@dataclass(frozen=True)
class Fmt:
    """Numbers, durations and dates in one language."""

    t: Translate
    lang: str
    tz: ZoneInfo

    def pct(self, x: float | None) -> str:
        return DASH if x is None else str(format_percent(x, locale=self.lang))

    def dec(self, x: float | None) -> str:
        return DASH if x is None else str(format_decimal(round(x, 1), "0.#", locale=self.lang))

    def num(self, n: int | None) -> str:
        return DASH if n is None else str(n)

    def duration(self, d: timedelta | None) -> str:
        if d is None:
            return DASH
        hours = d / timedelta(hours=1)
        if hours < 48:
            return self.t("stats.hours", n=self.dec(max(hours, 0.1)))
        return self.t("stats.days", n=self.dec(hours / 24))

    def date(self, period: Period) -> tuple[str, str]:
        start, end = period.start.astimezone(self.tz), period.end.astimezone(self.tz)
        return start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y")

    def month(self, period: Period) -> str:
        return str(format_date(period.start.astimezone(self.tz), "MMM yyyy", locale=self.lang))

    def satisfaction(self, mean: float | None) -> str:
        return DASH if mean is None else self.t("stats.out_of_five", n=self.dec(mean))


def public_text(
    stats: Sequence[ServiceStats], catalogue: Catalogue, f: Fmt, min_answers: int
) -> str:
    """Per service: reports, share resolved, median time to resolve, satisfaction."""
    t = f.t
    period = stats[0].period
    start, end = f.date(period)
    lines = [t("stats.title", days=period.days, start=start, end=end), ""]
    quiet = []
    for st in stats:
        name = escape(catalogue.name(st.service, f.lang))
        if not st.has_data:
            quiet.append(name)
            continue
        lines.append(
            t(
                "stats.service_line",
                service=name,
                reports=st.received,
                resolved=f.pct(st.share_resolved),
                median=f.duration(st.median_resolve),
                satisfaction=f.satisfaction(st.mean_rating),
            )
        )
    if len(quiet) == len(stats):
        lines.append(t("stats.nothing", days=period.days))
    elif quiet:
        lines += ["", t("stats.quiet_services", services=", ".join(quiet))]
    lines += ["", t("stats.hidden_note", min=min_answers)]
    return "\n".join(lines)


def trust_text(trust: Trust | None, f: Fmt, min_answers: int) -> str:
    if trust is None:
        return f.t("stats.trust_hidden", min=min_answers)
    parts = " + ".join(
        f.t(
            "stats.trust_part",
            name=f.t(f"stats.part_{p.part.value}"),
            value=f.pct(p.value),
            weight=f.pct(p.weight),
        )
        for p in trust.parts
    )
    return f.t("stats.trust", index=f.dec(trust.index), parts=parts)


def _stars(dist: dict[int, int] | None) -> str:
    return DASH if dist is None else " · ".join(f"{k}★ {n}" for k, n in sorted(dist.items()))


def response_times_text(st: ServiceStats, f: Fmt) -> str:
    """Median time to acknowledge, shares within the targets, and whose targets they are."""
    line = f.t(
        "stats.agent_times",
        median=f.duration(st.median_acknowledge),
        ack_target=f.duration(st.targets.acknowledge),
        ack_share=f.pct(st.within_acknowledge),
        resolve_target=f.duration(st.targets.resolve),
        resolve_share=f.pct(st.within_resolve),
    )
    return line + (" " + f.t("stats.town_default_target") if st.targets.town_default else "")


def service_detail(st: ServiceStats, f: Fmt, min_answers: int) -> list[str]:
    t = f.t
    return [
        t(
            "stats.agent_reports",
            received=st.received,
            resolved=st.resolved,
            share=f.pct(st.share_resolved),
            median=f.duration(st.median_resolve),
        ),
        response_times_text(st, f),
        t(
            "stats.agent_fixed",
            asked=st.asked,
            answered=st.answered,
            rate=f.pct(st.response_rate),
            yes=f.num(st.fixed),
            no=f.num(st.not_fixed),
            unknown=f.num(st.unknown),
            reopened=f.num(st.reopened),
        ),
        t(
            "stats.agent_rating",
            mean=f.satisfaction(st.mean_rating),
            n=st.ratings,
            distribution=_stars(st.distribution),
        ),
        trust_text(st.trust, f, min_answers),
    ]


def value_label(sv: SurveyStats, value: str, f: Fmt) -> str:
    if sv.type == SurveyType.RATING:
        return f"{value}★"
    if sv.type == SurveyType.YES_NO and value in ("y", "n"):
        return f.t("stats.yes" if value == "y" else "stats.no")
    if value.startswith("c") and value[1:].isdigit() and int(value[1:]) < len(sv.choices):
        item = sv.choices[int(value[1:])]
        return escape(item.get(f.lang) or next(iter(item.values()), value))
    return escape(value)


def answers_text(sv: SurveyStats, fig: AnswerFigures, f: Fmt) -> str:
    dist = (
        DASH
        if fig.distribution is None
        else " · ".join(f"{value_label(sv, v, f)} {n}" for v, n in fig.distribution.items())
    )
    return f.t(
        "stats.survey_figures",
        recipients=fig.recipients,
        answers=fig.answers,
        rate=f.pct(fig.response_rate),
        mean=f.satisfaction(fig.mean) if sv.type == SurveyType.RATING else DASH,
        distribution=dist,
    )


def survey_lines(surveys: Sequence[SurveyStats], f: Fmt) -> list[str]:
    t = f.t
    if not surveys:
        return []
    lines = ["", t("stats.surveys")]
    for sv in surveys:
        question = sv.question.get(f.lang) or next(iter(sv.question.values()), "")
        lines.append(
            t(
                "stats.survey_head",
                code=escape(sv.code),
                question=escape(question),
                rounds=len(sv.rounds),
            )
        )
        lines.append(answers_text(sv, sv.total, f))
        for r in sv.rounds[-CHAT_ROUNDS:]:
            day = r.started_at.astimezone(f.tz).strftime("%d/%m/%Y")
            lines.append(t("stats.survey_round", date=day, figures=answers_text(sv, r.figures, f)))
    return lines


def agent_text(
    st: ServiceStats,
    months: Sequence[ServiceStats],
    surveys: Sequence[SurveyStats],
    catalogue: Catalogue,
    f: Fmt,
    min_answers: int,
) -> str:
    t = f.t
    start, end = f.date(st.period)
    name = escape(catalogue.name(st.service, f.lang))
    lines = [
        t("stats.agent_title", service=name, days=st.period.days, start=start, end=end),
        "",
        *service_detail(st, f, min_answers),
    ]
    if len(months) > 1:
        lines += ["", t("stats.months")]
        lines += [
            t(
                "stats.month_line",
                month=f.month(m.period),
                reports=m.received,
                resolved=f.pct(m.share_resolved),
                median=f.duration(m.median_resolve),
                satisfaction=f.satisfaction(m.mean_rating),
                trust=DASH if m.trust is None else f.dec(m.trust.index),
            )
            for m in months
        ]
    lines += survey_lines(surveys, f)
    lines += ["", t("stats.hidden_note", min=min_answers)]
    return "\n".join(lines)
