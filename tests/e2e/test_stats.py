"""/stats end to end: residents get the public figures and a chart, agents their service's."""

from __future__ import annotations

from bot.demo.simulate import Person
from handlers.failures import REPLY_BACKOFF
from tests.conftest import WATER_CHAT, Clock
from tests.e2e.conftest import ANON_ADMIN, JOHN, MARIE, ROADS_AGENT_P, STRANGER, WATER_AGENT_P, Env
from tests.e2e.test_story import _report

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def _group_command(env: Env, who: Person, chat: int, text: str) -> None:
    update = env.story.updates.group_text(who, chat, text)
    update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    await env.story.post(update)


async def _two_water_reports_one_resolved(env: Env, clock: Clock) -> None:
    rid = await _report(env, MARIE, "Grosse fuite d'eau devant le 12 rue Victor Hugo")
    await _report(env, JOHN, "Fuite d'eau sur le trottoir de la rue Pasteur, ça inonde")
    clock.advance(hours=5)
    await env.story.press(WATER_AGENT_P, WATER_CHAT, f"a:res:{rid}")
    clock.advance(hours=1)


async def test_residents_get_the_public_figures_with_a_chart(env: Env, clock: Clock) -> None:
    await _two_water_reports_one_resolved(env, clock)
    api = env.api
    await env.story.say(MARIE, "/stats")
    (photo,) = api.of("sendPhoto", MARIE.user_id)
    caption = photo.params["caption"]
    assert caption.startswith("📊 <b>Chiffres publics des services</b>, 90 derniers jours")
    assert "<b>Eau</b> — signalements : 2 · résolus : 50\xa0% · délai médian : 5 h" in caption
    assert "satisfaction : —" in caption  # nobody has rated yet
    assert api.files[-1].startswith(PNG_MAGIC)

    await env.story.say(JOHN, "/stats")
    (photo,) = api.of("sendPhoto", JOHN.user_id)
    assert "<b>Water</b> — reports: 2 · resolved: 50% · median time: 5 h" in photo.params["caption"]
    assert api.files[-1].startswith(PNG_MAGIC)
    assert api.of("sendMessage", JOHN.user_id)[-2].params["text"].startswith("Thank you")


async def test_agents_get_their_services_details_in_their_chat(env: Env, clock: Clock) -> None:
    await _two_water_reports_one_resolved(env, clock)
    api = env.api
    await _group_command(env, WATER_AGENT_P, WATER_CHAT, "/stats")
    (photo,) = api.of("sendPhoto", WATER_CHAT)  # short enough: the figures are its caption
    detail = photo.params["caption"]
    assert detail.startswith("📊 <b>Eau</b> : 90 derniers jours")
    assert (
        "Signalements reçus : 2 · résolus : 1 (50\xa0%) · délai médian de résolution : 5 h"
        in detail
    )
    # The second report, six hours old, is not late yet: it counts for nothing.
    assert (
        "Prise en compte : médiane 5 h · en 2 j : 100\xa0% · résolus en 14 j : 100\xa0%"
        " (objectifs par défaut)" in detail
    )
    assert "« C'est réparé ? » envoyés : 0 · réponses : 0 (taux —)" in detail
    assert "Indice de confiance : —" in detail and "<b>Mois par mois</b>" in detail
    assert "Voirie" not in detail  # only their own service
    assert api.files[-1].startswith(PNG_MAGIC)

    for who in (STRANGER, ROADS_AGENT_P, ANON_ADMIN):  # not an agent of this chat's service
        await _group_command(env, who, WATER_CHAT, "/stats")
        refusal = api.of("sendMessage", WATER_CHAT)[-1].params["text"]
        assert refusal.startswith("Les chiffres détaillés sont réservés aux agents")
    assert len(api.of("sendPhoto", WATER_CHAT)) == 1


async def test_a_refused_chart_still_leaves_the_figures(env: Env, clock: Clock) -> None:
    await _two_water_reports_one_resolved(env, clock)

    async def at_once(_seconds: float) -> None:  # a reply's retries, without waiting
        return None

    env.runtime.app.bot_data.pause = at_once
    # Refused each time it is tried (a direct reply is tried again on a 5xx).
    env.api.fail_next["sendPhoto"] = len(REPLY_BACKOFF) + 1
    await env.story.say(MARIE, "/stats")
    assert env.api.of("sendPhoto", MARIE.user_id) == []
    figures = env.api.texts(MARIE.user_id)[-1]
    assert "<b>Eau</b> — signalements : 2 · résolus : 50\xa0%" in figures
