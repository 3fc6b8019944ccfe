"""The resident's report, end to end: webhook → inbox → handlers → outbox → fake Telegram."""

from __future__ import annotations

from sqlalchemy import select

from bot.demo.simulate import Person
from storage.enums import ReportStatus
from storage.models import Photo, Report, ReportEvent
from tests.conftest import DESK_AGENT, DESK_CHAT, ROADS_CHAT, WATER_CHAT
from tests.e2e.conftest import JOHN, MARIE, ROADS_AGENT_P, WATER_AGENT_P, Env


async def _report(env: Env, who, text: str) -> int:  # type: ignore[no-untyped-def]
    """Text → confirm the suggested service → location → skip photo → send."""
    s, me = env.story, who.user_id
    await s.say(who, text)
    await s.press(who, me, "d:ok")
    await s.post(s.updates.location(who, 45.76, 4.83))
    if any(
        b["callback_data"].startswith("d:notsame") for row in env.api.last_buttons(me) for b in row
    ):
        await s.press(who, me, "d:notsame")  # offered a similar report nearby: it is another one
    await s.press(who, me, "d:nophoto")
    await s.press(who, me, "d:send")
    async with env.runtime.deps.sessions() as db:
        return int(await db.scalar(select(Report.id).order_by(Report.id.desc()).limit(1)) or 0)


async def test_whole_story_in_french(env: Env) -> None:
    api, s = env.api, env.story
    await s.say(MARIE, "/start")
    assert "Bonjour Marie" in api.texts(MARIE.user_id)[0]
    await s.say(MARIE, "Grosse fuite d'eau devant le 12 rue Victor Hugo, ça coule depuis ce matin")
    assert "<b>Eau</b>" in api.texts(MARIE.user_id)[-1]
    await s.press(MARIE, MARIE.user_id, "d:ok:")
    assert "Où est-ce" in api.texts(MARIE.user_id)[-1]
    await s.post(s.updates.location(MARIE, 45.76, 4.83))
    await s.press(MARIE, MARIE.user_id, "d:nophoto")
    assert "Votre signalement" in api.texts(MARIE.user_id)[-1]
    await s.press(MARIE, MARIE.user_id, "d:send")
    thanks, surveys_question = api.texts(MARIE.user_id)[-2:]
    assert "#1" in thanks and "Eau" in thanks
    assert "enquêtes" not in thanks and "/surveys" in surveys_question

    (card,) = api.of("sendMessage", WATER_CHAT)
    assert "#1" in card.params["text"] and "Marie" in card.params["text"]
    assert "openstreetmap.org/?mlat=45.760000" in card.params["text"]
    assert ">12 rue Victor Hugo</a>" in card.params["text"]  # the words of the text, linked
    assert "26/11/2026 10:00" in card.params["text"]  # 09:00 UTC, shown in the town's time
    assert api.of("sendMessage", ROADS_CHAT) == []

    await s.press(WATER_AGENT_P, WATER_CHAT, "a:prog:1")
    assert "en cours" in api.texts(MARIE.user_id)[-1]
    edit = api.of("editMessageText", WATER_CHAT)[-1]
    assert edit.params["message_id"] == card.result["message_id"]
    assert "Paul" in edit.params["text"]

    # A plain reply to the card is a note for agents; /reply shows the words, then sends them.
    told = len(api.texts(MARIE.user_id))
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, card.result["message_id"], "Équipe dispo à 14h")
    assert len(api.texts(MARIE.user_id)) == told
    await s.agent_reply(
        WATER_AGENT_P, WATER_CHAT, card.result["message_id"], "/reply On arrive à 14h."
    )
    assert "en français" in api.texts(WATER_CHAT)[-1]
    await s.press(WATER_AGENT_P, WATER_CHAT, "a:send:1:")
    relayed = api.texts(MARIE.user_id)[-1]
    assert "On arrive à 14h." in relayed and "#1" in relayed

    notice = api.last_message_id(MARIE.user_id)
    await s.say(MARIE, "Merci, je serai là, sonnez au 06 12 34 56 78", reply_to=notice)
    back = api.of("sendMessage", WATER_CHAT)[-1]
    assert "Merci, je serai là, sonnez au [téléphone]" in back.params["text"]  # masked
    assert back.params["reply_parameters"]["message_id"] == card.result["message_id"]

    await s.press(WATER_AGENT_P, WATER_CHAT, "a:res:1")
    assert "résolu" in api.texts(MARIE.user_id)[-1]
    await s.say(MARIE, "/myreports")
    assert "#1 · Eau · résolu" in api.texts(MARIE.user_id)[-1]

    async with env.runtime.deps.sessions() as db:
        events = (await db.scalars(select(ReportEvent).order_by(ReportEvent.id))).all()
    statuses = [e.new_status for e in events if e.new_status]
    assert statuses == [ReportStatus.NEW, ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED]


