"""``senscommun ideas list``: ideas with their supports, answers and milestones."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from bot.cli.ideas import list_ideas
from bot.cli.main import main
from core.deps import Deps
from core.ideas import answers as idea_answers
from core.ideas import proposals as ideas
from storage.enums import IdeaAnswerKind, IdeaState
from tests.conftest import Clock
from tests.core.conftest import svc  # noqa: F401  (the fixture: a migrated database)
from tests.core.ideas.test_proposals import WATER, _published, _residents, _submit


def _config(tmp_path: Path, url: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return p


async def _list(db: Deps, tmp_path: Path, **kw: object) -> str:
    url = db.engine.url.render_as_string(hide_password=False)
    out = io.StringIO()
    args = {"service": None, "state": None, "as_csv": False, **kw}
    assert await list_ideas(_config(tmp_path, url), out=out, **args) == 0  # type: ignore[arg-type]
    return out.getvalue()


async def test_ideas_with_supports_answers_and_milestones(
    svc: Deps,  # noqa: F811
    tmp_path: Path,
    clock: Clock,
) -> None:
    author, fan, fan2 = await _residents(svc, 3)
    benches = await _published(svc, author, "Des bancs au parc")
    await _submit(svc, author, "Un marché bio le dimanche", "culture")
    async with svc.sessions() as s:
        for r in (fan, fan2):
            await ideas.toggle_support(s, svc, r, benches, clock())
        await idea_answers.answer(
            s, svc, WATER, benches, IdeaAnswerKind.PLANNED, "Budget 2027", clock()
        )
        await idea_answers.add_milestone(s, svc, WATER, benches, "Pose", date(2027, 4, 1), clock())
        await s.commit()

    rows = list(csv.DictReader(io.StringIO(await _list(svc, tmp_path, as_csv=True))))
    assert [(r["id"], r["state"], r["supports"]) for r in rows] == [
        (str(benches), "published", "2"),
        (str(benches + 1), "pending_review", "0"),
    ]
    assert (rows[0]["answer"], rows[0]["milestones"], rows[0]["milestones_done"]) == (
        "planned",
        "1",
        "0",
    )
    assert rows[0]["answered"] == "2026-11-26" and rows[1]["answer"] == ""

    table = await _list(svc, tmp_path, service="culture")
    assert "marché bio" in table and "bancs" not in table
    pending = await _list(svc, tmp_path, state=IdeaState.DECLINED)
    assert pending == "No idea yet.\n"


def test_ideas_list_is_wired_into_the_cli(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path, sqlite_url))
    assert main(["--config", config, "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--config", config, "ideas", "list"]) == 0
    assert capsys.readouterr().out == "No idea yet.\n"
    assert main(["--config", config, "ideas", "list", "--service", "nope"]) == 2
    assert "unknown service 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--config", config, "ideas", "list", "--state", "lost"])
