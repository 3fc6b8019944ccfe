"""``senscommun survey results [--service X] [--csv] [--days N]``: the figures per service (for
the period and month by month) and per survey round, as a table or as one CSV.

In the CSV each row has a ``scope`` (service, month, survey, round) and an empty cell where a
figure does not apply or is hidden (fewer than ``surveys.min_answers`` answers); shares are
fractions (0.75), durations days. The table shows "-" for both.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from bot.cli.db import known_service, session
from bot.config.settings import load_config
from core.stats.results import DEFAULT_DAYS, Period, ServiceStats, by_month, service_stats
from core.stats.surveys import AnswerFigures, SurveyStats, survey_stats
from core.stats.trust import TrustPart

COLUMNS = (
    "scope",
    "service",
    "survey",
    "round",
    "start",
    "end",
    "reports",
    "resolved",
    "share_resolved",
    "median_days_to_resolve",
    "median_hours_to_acknowledge",
    "share_acknowledged_in_time",
    "share_resolved_in_time",
    "response_targets",
    "asked",
    "answered",
    "response_rate",
    "fixed_yes",
    "fixed_no",
    "fixed_unknown",
    "reopened",
    "ratings",
    "mean",
    "distribution",
    "trust_index",
    "trust_satisfaction",
    "trust_fixed",
    "trust_resolved",
    "recipients",
    "answers",
)
Row = dict[str, Any]


def add_results_command(survey_subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = survey_subparsers.add_parser(
        "results", help="figures per service and per survey round (table or CSV)"
    )
    p.add_argument("--service", metavar="CODE", help="only this service (and its surveys)")
    p.add_argument("--csv", action="store_true", help="one CSV on standard output")
    p.add_argument(
        "--days", type=_positive, default=DEFAULT_DAYS, help="the last N days (default: 90)"
    )
    p.set_defaults(func=cmd_results)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError("a number of days, at least 1")
    return int(value)


def cmd_results(args: argparse.Namespace) -> int:
    return asyncio.run(show_results(args.config, args.service, args.days, args.csv, sys.stdout))


async def show_results(
    config_path: Path | None,
    service: str | None,
    days: int,
    as_csv: bool,
    out: IO[str],
    now: datetime | None = None,
) -> int:
    from bot.factory import create_catalogue
    from core.deps import utcnow

    cfg = load_config(config_path)
    catalogue = create_catalogue(cfg)
    if not known_service(catalogue, service):
        return 2
    codes = [service] if service else list(catalogue.codes)
    tz, least = ZoneInfo(cfg.bot.timezone), cfg.surveys.min_answers
    period = Period.last_days(now or utcnow(), days)
    async with session(cfg) as s:
        stats = await service_stats(s, period, codes, least)
        months = await by_month(s, period, tz, codes, least)
        surveys = await survey_stats(s, period, least, service=service)
    rows = [*service_rows(stats, months, tz), *survey_rows(surveys, tz)]
    if as_csv:
        write_csv(rows, out)
    else:
        out.write(table(rows, period, tz, least))
    return 0


def _day(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).date().isoformat()


def _days(d: timedelta | None) -> float | None:
    return None if d is None else round(d / timedelta(days=1), 2)


def _hours(d: timedelta) -> float:
    return round(d / timedelta(hours=1), 2)


def _share(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _stats_row(scope: str, st: ServiceStats, tz: ZoneInfo) -> Row:
    parts = {p.part: p.value for p in st.trust.parts} if st.trust else {}
    return {
        "scope": scope,
        "service": st.service,
        "start": _day(st.period.start, tz),
        "end": _day(st.period.end, tz),
        "reports": st.received,
        "resolved": st.resolved,
        "share_resolved": _share(st.share_resolved),
        "median_days_to_resolve": _days(st.median_resolve),
        "median_hours_to_acknowledge": (
            None if st.median_acknowledge is None else _hours(st.median_acknowledge)
        ),
        "share_acknowledged_in_time": _share(st.within_acknowledge),
        "share_resolved_in_time": _share(st.within_resolve),
        # e.g. "48h/14d town default": the targets the two shares are measured against.
        "response_targets": f"{_hours(st.targets.acknowledge):g}h/{_days(st.targets.resolve):g}d"
        + (" town default" if st.targets.town_default else ""),
        "asked": st.asked,
        "answered": st.answered,
        "response_rate": _share(st.response_rate),
        "fixed_yes": st.fixed,
        "fixed_no": st.not_fixed,
        "fixed_unknown": st.unknown,
        "reopened": st.reopened,
        "ratings": st.ratings,
        "mean": st.mean_rating,
        "distribution": (
            None
            if st.distribution is None
            else " ".join(f"{k}:{n}" for k, n in sorted(st.distribution.items()))
        ),
        "trust_index": st.trust.index if st.trust else None,
        **{f"trust_{p.value}": _share(parts.get(p)) for p in TrustPart},
    }


def service_rows(
    stats: Sequence[ServiceStats], months: dict[str, list[ServiceStats]], tz: ZoneInfo
) -> list[Row]:
    """A row per service, then month rows for the services that had something to count."""
    rows = [_stats_row("service", st, tz) for st in stats]
    for st in stats:
        if st.has_data:
            rows += [_stats_row("month", m, tz) for m in months.get(st.service, [])]
    return rows


def _answers_row(scope: str, sv: SurveyStats, fig: AnswerFigures) -> Row:
    return {
        "scope": scope,
        "service": sv.service,
        "survey": sv.code,
        "recipients": fig.recipients,
        "answers": fig.answers,
        "response_rate": _share(fig.response_rate),
        "mean": fig.mean,
        "distribution": (
            None
            if fig.distribution is None
            else " ".join(f"{v}:{n}" for v, n in fig.distribution.items())
        ),
    }


def survey_rows(surveys: Sequence[SurveyStats], tz: ZoneInfo) -> list[Row]:
    rows: list[Row] = []
    for sv in surveys:
        rows.append(_answers_row("survey", sv, sv.total))
        for r in sv.rounds:
            row = _answers_row("round", sv, r.figures)
            row.update(round=r.campaign_id, start=_day(r.started_at, tz))
            rows.append(row)
    return rows


def write_csv(rows: Iterable[Row], out: IO[str]) -> None:
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: "" if row.get(k) is None else row[k] for k in COLUMNS})


PERCENT = frozenset({"share_resolved", "response_rate", *(f"trust_{p.value}" for p in TrustPart)})


def _cell(value: Any, column: str) -> str:
    if value is None:
        return "-"
    if column in PERCENT:
        return f"{100 * value:.0f}%"
    if column == "median_days_to_resolve":
        return f"{value:.1f}d"
    return str(value)


_NOT_SERVICE = {"scope", "survey", "round", "start", "end", "recipients", "answers"}
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("service", "Services", tuple(c for c in COLUMNS if c not in _NOT_SERVICE)),
    (
        "month",
        "Month by month",
        (
            "service",
            "start",
            "end",
            "reports",
            "share_resolved",
            "median_days_to_resolve",
            "answered",
            "mean",
            "trust_index",
        ),
    ),
    (
        "survey",
        "Surveys",
        ("survey", "service", "recipients", "answers", "response_rate", "mean", "distribution"),
    ),
    (
        "round",
        "Survey rounds",
        (
            "survey",
            "round",
            "start",
            "recipients",
            "answers",
            "response_rate",
            "mean",
            "distribution",
        ),
    ),
)


def table(rows: Sequence[Row], period: Period, tz: ZoneInfo, least: int) -> str:
    out = [
        f"Results from {_day(period.start, tz)} to {_day(period.end, tz)} ({period.days} days). "
        f"'-': no figure, or fewer than {least} answers (hidden).",
    ]
    for scope, title, columns in SECTIONS:
        mine = [r for r in rows if r["scope"] == scope]
        if not mine:
            continue
        cells = [[_cell(r.get(c), c) for c in columns] for r in mine]
        widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
        out += ["", title, "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
        out += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in out) + "\n"
