"""A question from the FAQ is answered at once; if it does not help, it becomes a report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.demo.fake_telegram import FakeBotApi
from bot.demo.simulate import Story
from bot.runtime import Runtime
from tests.conftest import Clock, make_config
from tests.e2e.conftest import JOHN, MARIE, Env

FAQ = [
    {
        "service": "waste",
        "question": {
            "fr": "Quels sont les horaires d'ouverture de la déchetterie ?",
            "en": "When is the recycling centre open?",
        },
        "answer": {
            "fr": "La déchetterie est ouverte du lundi au samedi, de 9 h à 18 h.",
            "en": "The recycling centre is open Monday to Saturday, 9 am to 6 pm.",
        },
    }
]


@pytest.fixture
async def faq_env(
    api: FakeBotApi, sqlite_url: str, tmp_path: Path, clock: Clock
) -> AsyncIterator[Env]:
    cfg = make_config(sqlite_url, tmp_path, api, faq=FAQ, nlp={"kind": "auto"})
    async with Runtime(cfg, clock=clock) as rt, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{rt.port}{cfg.webhook.path}"
        yield Env(api, rt, Story(http, url, cfg.webhook.secret_token, api, rt.settle), cfg, url)


async def test_a_faq_question_is_answered_at_once(faq_env: Env) -> None:
    s, api, me = faq_env.story, faq_env.api, MARIE.user_id
    await s.say(MARIE, "c'est quoi les horaires de la decheterie svp ?")
    assert "du lundi au samedi" in api.texts(me)[-1]
    await s.press(MARIE, me, "d:faqok:")
    assert "Tant mieux" in api.texts(me)[-1]


async def test_when_the_answer_does_not_help_it_goes_on_as_a_report(faq_env: Env) -> None:
    s, api, me = faq_env.story, faq_env.api, JOHN.user_id
    await s.say(JOHN, "what time does the recycling center open on sunday?")
    assert "Monday to Saturday" in api.texts(me)[-1]
    await s.press(JOHN, me, "d:faqno:")
    # Carried on as a report: the service step, whose buttons confirm or pick a service.
    assert any(b["callback_data"].startswith("d:ok:") for row in api.last_buttons(me) for b in row)
    assert "Monday to Saturday" not in api.texts(me)[-1]


async def test_writing_on_after_an_answer_starts_afresh(faq_env: Env) -> None:
    s, api, me = faq_env.story, faq_env.api, MARIE.user_id
    await s.say(MARIE, "c'est quoi les horaires de la decheterie svp ?")
    await s.say(MARIE, "Il y a une fuite d'eau rue Victor Hugo")
    assert "<b>Eau</b>" in api.texts(me)[-1]
