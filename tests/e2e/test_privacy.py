"""A resident's data belongs to them: export it all, or erase it."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from storage.models import Draft, Photo, Report, Resident
from tests.conftest import WATER_CHAT
from tests.e2e.conftest import MARIE, WATER_AGENT_P, Env
from tests.e2e.test_story import _report


async def test_export_then_erase(env: Env) -> None:
    s, api, me = env.story, env.api, MARIE.user_id
    rid = await _report(
        env, MARIE, "Fuite d'eau devant chez moi, 3 rue des Lilas, appelez le 06 12 34 56 78"
    )
    await s.say(MARIE, "/privacy")
    assert "recevoir toutes vos données" in api.texts(me)[-1]
    await s.press(MARIE, me, "p:export")
    (doc,) = api.of("sendDocument", me)
    assert doc.params["document"] == "<file>"  # sent as a file upload
    exported = api.files[-1]
    data = json.loads(exported)
    assert data["resident"]["first_name"] == "Marie"
    assert data["reports"][0]["reference"] == rid
    assert "06 12 34 56 78" in data["reports"][0]["text"]  # her own words, unmasked, are hers

    await s.press(MARIE, me, "p:erase")
    assert "définitif" in api.texts(me)[-1]
    await s.press(MARIE, me, "p:erase!")
    assert "vos données sont effacées (1 signalement" in api.texts(me)[-1]
    async with env.runtime.deps.sessions() as db:
        who = await db.scalar(select(Resident))
        report = await db.get_one(Report, rid)
        photos = await db.scalar(select(func.count()).select_from(Photo))
        drafts = await db.scalar(select(func.count()).select_from(Draft))
    assert who is not None and who.telegram_user_id is None and who.first_name == ""
    assert report.text == "—" and report.redacted_text == "—"
    assert report.service_code == "water" and report.lat is not None  # the service can finish
    assert photos == 0 and drafts == 0
    card = api.of("editMessageText", WATER_CHAT)[-1]
    assert "Lilas" not in card.params["text"] and "Marie" not in card.params["text"]

    # Nothing more reaches her chat about that report.
    before = len(api.texts(me))
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    assert len(api.texts(me)) == before
