"""When a message may be urgent, the town's emergency numbers come first, in the resident's
language, before any other question."""

from __future__ import annotations

import dataclasses

import pytest

from core.conversation import drafts
from core.conversation.intake import Intake
from core.deps import Deps, EmergencyNumber
from core.residents import directory as residents
from nlp.types import Classification, Intent
from tests.core.conftest import svc  # noqa: F401  (the fixture: a migrated database)


async def _first_reply(deps: Deps, text: str, lang: str) -> str:
    deps.nlp.answer = Classification(  # type: ignore[attr-defined]
        "other", 0.9, (), Intent.REPORT, lang, urgent=True, urgency_reasons=("gas",)
    )
    async with deps.sessions() as s:
        who = await residents.touch(s, 4001, 4001, "Ana", lang, deps.clock())
        replies = await Intake(s, deps, who, 4001, deps.clock()).text(text)
        await s.commit()
    return replies[0].text


async def test_the_default_numbers_of_the_country_come_first(svc: Deps) -> None:  # noqa: F811
    first = await _first_reply(svc, "Ça sent le gaz dans la cage d'escalier", "fr")
    assert all(n in first for n in ("112 (urgences)", "15 (SAMU)", "18 (pompiers)"))


async def test_a_towns_own_numbers_in_the_residents_language(svc: Deps) -> None:  # noqa: F811
    town = dataclasses.replace(
        svc, emergency=(EmergencyNumber("999", {"fr": "urgences", "en": "emergency"}),)
    )
    first = await _first_reply(town, "Smell of gas in the stairwell", "en")
    assert "999 (emergency)" in first and "112" not in first


@pytest.mark.parametrize(
    ("reasons", "card_urgent", "danger"),
    [(("gas",), True, "gas"), (("danger:gas_chemicals",), False, "gas_chemicals")],
)
async def test_the_learnt_score_alone_shows_the_numbers_but_does_not_mark_the_card(
    svc: Deps,  # noqa: F811
    reasons: tuple[str, ...],
    card_urgent: bool,
    danger: str,
) -> None:
    svc.nlp.answer = Classification(  # type: ignore[attr-defined]
        "other", 0.9, (), Intent.REPORT, "fr", urgent=True, urgency_reasons=reasons
    )
    async with svc.sessions() as s:
        who = await residents.touch(s, 4003, 4003, "Léo", "fr", svc.clock())
        replies = await Intake(s, svc, who, 4003, svc.clock()).text("Ça sent bizarre ici")
        draft = await drafts.load(s, 4003, 4003)
        await s.commit()
    assert "112" in replies[0].text
    assert draft is not None and draft.data.urgent is card_urgent
    assert draft.data.danger == danger  # agents see why, urgent or "may be urgent"
