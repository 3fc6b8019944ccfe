"""A resident's data belongs to them: export it all, or erase it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from bot.demo.simulate import Person
from storage.models import Draft, Photo, Report, ReportEvent, Resident
from tests.conftest import WATER_CHAT
from tests.e2e.conftest import JOHN, MARIE, WATER_AGENT_P, Env
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


async def _photo_report(env: Env, who: Person, caption: str, address: str) -> int:
    s, me = env.story, who.user_id
    await s.post(s.updates.photo(who, "AgACsamephoto", caption=caption))
    await s.press(who, me, "d:ok")
    await s.say(who, address)
    if any(
        b["callback_data"].startswith("d:notsame") for row in env.api.last_buttons(me) for b in row
    ):
        await s.press(who, me, "d:notsame")
    await s.press(who, me, "d:send")
    async with env.runtime.deps.sessions() as db:
        return int(await db.scalar(select(Report.id).order_by(Report.id.desc()).limit(1)) or 0)


async def test_erasure_edits_a_photo_cards_caption_and_keeps_anothers_copy(env: Env) -> None:
    """A photo card is a caption: the erasure edits it with editMessageCaption (a text edit is
    refused by Telegram), the agents' notes to her are emptied, and the photo file another
    resident sent too stays on disk."""
    s, api, me = env.story, env.api, MARIE.user_id
    rid = await _report_with_photo(env)
    other = await _photo_report(env, JOHN, "Water leak on Elm Street", "Elm Street, by the bakery")
    async with env.runtime.deps.sessions() as db:
        paths = {p.report_id: p.path for p in (await db.scalars(select(Photo))).all()}
    assert paths[rid] == paths[other] and paths[rid] and Path(paths[rid]).exists()  # noqa: ASYNC240
    card = api.of("sendPhoto", WATER_CHAT)[0]
    assert "Marie" in card.params["caption"]
    await s.agent_reply(
        WATER_AGENT_P, WATER_CHAT, card.result["message_id"], "Bonjour Marie, rue des Lilas ?"
    )

    await s.say(MARIE, "/privacy")
    await s.press(MARIE, me, "p:erase")
    await s.press(MARIE, me, "p:erase!")
    assert "vos données sont effacées" in api.texts(me)[-1]
    assert not [c for c in api.of("editMessageText", WATER_CHAT) if c.result is None]
    edits = [
        c
        for c in api.of("editMessageCaption", WATER_CHAT)
        if c.params["message_id"] == card.result["message_id"]
    ]
    assert edits, "the photo card's caption was not edited"
    caption = edits[-1].params["caption"]
    assert "Marie" not in caption and "Lilas" not in caption and f"#{rid}" in caption
    async with env.runtime.deps.sessions() as db:
        notes = (
            await db.scalars(select(ReportEvent.note).where(ReportEvent.report_id == rid))
        ).all()
        left = {p.report_id for p in (await db.scalars(select(Photo))).all()}
    assert all(n is None or "Lilas" not in n for n in notes)
    assert left == {other} and Path(paths[other]).exists()  # noqa: ASYNC240


async def _report_with_photo(env: Env) -> int:
    return await _photo_report(
        env, MARIE, "Fuite d'eau devant chez moi", "3 rue des Lilas, appelez le 06 12 34 56 78"
    )
