"""The forwarding configuration: a bad value names its key and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.settings import ConfigError, load_config

WATER = '[[services]]\ncode = "water"\nname = {fr = "Eau", en = "Water"}\n'
DESK = '[[services]]\ncode = "other"\nname = {fr = "Accueil", en = "Desk"}\n'


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return load_config(path, env={})


def test_a_full_forwarding_setup_loads(tmp_path: Path) -> None:
    cfg = _load(
        tmp_path,
        '[email]\nhost = "smtp.town.fr"\nsender = "sc@town.fr"\n'
        + WATER
        + '[services.forward]\nemail = "eau@town.fr"\n'
        + '[services.forward.open311]\nendpoint = "https://crm.town/open311/v2/"\n'
        + 'api_key = "k"\n'
        + '[[services.attributes]]\ncode = "depth"\ndatatype = "number"\n'
        + 'description = {fr = "Profondeur", en = "Depth"}\n'
        + DESK,
    )
    water = cfg.services[0]  # type: ignore[attr-defined]
    assert water.forward.email == ["eau@town.fr"]
    assert water.forward.open311.endpoint == "https://crm.town/open311/v2"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (WATER + '[services.forward]\nemail = "eau@town.fr"\n' + DESK, "needs [email] host"),
        (WATER + '[services.forward]\nemail = "nobody"\n' + DESK, "must be e-mail addresses"),
        (
            WATER + '[services.forward.open311]\nendpoint = "crm.town"\n' + DESK,
            "services.0.forward.open311.endpoint: must start with 'https://'",
        ),
        (
            WATER
            + '[[services.attributes]]\ncode = "x"\ndatatype = "singlevaluelist"\n'
            + 'description = {fr = "X", en = "X"}\n'
            + DESK,
            "services.0.attributes.0.values: a list needs its values",
        ),
        ('[email]\nsecurity = "tls"\n', "email.security"),
        ("[forwarding]\ngive_up_after_hours = 0\n", "forwarding.give_up_after_hours"),
    ],
)
def test_a_bad_value_names_its_key(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert says in str(caught.value)
