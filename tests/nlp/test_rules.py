"""Redaction, urgency, places and language identification: the rule-based parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.corpus import load_corpus
from nlp.langid import LanguageIdentifier
from nlp.places import PlaceFinder, normalise
from nlp.redact import redact
from nlp.urgency import assess


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Rappelez-moi au 06 12 34 56 78 svp", "fr", "Rappelez-moi au [téléphone] svp"),
        ("mon numéro : +33 6 12 34 56 78.", "fr", "mon numéro : [téléphone]."),
        ("call me on 07700 900123", "en", "call me on [phone]"),
        ("call (555) 123-4567 tonight", "en", "call [phone] tonight"),
        ("or +44 20 7946 0958", "en", "or [phone]"),
        ("écrivez à jean.dupont@example.fr", "fr", "écrivez à [e-mail]"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", "fr", "IBAN [IBAN] merci"),
        ("card 4111 1111 1111 1111 was charged", "en", "card [card number] was charged"),
        ("NI number AB 12 34 56 C", "en", "NI number [national id]"),
    ],
)
def test_redaction(text: str, lang: str, expected: str) -> None:
    assert redact(text, lang) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nid de poule devant le 12 rue Victor Hugo depuis le 03/05/2024 à 18h30",
        "bus 142 late again, 2 hours on 12 March 2024",
        "3 lampadaires éteints entre le 10 et le 24 avenue Foch",
    ],
)
def test_redaction_keeps_what_agents_need(text: str) -> None:
    assert redact(text, "fr") == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Ça sent le gaz dans toute la rue", "gas"),
        ("strong smell of gas outside number 4", "gas"),
        ("il y a des fils électriques dénudés qui pendent du poteau", "electricity"),
        ("Live wires hanging from the lamp post!", "electricity"),
        (
            "Tree down blocking Oakwood Drive after the storm, power line tangled in it",
            "electricity",
        ),
        ("Tree down blocking Oakwood Drive after the storm", "road_hazard"),
        ("downed power lines across Birch Rd", "electricity"),
        ("une ligne électrique tombée au sol après l'orage chemin des Vignes", "electricity"),
        ("trou énorme sur la chaussée, non signalé, la nuit on ne le voit pas", "road_hazard"),
        ("huge pothole at night, no cones", "road_hazard"),
        ("manhole cover missing on Elm St", "road_hazard"),
        ("la cave de l'immeuble est inondée, l'eau monte", "flooding"),
        ("a lady fell over on the broken pavement and is bleeding", "injury"),
        ("la poubelle est en feu devant l'école", "fire"),
    ],
)
def test_urgent(text: str, reason: str) -> None:
    assert reason in assess(text, "fr")


@pytest.mark.parametrize(
    "text",
    [
        "pas d'odeur de gaz finalement, fausse alerte",
        "the gas leak was fixed yesterday, thanks",
        "no flooding anymore",
        "Lampadaire éteint rue de la Paix",
        "fire hydrant leaking a little",
        "URGENT poubelle pleine !!!",
        "the street light is burning all day",
        "the power line was fixed, thanks",
        "can you trim the tree, it's getting down to the roof",
        "",
        "🔥🔥",
    ],
)
def test_not_urgent(text: str) -> None:
    assert assess(text, "en") == ()


def _places(text: str, lang: str, finder: PlaceFinder | None = None) -> list[str]:
    return [p.normalised for p in (finder or PlaceFinder()).find(text, lang)]


def test_places() -> None:
    assert _places("Nid de poule devant le 12 rue Victor Hugo depuis 3 jours", "fr") == [
        "12 rue victor hugo"
    ]
    assert _places("pothole on the corner of Elm St and 3rd Ave", "en") == [
        "elm street & 3rd avenue"
    ]
    assert _places("lampadaire éteint près de l'école Jean Jaurès", "fr") == ["ecole jean jaures"]
    assert _places("bins overflowing near the Lidl on Station Road", "en") == [
        "lidl",
        "station road",
    ]
    assert _places("the road is bad and the bus lane is blocked", "en") == []
    # A house number after a word that is not part of the name: the name starts after it.
    assert _places("missed trash pickup 123 Oak St", "en") == ["123 oak street"]
    # Capitalised names stop at the first word in lower case; text without capitals keeps all.
    assert _places("Tree down blocking Oakwood Drive after the storm", "en") == ["oakwood drive"]
    assert _places("Blocked drain Church Lane", "en") == ["church lane"]
    assert _places("pothole on old mill rd", "en") == ["old mill road"]
    assert _places("big pothole on 5th Street, 12b High St too", "en") == [
        "5th street",
        "12b high street",
    ]
    assert _places("à l'angle de la rue de la Paix et de la rue Pasteur", "fr") == [
        "rue de la paix & rue pasteur"
    ]


def test_place_offsets_point_into_original_text() -> None:
    text = "Œuvre taguée, 3 bis rue de l'Église"
    (place,) = PlaceFinder().find(text, "fr")
    assert text[place.start : place.end] == place.text == "3 bis rue de l'Église"
    assert place.normalised == normalise("3 bis rue de l eglise")


def test_street_list_matching_with_typos(tmp_path: Path) -> None:
    csv = tmp_path / "streets.csv"
    csv.write_text(
        "name,lat,lon\nRue Victor Hugo,45.1,4.1\nAvenue Jean Jaurès,45.2,4.2\n"
        "Station Road,51.5,-0.1\nbroken line\n",
        encoding="utf-8",
    )
    finder = PlaceFinder(csv)
    (p,) = finder.find("trou devant le 12 rue Victor Hgo", "fr")
    assert (p.street, p.lat, p.lon) == ("Rue Victor Hugo", 45.1, 4.1)
    assert p.normalised == "12 rue victor hugo"
    (p,) = finder.find("lampadaire av. jean jaures", "fr")
    assert p.street == "Avenue Jean Jaurès"
    (p,) = finder.find("flooding on Staton Rd", "en")
    assert p.street == "Station Road"
    (p,) = finder.find("rue des Lilas", "fr")
    assert p.street is None


@pytest.fixture(scope="module")
def langid() -> LanguageIdentifier:
    samples = load_corpus()
    return LanguageIdentifier.train((s.text, s.lang) for s in samples if s.split != "test")


@pytest.mark.parametrize(
    ("text", "hint", "lang"),
    [
        ("lampadaire cassé", None, "fr"),
        ("street light broken", None, "en"),
        ("merci", None, "fr"),
        ("thanks!", "fr", "en"),
        ("la poubelle déborde", "en", "fr"),
        ("the bin is overflowing", "fr-FR", "en"),
        ("👍", "en-GB", "en"),
        ("12", "fr", "fr"),
        ("", None, "fr"),
        ("bus 12 en retard encore", "en", "fr"),
        ("bus 12 late again", "fr", "en"),
    ],
)
def test_language_on_short_texts(
    langid: LanguageIdentifier, text: str, hint: str | None, lang: str
) -> None:
    assert langid.identify(text, hint) == lang


def test_language_without_profile() -> None:
    bare = LanguageIdentifier()
    assert bare.identify("il y a une fuite d'eau dans la rue") == "fr"
    assert bare.identify("there is a water leak in the street") == "en"
