"""``senscommun resident block|unblock REF``: the command line blocks a report's author, with
an audit line naming the command line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.cli.residents import block
from core.deps import Deps
from storage.models import AuditLine, Resident
from tests.bot.cli.test_ideas import _config
from tests.core.conftest import svc  # noqa: F401  (the fixture: a migrated database)
from tests.core.engagement.test_questionnaire import new_report


async def test_block_and_unblock_by_report_reference(svc: Deps, tmp_path: Path) -> None:  # noqa: F811
    rid = await new_report(svc, uid=71)
    cfg = _config(tmp_path, svc.engine.url.render_as_string(hide_password=False))
    assert await block(cfg, f"#{rid}", True) == 0
    assert await block(cfg, "#999999", True) == 1
    async with svc.sessions() as s:
        who = await s.scalar(select(Resident).where(Resident.telegram_user_id == 71))
        lines = (await s.scalars(select(AuditLine))).all()
    assert who is not None and who.barred_at is not None and not who.barred_told
    assert [(a.action, a.actor_name, a.target) for a in lines] == [
        ("block", "command line", f"resident:{who.id}")
    ]
    assert await block(cfg, str(who.id), False) == 0
    async with svc.sessions() as s:
        again = await s.get_one(Resident, who.id)
    assert again.barred_at is None
