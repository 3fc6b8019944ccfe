"""When no service fits ("other" is the classifier's best guess, or it is unsure), the bot
asks the resident which service it is instead of telling her a guess."""

from __future__ import annotations

from core.conversation.intake import Intake
from core.deps import Deps
from core.residents import directory as residents
from nlp.types import Classification, Intent
from tests.core.conftest import svc  # noqa: F401  (the fixture: a migrated database)


async def _first(deps: Deps, c: Classification) -> tuple[str, list[str]]:
    deps.nlp.answer = c  # type: ignore[attr-defined]
    async with deps.sessions() as s:
        who = await residents.touch(s, 4002, 4002, "Léa", "fr", deps.clock())
        (reply,) = await Intake(s, deps, who, 4002, deps.clock()).text("Un souci près de l'école")
        await s.commit()
    labels = [label for row in reply.buttons or [] for label, _ in row]
    return reply.text, labels


async def test_a_sure_guess_is_suggested(svc: Deps) -> None:  # noqa: F811
    c = Classification("water", 0.9, (("roads", 0.05),), Intent.REPORT, "fr")
    text, _ = await _first(svc, c)
    assert text == svc.texts.get("fr", "report.suggest", service="Eau")


async def test_when_no_service_fits_the_resident_is_asked(svc: Deps) -> None:  # noqa: F811
    c = Classification(
        "other", 0.9, (("roads", 0.05), ("water", 0.03)), Intent.REPORT, "fr", ask_service=True
    )
    text, labels = await _first(svc, c)
    assert text == svc.texts.get("fr", "report.unsure")
    assert labels[:3] == ["Voirie", "Eau", "Accueil de la mairie"]  # and "none of these" last
