"""A town's own services, from its configuration to the classifier the bot runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.settings import Config, ConfigError, default_services, load_config
from bot.factory import create_classifier
from nlp.types import Classifier

SNOW = {
    "code": "snow",
    "name": {"fr": "Déneigement", "en": "Snow clearing"},
    "match": {
        "keywords": {"fr": ["déneiger", "chasse-neige"], "en": ["gritting", "snowplow"]},
        "examples": {
            "fr": [
                "la rue n'a pas été déneigée ce matin",
                "le chasse-neige n'est pas passé dans notre impasse",
                "trottoir verglacé, pas de sel depuis trois jours",
            ],
            "en": [
                "our street has not been ploughed since the snowfall",
                "no grit on the hill, cars are sliding",
                "the snow plough skipped our road again",
            ],
        },
    },
}


def _config(**extra: object) -> Config:
    services = [s.model_dump() for s in default_services()] + [SNOW]
    return Config.model_validate({"services": services, **extra})


@pytest.fixture(scope="module")
def town() -> Classifier:
    return create_classifier(_config(), tuple(s.code for s in _config().services))


@pytest.mark.parametrize(
    ("text", "lang"),
    [("la rue n'est pas déneigée depuis hier", "fr"), ("nobody has gritted our road", "en")],
)
def test_a_declared_service_receives_its_messages_without_retraining(
    town: Classifier, text: str, lang: str
) -> None:
    assert town.classify(text, lang).service == "snow"


@pytest.mark.parametrize(
    ("text", "lang", "service"),
    [
        ("Fuite d'eau devant le 12 rue Victor Hugo", "fr", "water"),
        ("Streetlight out on Oak Avenue since Monday", "en", "lighting"),
        ("Poubelles pas ramassées rue Pasteur", "fr", "waste"),
    ],
)
def test_nothing_else_moves(town: Classifier, text: str, lang: str, service: str) -> None:
    assert town.classify(text, lang).service == service


def test_a_mapping_renames_a_built_in_service() -> None:
    services = [s.model_dump() for s in default_services() if s.code != "water"]
    services.append({"code": "eau_potable", "name": {"fr": "Eau potable", "en": "Water"}})
    cfg = Config.model_validate(
        {"services": services, "nlp": {"mapping": {"water": "eau_potable"}}}
    )
    classifier = create_classifier(cfg, tuple(s.code for s in cfg.services))
    assert classifier.classify("Fuite d'eau devant le 12 rue Victor Hugo", "fr").service == (
        "eau_potable"
    )


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('[nlp]\nmapping = { water = "nowhere" }\n', "nlp.mapping.water"),
        ('[nlp]\nmapping = { snowy = "water" }\n', "nlp.mapping"),
    ],
)
def test_a_bad_mapping_names_its_key(tmp_path: Path, body: str, says: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[telegram]\nmode = "polling"\n' + body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert says in str(err.value)


def test_within_must_name_a_built_in_service() -> None:
    bad = {**SNOW, "match": {**SNOW["match"], "within": "snowfall"}}  # type: ignore[dict-item]
    services = [s.model_dump() for s in default_services()] + [bad]
    with pytest.raises(ValueError, match="not a built-in service"):
        Config.model_validate({"services": services})
