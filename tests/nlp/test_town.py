"""A town's own services without retraining (nlp.town): declared services, rename, merge, split."""

from __future__ import annotations

import pytest

from nlp.pipeline import SpacyClassifier
from nlp.town import TownClassifier, TownServices
from nlp.types import Classification, Intent
from tests.nlp.shipped import shipped

SNOW = {
    "code": "snow",
    "keywords": {
        "fr": ["déneiger", "déneigement", "chasse-neige"],
        "en": ["snow", "grit", "gritting", "plough", "snowplow"],
    },
    "examples": {
        "fr": [
            "la rue n'a pas été déneigée ce matin",
            "le chasse-neige n'est pas passé dans notre quartier",
            "trottoirs verglacés, personne n'a salé",
        ],
        "en": [
            "our street has not been ploughed since the snowfall",
            "no gritting on the hill, cars sliding",
            "the snow plough skipped our road again",
        ],
    },
}
ORDINARY = [
    ("nid de poule énorme devant le 12 rue Victor Hugo", "fr"),
    ("la poubelle de la place déborde", "fr"),
    ("lampadaire éteint depuis trois jours rue Pasteur", "fr"),
    ("fuite d'eau sur le trottoir devant la boulangerie", "fr"),
    ("des tags sur le mur de l'école", "fr"),
    ("le bus 12 est encore en retard ce matin", "fr"),
    ("la salle des fêtes est sale après la soirée", "fr"),
    ("pothole outside the post office on Mill Lane", "en"),
    ("bins not collected on Elm Street again", "en"),
    ("street light out on the corner of Oak Road", "en"),
    ("loud music from the bar every night", "en"),
    ("car parked on the pavement blocking the pram", "en"),
    ("the grass in the park hasn't been cut for weeks", "en"),
    ("when does the library open on Sundays?", "en"),
    ("hello, thanks for your help", "en"),
]


@shipped
@pytest.mark.parametrize(
    ("text", "lang"),
    [("la rue n'est pas déneigée depuis hier", "fr"), ("nobody has gritted our road", "en")],
)
def test_a_declared_service_receives_its_messages(
    model: SpacyClassifier, text: str, lang: str
) -> None:
    town = TownClassifier(model, TownServices.from_config([SNOW]))
    assert town.classify(text, lang).service == "snow"


@shipped
def test_nothing_else_moves(model: SpacyClassifier) -> None:
    town = TownClassifier(model, TownServices.from_config([SNOW]))
    for text, lang in ORDINARY:
        base, mine = model.classify(text, lang), town.classify(text, lang)
        assert mine == base, text
    texts, langs = [t for t, _ in ORDINARY], [lang for _, lang in ORDINARY]
    assert town.classify_many(texts, langs) == model.classify_many(texts, langs)


class Fixed:
    """A stand-in base classifier that answers one classification."""

    def __init__(self, service: str, p: float, *alternatives: tuple[str, float]) -> None:
        self.c = Classification(service, p, tuple(alternatives), Intent.REPORT, "en")

    def classify(self, text: str, lang: str | None = None) -> Classification:
        return self.c

    def similarity(self, a: str, b: str) -> float:
        return 0.0


def test_rename_and_merge() -> None:
    base = Fixed("cleanliness", 0.5, ("waste", 0.3), ("green_spaces", 0.1), ("roads", 0.05))
    mapping = {"cleanliness": "streets", "waste": "streets", "green_spaces": "parks"}
    c = TownClassifier(base, TownServices.from_config(mapping=mapping)).classify("x", "en")
    assert (c.service, c.confidence) == ("streets", 0.8)
    assert c.alternatives[0] == ("parks", 0.1)
    assert not c.ask_service


def test_catalogue_sends_other_services_to_the_general_desk() -> None:
    base = Fixed("noise", 0.6, ("roads", 0.3))
    town = TownServices.from_config(catalogue=["roads", "other"])
    c = TownClassifier(base, town).classify("x", "en")
    assert (c.service, c.confidence) == ("other", 0.6) and c.ask_service


def test_split_takes_only_from_its_parent() -> None:
    cemeteries = {"code": "cemeteries", "within": "other",
                  "keywords": {"en": ["cemetery", "grave"]}}  # fmt: skip
    base = Fixed("other", 0.7, ("green_spaces", 0.3))
    town = TownClassifier(base, TownServices.from_config([cemeteries]))
    c = town.classify("the cemetery gate is broken", "en")
    assert c.service == "cemeteries"
    assert dict(c.alternatives)["green_spaces"] == 0.3  # untouched
    assert town.classify("the park gate is broken", "en").service == "other"


def test_keywords_match_inflections_not_other_words() -> None:
    town = TownClassifier(Fixed("roads", 0.9), TownServices.from_config([SNOW]))
    assert town.classify("the road was never gritted", "en").service == "snow"
    assert town.classify("chemin pas déneigé", "fr").service == "snow"
    assert town.classify("graffiti on the wall", "en").service == "roads"
    assert town.classify("snowdrops in the park are lovely", "en").service == "roads"


def test_within_must_be_built_in() -> None:
    with pytest.raises(ValueError, match="within"):
        TownServices.from_config([{"code": "a", "within": "b", "keywords": {"en": ["a"]}}])


def test_real_reports_are_held_out_by_town() -> None:
    from nlp.corpus import REAL_TRAIN_SOURCES, load_real

    learnt = load_real()
    assert learnt and {s.source for s in learnt} <= REAL_TRAIN_SOURCES
    assert "dc_visionzero_safety" not in REAL_TRAIN_SOURCES
