from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.settings import ConfigError, load_config
from bot.config.web import OSM_TILES


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    p = tmp_path / "c.toml"
    p.write_text(text, encoding="utf-8")
    return load_config(p, env={})


def test_the_maps_tiles_default_to_openstreetmap_and_can_be_off(tmp_path: Path) -> None:
    assert load_config(None, env={}).web.dashboard.tile_url == OSM_TILES
    off = _load(tmp_path, '[web.dashboard]\ntile_url = ""')
    assert off.web.dashboard.tile_url == ""


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("tile.example.org/{z}/{x}/{y}.png", "must start with 'https://'"),
        ("https://tile.example.org/{z}/{x}.png", r"must contain \{y\}"),
        ("https://tile.example.org;x/{z}/{x}/{y}.png", "its host may hold"),
    ],
)
def test_a_bad_tile_url_names_the_key_and_why(tmp_path: Path, url: str, why: str) -> None:
    with pytest.raises(ConfigError, match=rf"web\.dashboard\.tile_url: {why}"):
        _load(tmp_path, f'[web.dashboard]\ntile_url = "{url}"')
