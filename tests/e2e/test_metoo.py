"""A report's shared link, end to end: a neighbour opens it, says "me too", hears of the fix,
is thanked and asked whether it is fixed; refusals for doubles, one's own, closed and forged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.demo.simulate import Person
from core.callbacks import MeTooAction
from core.reports import metoo
from storage.models import CoReporter
from tests.conftest import WATER_CHAT, Clock
from tests.e2e.conftest import JOHN, MARIE, WATER_AGENT_P, Env
from tests.e2e.test_questionnaire import _questions
from tests.e2e.test_story import _report

LEA = Person(1003, "Léa", "fr")


def _link(env: Env, rid: int) -> str:
    return metoo.link("senscommun_bot", rid, env.runtime.deps.settings.link_secret)


def _start(env: Env, rid: int) -> str:
    """What a resident who opens the report's link sends."""
    return "/start " + _link(env, rid).split("start=")[1]


def _alert(env: Env) -> tuple[str, bool]:
    last = env.api.of("answerCallbackQuery")[-1].params
    return str(last.get("text", "")), bool(last.get("show_alert"))


def _has_me_too(env: Env, chat: int) -> bool:
    """Whether the last message sent to ``chat`` has a "Me too" button."""
    markup = env.api.of("sendMessage", chat)[-1].params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", [])
    return any(str(b["callback_data"]).startswith("m:") for row in rows for b in row)


async def test_link_me_too_fix_thanks_and_questionnaire(env: Env, clock: Clock) -> None:
    s, api = env.story, env.api
    marie, john = MARIE.user_id, JOHN.user_id
    rid = await _report(env, MARIE, "Grosse fuite d'eau sur le trottoir rue Victor Hugo")
    thanks = next(t for t in api.texts(marie) if "Votre signalement <b>#" in t)
    assert _link(env, rid) in thanks and "moi aussi" in thanks
    await s.say(MARIE, "/myreports")
    assert "Liens à partager" in api.texts(marie)[-1]
    assert f"#{rid} : {_link(env, rid)}" in api.texts(marie)[-1]

    await s.say(JOHN, _start(env, rid))
    shown = api.texts(john)[-1]
    assert f"<b>Report #{rid}</b> · Water" in shown and "Status: new" in shown
    assert "Grosse fuite d'eau sur le trottoir rue Victor Hugo" in shown
    assert "Marie" not in shown and "Nobody else has reported it yet." in shown
    assert _has_me_too(env, john)

    await s.press(JOHN, john, "m:")
    assert api.texts(john)[-1] == (
        f"Thank you! You now follow report #{rid}: I will tell you how it goes."
    )
    assert api.of("editMessageReplyMarkup", john)  # the button is gone
    card = api.of("editMessageText", WATER_CHAT)[-1].params["text"]
    assert "👥 1 autre(s) habitant(s) signalent le même problème" in card and "John" not in card
    async with env.runtime.deps.sessions() as db:
        assert len((await db.scalars(select(CoReporter))).all()) == 1

    await s.press(JOHN, john, "m:")  # the same button, pressed again
    assert _alert(env) == (f"You already follow report #{rid}.", True)
    await s.say(MARIE, _start(env, rid))  # her own link
    assert "C'est votre signalement" in api.texts(marie)[-1] and not _has_me_too(env, marie)
    await s.say(JOHN, _start(env, rid))
    assert "1 other resident(s) said “me too”" in api.texts(john)[-1]
    assert not _has_me_too(env, john)

    await s.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    assert "<b>résolu</b>" in api.texts(marie)[-1]
    assert "🙏 Merci pour votre part" in api.texts(marie)[-1]
    assert "<b>resolved</b>" in api.texts(john)[-1]
    assert "🙏 Thank you for your part" in api.texts(john)[-1]

    clock.advance(hours=24)
    await env.runtime.jobs.run_once()
    await env.runtime.settle()
    (fr,), (en,) = _questions(env, marie), _questions(env, john)
    assert f"#{rid}" in fr and "réglé" in fr
    assert f"#{rid}" in en and "Is it fixed?" in en

    await s.say(LEA, _start(env, rid))  # too late: it is resolved
    assert f"Le signalement #{rid} est clos (résolu)" in api.texts(LEA.user_id)[-1]
    assert not _has_me_too(env, LEA.user_id)

    await s.say(JOHN, "/me")
    assert "🙋 Reports joined (“me too”): 1, of which 1 resolved" in api.texts(john)[-1]
    assert "📝 Reports: 0, of which 0 resolved" in api.texts(john)[-1]
    await s.say(MARIE, "/me")
    assert "📝 Signalements : 1, dont 1 résolu(s)" in api.texts(marie)[-1]
    await s.say(LEA, "/me")
    assert api.texts(LEA.user_id)[-1].startswith("Vous n'avez encore rien signalé")


def _signature_of(env: Env, rid: int) -> str:
    return MeTooAction.signed(rid, env.runtime.deps.settings.link_secret).signature


async def test_forged_and_stale_me_too_presses_are_refused(env: Env) -> None:
    s, api = env.story, env.api
    rid = await _report(env, MARIE, "Grosse fuite d'eau sur le trottoir rue Victor Hugo")
    private = s.updates.private(JOHN)
    await s.post(s.updates.press(JOHN, private, 1, "m:999999"))
    text, alert = _alert(env)
    assert alert and "no longer valid" in text
    # A forged press naming a real open report, unsigned or signed wrongly, joins nothing.
    for forged in (f"m:{rid}", f"m:{rid}:AAAAAAAAAA", f"m:{rid + 1}:" + _signature_of(env, rid)):
        await s.post(s.updates.press(JOHN, private, 1, forged))
        text, alert = _alert(env)
        assert alert and "no longer valid" in text
    await s.post(s.updates.press(JOHN, private, 1, "m:x"))
    text, alert = _alert(env)
    assert alert and "no longer valid" in text
    mine = MeTooAction.signed(rid, env.runtime.deps.settings.link_secret).encode()
    await s.post(s.updates.press(MARIE, s.updates.private(MARIE), 1, mine))
    text, alert = _alert(env)
    assert alert and "C'est votre signalement" in text
    await s.say(JOHN, "/start rnope")  # not a report's link: a plain welcome
    assert api.texts(JOHN.user_id)[-2].startswith("Hello John!")
    async with env.runtime.deps.sessions() as db:
        assert (await db.scalars(select(CoReporter))).all() == []
    assert "autre(s) habitant(s)" not in api.of("sendMessage", WATER_CHAT)[-1].params["text"]


async def test_agents_queue_puts_shared_problems_first(env: Env) -> None:
    s, api = env.story, env.api
    first = await _report(env, MARIE, "Fuite d'eau rue Pasteur")
    second = await _report(env, LEA, "Compteur d'eau cassé place Bellecour")
    await s.say(JOHN, _start(env, second))
    await s.press(JOHN, JOHN.user_id, "m:")

    def queue(who: Person) -> dict[str, Any]:
        update = s.updates.group_text(who, WATER_CHAT, "/queue")
        update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
        return update

    await s.post(queue(WATER_AGENT_P))
    lines = api.texts(WATER_CHAT)[-1].splitlines()
    assert lines[1:] == [
        f"#{second} · Eau · nouveau · 26/11/2026 · 👥 +1",
        f"#{first} · Eau · nouveau · 26/11/2026",
    ]
    await s.post(queue(JOHN))  # not an agent
    assert api.texts(WATER_CHAT)[-1].startswith("/queue liste les signalements ouverts")
