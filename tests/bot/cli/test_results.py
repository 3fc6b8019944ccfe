"""``senscommun survey results``: the table and the CSV, from crafted data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli.main import build_parser, main
from bot.cli.results import cmd_results, show_results
from core.deps import Deps
from tests.conftest import Clock
from tests.core.conftest import svc  # noqa: F401  (the fixture: a migrated database)
from tests.core.stats.data import survey, survey_round
from tests.core.stats.test_results import crafted


def _config(tmp_path: Path, url: str, min_answers: int = 4) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(
        f'[database]\nurl = "{url}"\n\n[surveys]\nmin_answers = {min_answers}\n', encoding="utf-8"
    )
    return p


async def _results(
    db: Deps, tmp_path: Path, clock: Clock, service: str | None = None, as_csv: bool = False
) -> str:
    await crafted(db, clock())
    async with db.sessions() as s:
        audience = {"kind": "service_reporters", "service": "water"}
        tap = await survey(s, "tap", "yes_no", audience, clock())
        await survey_round(s, tap, clock() - timedelta(days=40), 6, ["y", "y", "n", "y"])
        await survey_round(s, tap, clock() - timedelta(days=3), 5, ["n"])
        await s.commit()
    url = db.engine.url.render_as_string(hide_password=False)
    out = io.StringIO()
    code = await show_results(_config(tmp_path, url), service, 90, as_csv, out, clock())
    assert code == 0
    return out.getvalue()


async def test_csv_has_every_figure_and_leaves_hidden_ones_empty(
    svc: Deps,  # noqa: F811
    tmp_path: Path,
    clock: Clock,
) -> None:
    rows = list(csv.DictReader(io.StringIO(await _results(svc, tmp_path, clock, as_csv=True))))
    by = {(r["scope"], r["service"], r["survey"], r["start"]): r for r in rows}
    water = by[("service", "water", "", "2026-08-28")]
    assert (water["reports"], water["resolved"], water["share_resolved"]) == ("5", "2", "0.5")
    assert water["median_days_to_resolve"] == "2.0"
    assert water["response_targets"] == "48h/14d town default"  # no service has its own
    assert (water["fixed_yes"], water["fixed_no"], water["reopened"]) == ("3", "1", "2")
    assert (water["mean"], water["distribution"]) == ("3.6", "1:0 2:1 3:1 4:2 5:1")
    assert water["trust_index"] == "66.0"
    assert (water["trust_satisfaction"], water["trust_fixed"], water["trust_resolved"]) == (
        "0.65",
        "0.75",
        "0.5",
    )
    roads = by[("service", "roads", "", "2026-08-28")]
    assert (roads["reports"], roads["answered"]) == ("1", "2")
    assert roads["fixed_yes"] == roads["mean"] == roads["trust_index"] == ""  # hidden
    months = [r for r in rows if r["scope"] == "month"]
    assert {r["service"] for r in months} == {"water", "roads"}  # the others had nothing
    assert [r["reports"] for r in months if r["service"] == "water"] == ["0", "0", "1", "4"]

    tap = by[("survey", "water", "tap", "")]
    assert (tap["recipients"], tap["answers"], tap["distribution"]) == ("11", "5", "y:3 n:2")
    first, second = (r for r in rows if r["scope"] == "round")
    assert (first["answers"], first["response_rate"], first["distribution"]) == (
        "4",
        "0.6667",
        "y:3 n:1",
    )
    assert (second["answers"], second["response_rate"], second["distribution"]) == ("1", "", "")


async def test_the_table_for_one_service(
    svc: Deps,  # noqa: F811
    tmp_path: Path,
    clock: Clock,
) -> None:
    table = await _results(svc, tmp_path, clock, service="water")
    lines = table.splitlines()
    assert lines[0].startswith("Results from 2026-08-28 to 2026-11-26 (90 days).")
    for title in ("Services", "Month by month", "Surveys", "Survey rounds"):
        assert title in lines
    (water,) = (line for line in lines if line.startswith("water ") and "66.0" in line)
    assert "50%" in water and "2.0d" in water and "65%" in water
    assert not any(line.startswith("roads") for line in lines)


def test_survey_results_is_wired_into_the_cli(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(["survey", "results", "--csv", "--days", "30"])
    assert (args.func, args.csv, args.days, args.service) == (cmd_results, True, 30, None)
    config = str(_config(tmp_path, sqlite_url))
    assert main(["--config", config, "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--config", config, "survey", "results"]) == 0
    out = capsys.readouterr().out
    assert "Services" in out and any(line.startswith("water ") for line in out.splitlines())
    assert main(["--config", config, "survey", "results", "--service", "nope"]) == 2
    assert "unknown service 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--config", config, "survey", "results", "--days", "0"])
