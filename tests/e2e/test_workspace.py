"""The agents' workspace end to end, through the fake Bot API: take, hand over, release, /mine,
notes and replies (a plain reply is a note; /reply and templates are shown before they are
sent), reopening with a reason, the "after" photo, response-time reminders and escalation
with the clock moved; and who may not do any of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Person, Story
from bot.runtime import Runtime
from storage.enums import EventKind, PhotoKind, ReportStatus
from storage.models import Photo, Report, ReportEvent
from tests.conftest import ROADS_CHAT, WATER_CHAT, Clock, make_config
from tests.e2e.conftest import JOHN, MARIE, ROADS_AGENT_P, STRANGER, WATER_AGENT_P, Env
from tests.e2e.test_story import _report

PIA = Person(503, "Pia")  # Paul's colleague at the water service
SUPERVISORS = -1050
TEMPLATES: list[dict[str, Any]] = [
    {
        "service": "water",
        "code": "coming",
        "label": "On passe",
        "text": {
            "fr": "Une équipe passe pour {ref} ({service}) à {address}.",
            "en": "A team is coming for {ref} ({service}) at {address}.",
        },
    },
    {
        "service": "water",
        "code": "fixed",
        "status": "resolved",
        "label": "Réparé",
        "text": {"fr": "{ref} est réparé : {status}.", "en": "{ref} is fixed: {status}."},
    },
]


@pytest.fixture
async def ws(api: FakeBotApi, db_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[Env]:
    cfg = make_config(
        db_url,
        tmp_path,
        api,
        bot={"administrators": [WATER_AGENT_P.user_id]},
        response_times={"escalation_chat_id": SUPERVISORS},
        templates=TEMPLATES,
    )
    services = [
        s.model_copy(update={"agents": [WATER_AGENT_P.user_id, PIA.user_id]})
        if s.code == "water"
        else s
        for s in cfg.services
    ]
    cfg = cfg.model_copy(update={"services": services})
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


async def _row(env: Env, rid: int) -> Report:
    async with env.runtime.deps.sessions() as s:
        return await s.get_one(Report, rid)


async def _events(env: Env, rid: int) -> list[ReportEvent]:
    async with env.runtime.deps.sessions() as s:
        rows = await s.scalars(
            select(ReportEvent).where(ReportEvent.report_id == rid).order_by(ReportEvent.id)
        )
        return list(rows)


def _answer(env: Env) -> dict[str, Any]:
    return env.api.of("answerCallbackQuery")[-1].params


async def test_take_hand_over_release_and_mine(ws: Env) -> None:
    s, api = ws.story, ws.api
    rid = await _report(ws, MARIE, "Fuite d'eau rue Victor Hugo")
    await s.press(PIA, WATER_CHAT, "a:ack:")  # so that Pia's name is known
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:take:{rid}")
    card = api.of("editMessageText", WATER_CHAT)[-1]
    assert "Pris par Paul" in card.params["text"]
    labels = [b["callback_data"] for row in api.last_buttons(WATER_CHAT) for b in row]
    assert f"a:rel:{rid}" in labels and f"a:take:{rid}" not in labels
    assert (await _row(ws, rid)).assignee_telegram_id == WATER_AGENT_P.user_id

    await s.post(s.updates.group_text(WATER_AGENT_P, WATER_CHAT, "/mine"))
    assert f"#{rid}" in api.texts(WATER_CHAT)[-1]
    await s.post(s.updates.group_text(PIA, WATER_CHAT, "/mine"))
    assert "aucun signalement" in api.texts(WATER_CHAT)[-1]

    # Hand over: the picker offers the service's agents (not the one who has it).
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:hand:{rid}")
    offered = [b["callback_data"] for row in api.last_buttons(WATER_CHAT) for b in row]
    assert f"a:to:{rid}:{PIA.user_id}" in offered
    assert f"a:to:{rid}:{WATER_AGENT_P.user_id}" not in offered
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:to:{rid}:{PIA.user_id}")
    assert "Pris par Pia" in api.of("editMessageText", WATER_CHAT)[-1].params["text"]
    await s.post(s.updates.group_text(PIA, WATER_CHAT, "/mine"))
    assert f"#{rid}" in api.texts(WATER_CHAT)[-1]

    # Handing to someone outside the service is refused, whatever the button says.
    chat = s.updates.group(WATER_CHAT)
    forged = f"a:to:{rid}:{ROADS_AGENT_P.user_id}"
    await s.post(s.updates.press(PIA, chat, 7, forged))
    assert _answer(ws)["show_alert"] is True and "pas agent de ce service" in _answer(ws)["text"]
    assert (await _row(ws, rid)).assignee_telegram_id == PIA.user_id

    await s.press(PIA, WATER_CHAT, f"a:rel:{rid}")
    assert "Pris par" not in api.of("editMessageText", WATER_CHAT)[-1].params["text"]
    assert (await _row(ws, rid)).assignee_telegram_id is None
    kinds = [e.kind for e in await _events(ws, rid)]
    assert kinds.count(EventKind.ASSIGN) == 3


async def test_a_plain_reply_is_a_note_and_reply_is_shown_before_sending(ws: Env) -> None:
    s, api, me = ws.story, ws.api, MARIE.user_id
    rid = await _report(ws, MARIE, "Fuite d'eau rue Victor Hugo")
    card = api.last_message_id(WATER_CHAT)
    told = len(api.texts(me))
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, card, "Vanne à couper d'abord, voir Pia")
    assert len(api.texts(me)) == told  # a note never reaches the resident
    assert "Note interne" in api.texts(WATER_CHAT)[-1]

    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, card, "/reply Nous passons demain matin.")
    preview = api.texts(WATER_CHAT)[-1]
    assert "Ceci partira à l'habitant" in preview and "en français" in preview
    assert "Nous passons demain matin." in preview
    assert len(api.texts(me)) == told  # not yet
    # Cancel: nothing goes; a second draft, sent, goes once even when pressed twice.
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:drop:{rid}:")
    assert "rien n'a été envoyé" in _answer(ws)["text"]
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, card, "/reply Nous passons demain matin.")
    message_id, data = api.button(WATER_CHAT, f"a:send:{rid}:")
    for _ in range(2):
        await s.post(s.updates.press(WATER_AGENT_P, s.updates.group(WATER_CHAT), message_id, data))
    got = api.texts(me)[told:]
    assert len(got) == 1 and "Nous passons demain matin." in got[0]

    events = await _events(ws, rid)
    notes = [e.note for e in events if e.kind is EventKind.NOTE]
    replies = [e.note for e in events if e.kind is EventKind.REPLY]
    assert notes == ["Vanne à couper d'abord, voir Pia"]
    assert replies == ["Nous passons demain matin."]
    assert not [e for e in events if e.kind is EventKind.REPLY_DRAFT]  # the cancelled one


async def test_a_template_in_the_residents_language_with_its_status(ws: Env) -> None:
    s, api, me = ws.story, ws.api, JOHN.user_id
    rid = await _report(ws, JOHN, "Water leaking from a pipe on Elm Street")
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:ans:{rid}")
    labels = [b["text"] for row in api.last_buttons(WATER_CHAT) for b in row]
    assert "On passe" in labels and "Réparé → résolu" in labels
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:tpl:{rid}:")  # the first: "coming"
    preview = api.texts(WATER_CHAT)[-1]
    assert "en anglais" in preview and f"A team is coming for #{rid} (Water)" in preview
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:send:{rid}:")
    assert f"A team is coming for #{rid} (Water)" in api.texts(me)[-1]

    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:ans:{rid}")
    message_id, data = next(
        (m, b["callback_data"])
        for m, row in [(api.last_message_id(WATER_CHAT), r) for r in api.last_buttons(WATER_CHAT)]
        for b in row
        if b["text"].startswith("Réparé")
    )
    await s.post(s.updates.press(WATER_AGENT_P, s.updates.group(WATER_CHAT), message_id, data))
    assert "résolu" in api.texts(WATER_CHAT)[-1]  # the preview says the status it sets
    assert (await _row(ws, rid)).status is ReportStatus.NEW
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:send:{rid}:")
    assert (await _row(ws, rid)).status is ReportStatus.RESOLVED
    assert f"#{rid} is fixed: resolved." in api.texts(me)[-1]


async def test_reopen_with_a_reason_the_resident_reads(ws: Env) -> None:
    s, api, me = ws.story, ws.api, MARIE.user_id
    rid = await _report(ws, MARIE, "Fuite d'eau rue Victor Hugo")
    card = api.last_message_id(WATER_CHAT)
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    assert [[b["callback_data"] for b in row] for row in api.last_buttons(WATER_CHAT)] == [
        [f"a:reo:{rid}"]
    ]
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:reo:{rid}")
    assert "/reopen" in _answer(ws)["text"]
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, card, "/reopen")  # no reason
    assert "/reopen" in api.texts(WATER_CHAT)[-1]
    assert (await _row(ws, rid)).status is ReportStatus.RESOLVED
    await s.agent_reply(ROADS_AGENT_P, WATER_CHAT, card, "/reopen pour voir")  # not theirs
    assert (await _row(ws, rid)).status is ReportStatus.RESOLVED
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, card, "/reopen La fuite a repris ce matin")
    assert (await _row(ws, rid)).status is ReportStatus.REOPENED
    told = api.texts(me)[-1]
    assert "rouvert" in told and "La fuite a repris ce matin" in told
    assert f"a:ack:{rid}" in [
        b["callback_data"] for row in api.last_buttons(WATER_CHAT) for b in row
    ]
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, card, "/reopen encore")  # already open
    assert "encore ouvert" in api.texts(WATER_CHAT)[-1]


async def test_the_after_photo_goes_with_the_resolved_notice(ws: Env) -> None:
    s, api, me = ws.story, ws.api, MARIE.user_id
    rid = await _report(ws, MARIE, "Fuite d'eau rue Victor Hugo")
    card = api.last_message_id(WATER_CHAT)
    photo = s.updates.photo(WATER_AGENT_P, "AgACafter")
    photo["message"]["chat"] = s.updates.group(WATER_CHAT)
    photo["message"]["reply_to_message"] = {
        "message_id": card,
        "date": 0,
        "chat": s.updates.group(WATER_CHAT),
        "text": "…",
    }
    await s.post(photo)
    assert "avec l'avis de résolution" in api.texts(WATER_CHAT)[-1]
    assert not api.of("sendPhoto", me)
    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    (sent,) = api.of("sendPhoto", me)
    assert sent.params["photo"] == "AgACafter" and "résolu" in sent.params["caption"]
    # The card keeps its own (text) form: the after photo is not the report's photo.
    assert "editMessageText" in {c.method for c in api.of("editMessageText", WATER_CHAT)}
    async with ws.runtime.deps.sessions() as db:
        kept = (await db.scalars(select(Photo).where(Photo.report_id == rid))).all()
    assert [(p.file_id, p.kind) for p in kept] == [("AgACafter", PhotoKind.AFTER)]
    # A stranger's photo in reply to the card is refused and kept nowhere.
    photo["message"]["from"] = STRANGER.user
    photo["update_id"] += 1000
    photo["message"]["message_id"] += 1000
    await s.post(photo)
    async with ws.runtime.deps.sessions() as db:
        assert len((await db.scalars(select(Photo).where(Photo.report_id == rid))).all()) == 1


async def test_a_reminder_then_one_escalation_as_time_passes(ws: Env, clock: Clock) -> None:
    s, api = ws.story, ws.api
    rid = await _report(ws, MARIE, "Fuite d'eau rue Victor Hugo")
    jobs = ws.runtime.jobs
    assert jobs is not None
    clock.advance(hours=30)  # 48 h to acknowledge; re-announced at 80 %
    assert (await jobs.run_once())["response_times"] == 0
    clock.advance(hours=9)  # 39 h
    assert (await jobs.run_once())["response_times"] == 1
    await ws.runtime.settle()
    reminder = api.of("sendMessage", WATER_CHAT)[-1]
    assert f"#{rid}" in reminder.params["text"] and "prise en compte" in reminder.params["text"]
    assert (await jobs.run_once())["response_times"] == 0  # once
    clock.advance(hours=10)  # 49 h: past the limit
    assert (await jobs.run_once())["response_times"] == 1
    await ws.runtime.settle()
    (escalated,) = api.of("sendMessage", SUPERVISORS)
    assert "Escalade" in escalated.params["text"] and f"#{rid}" in escalated.params["text"]
    assert "EN RETARD" in api.of("editMessageText", WATER_CHAT)[-1].params["text"]
    assert (await jobs.run_once())["response_times"] == 0
    assert len(api.of("sendMessage", SUPERVISORS)) == 1
    # Overdue first in /queue, before an older report that is not.
    await s.post(s.updates.group_text(WATER_AGENT_P, WATER_CHAT, "/queue"))
    assert f"⏰ EN RETARD #{rid}" in api.texts(WATER_CHAT)[-1]


async def test_a_resident_or_another_services_agent_is_refused_everything(ws: Env) -> None:
    s, api = ws.story, ws.api
    rid = await _report(ws, MARIE, "Fuite d'eau rue Victor Hugo")
    card = api.last_message_id(WATER_CHAT)
    told = len(api.texts(MARIE.user_id))
    chat = s.updates.group(WATER_CHAT)
    for who in (ROADS_AGENT_P, MARIE, STRANGER):
        for data in (f"a:take:{rid}", f"a:hand:{rid}", f"a:ans:{rid}", f"a:tpl:{rid}:1"):
            await s.post(s.updates.press(who, chat, card, data))
            assert _answer(ws)["show_alert"] is True
        await s.agent_reply(who, WATER_CHAT, card, "une note")
        await s.agent_reply(who, WATER_CHAT, card, "/reply un message")
        assert "seuls les agents" in api.texts(WATER_CHAT)[-1]
    # A colleague's draft id on another report, or a made-up one, sends nothing.
    await s.agent_reply(WATER_AGENT_P, WATER_CHAT, card, "/reply Bonjour")
    draft = next(e for e in await _events(ws, rid) if e.kind is EventKind.REPLY_DRAFT)
    other = await _report(ws, JOHN, "Water leak near the station on Elm Street")
    for data in (f"a:send:{other}:{draft.id}", f"a:send:{rid}:999999"):
        await s.post(s.updates.press(WATER_AGENT_P, chat, card, data))
        assert _answer(ws)["show_alert"] is True
    await s.post(
        s.updates.press(ROADS_AGENT_P, s.updates.group(ROADS_CHAT), 1, f"a:send:{rid}:{draft.id}")
    )
    assert _answer(ws)["show_alert"] is True
    assert len(api.texts(MARIE.user_id)) == told
    row = await _row(ws, rid)
    assert row.assignee_telegram_id is None and row.status is ReportStatus.NEW
    assert [e.kind for e in await _events(ws, rid) if e.kind is EventKind.NOTE] == []
