"""``[[emergency]]`` and ``bot.country``: the numbers shown first when someone may be in danger."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.settings import ConfigError, load_config


def _load(tmp_path: Path, body: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text('[telegram]\nmode = "polling"\n' + body, encoding="utf-8")
    return load_config(path, env={})


@pytest.mark.parametrize(
    ("country", "numbers"),
    [("FR", ["112", "15", "17", "18"]), ("gb", ["999", "112"]), ("US", ["911"]), ("ZZ", ["112"])],
)
def test_without_a_list_the_countrys_numbers_apply(
    tmp_path: Path, country: str, numbers: list[str]
) -> None:
    from bot.config.safety import emergency_numbers

    cfg = _load(tmp_path, f'[bot]\ncountry = "{country}"\n')
    assert [n.number for n in emergency_numbers(cfg.emergency, cfg.bot.country)] == numbers  # type: ignore[attr-defined]


def test_a_towns_own_list_replaces_the_countrys(tmp_path: Path) -> None:
    from bot.config.safety import emergency_numbers

    cfg = _load(
        tmp_path,
        '[[emergency]]\nnumber = "+33 1 23 45 67 89"\nlabel = { fr = "mairie", en = "town hall" }\n',
    )
    (only,) = emergency_numbers(cfg.emergency, cfg.bot.country)  # type: ignore[attr-defined]
    assert only.number == "+33 1 23 45 67 89" and only.label["en"] == "town hall"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            '[[emergency]]\nnumber = "call us"\nlabel = { fr = "x", en = "x" }\n',
            "emergency.0.number",
        ),
        ('[[emergency]]\nnumber = "112"\nlabel = { fr = "urgences" }\n', "emergency.0.label"),
        ('[bot]\ncountry = "France"\n', "bot.country"),
    ],
)
def test_a_bad_entry_names_its_key(tmp_path: Path, body: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, body)
    assert says in str(err.value)
