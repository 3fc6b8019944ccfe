"""Answer templates: seeded from the config without undoing edits, filled in the resident's
language, edited by administrators only, and refused with an unknown placeholder."""

from __future__ import annotations

import re

import pytest

from core.actors import NotAllowed
from core.deps import Deps
from core.reports import notes, status, templates
from storage.enums import OutboxPurpose, ReportStatus
from tests.core.reports.workspace_helpers import PAUL, PIA, RITA, new_report, outbox, town

__all__ = ["town"]

DEFS = [
    templates.TemplateDef(
        "water",
        "coming",
        None,
        "On passe",
        {"fr": "On passe pour {ref} ({service}).", "en": "We come for {ref} ({service})."},
    ),
    templates.TemplateDef(
        "water", "done", ReportStatus.RESOLVED, "Fait", {"fr": "{status} !", "en": "{status}!"}
    ),
]


async def _seed(deps: Deps) -> list[templates.Offered]:
    async with deps.sessions() as s:
        assert await templates.sync_config(s, DEFS, deps.clock()) == 4
        await s.commit()
        return await templates.offered(s, "water")


async def test_filled_in_the_residents_language_and_sent_with_its_status(town: Deps) -> None:
    coming, done = await _seed(town)
    assert (coming.code, done.code, done.status) == ("coming", "done", ReportStatus.RESOLVED)
    rid = await new_report(town, lang="en")
    now = town.clock()
    async with town.sessions() as s:
        draft = await templates.use(s, town, PAUL, rid, coming.id, now)
        assert draft.text == f"We come for #{rid} (Water)." and draft.lang == "en"
        fixed = await templates.use(s, town, PAUL, rid, done.id, now)
        assert fixed.text == "resolved!" and fixed.status is ReportStatus.RESOLVED
        await notes.send_reply(s, town, PAUL, rid, fixed.draft_id, now)
        await s.commit()
        row = await status.locked_for(s, town, PAUL, rid)
        assert row.status is ReportStatus.RESOLVED
    said = [m.payload["text"] for m in await outbox(town) if m.chat_id == 7001]
    assert any("resolved!" in t for t in said)
    assert any(m.purpose is OutboxPurpose.STATUS for m in await outbox(town, 7001))


async def test_another_services_template_or_agent_is_refused(town: Deps) -> None:
    coming, _ = await _seed(town)
    roads = await new_report(town, "roads")
    water = await new_report(town, user=7002)
    async with town.sessions() as s:
        with pytest.raises(NotAllowed, match=r"agent\.stale_button"):
            await templates.use(s, town, RITA, roads, coming.id, town.clock())
        with pytest.raises(NotAllowed, match=r"agent\.not_allowed"):
            await templates.use(s, town, RITA, water, coming.id, town.clock())


async def test_edits_by_administrators_survive_a_restart(town: Deps) -> None:
    coming, _ = await _seed(town)
    now = town.clock()
    async with town.sessions() as s:
        with pytest.raises(NotAllowed, match=r"agent\.not_allowed"):
            await templates.edit(s, town, PIA, coming.id, "x", "y", now)
        with pytest.raises(NotAllowed, match=r"templates\.bad_placeholder"):
            await templates.edit(s, town, PAUL, coming.id, "On passe", "Pour {name}", now)
        await templates.edit(s, town, PAUL, coming.id, "Bientôt", "Bientôt là : {ref}", now)
        await s.commit()
    async with town.sessions() as s:
        assert await templates.sync_config(s, DEFS, now) == 0  # nothing missing, edits kept
        rows = await templates.editable(s, town, PAUL.telegram_user_id)
        assert any(r.body == "Bientôt là : {ref}" and r.label == "Bientôt" for r in rows)
        with pytest.raises(NotAllowed):
            await templates.editable(s, town, PIA.telegram_user_id)


def test_placeholders_are_checked() -> None:
    templates.check_placeholders("{ref} {service} {address} {status} {{braces}}")
    with pytest.raises(ValueError, match=re.escape("{name}")):
        templates.check_placeholders("Bonjour {name}")
    with pytest.raises(ValueError):
        templates.check_placeholders("Bonjour {ref")