async def test_whole_story_in_english_with_a_photo_and_a_move(env: Env) -> None:
    api, s, me = env.api, env.story, JOHN.user_id
    await s.say(JOHN, "/start")
    assert api.texts(me)[0].startswith("Hello John")
    await s.post(s.updates.photo(JOHN, "AgACphoto1", caption="Water leaking from a pipe on Elm St"))
    assert "<b>Water</b>" in api.texts(me)[-1]
    await s.press(JOHN, me, "d:ok:")
    await s.say(JOHN, "12 Elm Street, by the bakery")
    summary = api.texts(me)[-1]
    assert "12 Elm Street" in summary and "Photo: yes" in summary
    await s.press(JOHN, me, "d:send")
    assert "Thank you! Your report <b>#1</b>" in api.texts(me)[-2]
    assert "/surveys" in api.texts(me)[-1]
    (card,) = api.of("sendPhoto", WATER_CHAT)
    assert card.params["photo"] == "AgACphoto1"
    async with env.runtime.deps.sessions() as db:
        photo = await db.scalar(select(Photo))
    assert photo is not None and photo.path is not None and photo.path.endswith(".jpg")
    assert api.of("getFile")

    # The water agent says "not ours": the card moves to roads, whose agent resolves it.
    await s.press(WATER_AGENT_P, WATER_CHAT, "a:no:1")
    await s.press(WATER_AGENT_P, WATER_CHAT, "a:mv:1:roads")
    moved_notice, consent = api.texts(me)[-2:]
    assert "passed to Roads" in moved_notice
    assert "asked only once" in consent  # the agent's correction: John is asked once
    (moved,) = api.of("sendPhoto", ROADS_CHAT)
    assert "#1" in moved.params["caption"]
    await s.press(ROADS_AGENT_P, ROADS_CHAT, "a:res:1")
    assert "is now <b>resolved</b>" in api.texts(me)[-1]
    # The water agent can no longer act on it.
    await s.press(WATER_AGENT_P, WATER_CHAT, "a:ack:1")
    refusal = api.of("answerCallbackQuery")[-1]
    assert refusal.params["show_alert"] is True
    async with env.runtime.deps.sessions() as db:
        report = await db.get_one(Report, 1)
    assert report.service_code == "roads" and report.status is ReportStatus.RESOLVED


async def test_agent_marks_a_duplicate(env: Env) -> None:
    first = await _report(env, MARIE, "Fuite d'eau rue Victor Hugo")
    second = await _report(env, JOHN, "Water leak on Victor Hugo street")
    await env.story.press(WATER_AGENT_P, WATER_CHAT, f"a:dup:{second}")
    await env.story.press(WATER_AGENT_P, WATER_CHAT, f"a:dupof:{second}:{first}")
    assert f"#{first}" in env.api.texts(JOHN.user_id)[-1]
    async with env.runtime.deps.sessions() as db:
        report = await db.get_one(Report, second)
    assert report.status is ReportStatus.DUPLICATE and report.duplicate_of == first


async def test_an_urgent_report_is_flagged_and_pinned_until_closed(env: Env) -> None:
    api, me = env.api, MARIE.user_id
    rid = await _report(env, MARIE, "Odeur de gaz très forte devant l'école rue Pasteur")
    assert any("112" in t for t in api.texts(me))  # the emergency numbers, at once
    (card,) = api.of("sendMessage", DESK_CHAT)  # gas: the town hall desk
    assert "URGENT" in card.params["text"]
    (pin,) = api.of("pinChatMessage", DESK_CHAT)
    assert pin.params["message_id"] == card.result["message_id"]
    await env.story.press(Person(DESK_AGENT, "Desk"), DESK_CHAT, f"a:res:{rid}")
    (unpin,) = api.of("unpinChatMessage", DESK_CHAT)
    assert unpin.params["message_id"] == card.result["message_id"]
