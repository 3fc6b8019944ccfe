"""Corrections teach the classifier, only with the resident's consent, asked once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import func, select

from bot.cli.main import main
from core.residents import feedback
from storage.models import LabelledExample
from tests.conftest import WATER_CHAT
from tests.e2e.conftest import MARIE, WATER_AGENT_P, Env
from tests.e2e.test_story import _report


async def _export(env: Env) -> list[dict[str, str]]:
    async with env.runtime.deps.sessions() as s:
        return await feedback.export(s)


async def _report_picking_roads(env: Env, text: str) -> None:
    """Marie overrides the suggestion (water) with roads, then sends."""
    s, me = env.story, MARIE.user_id
    await s.say(MARIE, text)
    await s.press(MARIE, me, "d:more:")
    await s.press(MARIE, me, "d:ok:1:roads")
    await s.say(MARIE, "12 rue Victor Hugo")
    await s.press(MARIE, me, "d:nophoto")
    await s.press(MARIE, me, "d:send")


async def test_a_residents_pick_is_kept_once_she_agrees(env: Env) -> None:
    s, api, me = env.story, env.api, MARIE.user_id
    await _report_picking_roads(env, "Fuite d'eau rue Victor Hugo, appelez-moi au 06 12 34 56 78")
    assert "une seule fois" in api.texts(me)[-1]
    assert await _export(env) == []  # kept, but not used before she answers
    await s.press(MARIE, me, "c:train:y")
    (line,) = await _export(env)
    assert line["service"] == "roads" and line["lang"] == "fr"
    assert "06 12 34 56 78" not in line["text"]  # personal data masked

    # An agent's correction of a later report is kept too, without asking again.
    rid = await _report(env, MARIE, "Fuite d'eau devant la mairie")
    asked = len([t for t in api.texts(me) if "votre correction" in t])
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:no:{rid}")
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:mv:{rid}:cleanliness")
    assert len([t for t in api.texts(me) if "votre correction" in t]) == asked == 1
    assert [x["service"] for x in await _export(env)] == ["roads", "cleanliness"]

    # Changing her mind in /privacy forgets everything that was kept.
    await s.say(MARIE, "/privacy")
    await s.press(MARIE, me, "c:train:n")
    assert await _export(env) == []
    async with env.runtime.deps.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(LabelledExample)) == 0


async def test_export_command_writes_training_lines(env: Env, tmp_path: Path) -> None:
    await _report_picking_roads(env, "Fuite d'eau rue Victor Hugo")
    await env.story.press(MARIE, MARIE.user_id, "c:train:y")
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[database]\nurl = "{env.config.database.url}"\n', encoding="utf-8")
    out = tmp_path / "feedback.jsonl"
    args = ["--config", str(cfg), "feedback", "export", "--out", str(out)]
    assert await asyncio.to_thread(main, args) == 0  # the CLI runs its own event loop
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line == {"text": "Fuite d'eau rue Victor Hugo", "service": "roads", "lang": "fr"}
