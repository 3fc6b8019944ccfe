"""``[response_times]``, ``[services.response_times]``, ``[[templates]]`` and
``bot.administrators``: strict, and a bad value names the key and why."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config.settings import ConfigError, load_config
from bot.factory import create_catalogue

TPL = '[[templates]]\nservice = "water"\ncode = "coming"\nlabel = "On passe"\n'


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    p = tmp_path / "c.toml"
    p.write_text(text, encoding="utf-8")
    return load_config(p, env={})


def test_a_services_times_fall_back_on_the_towns(tmp_path: Path) -> None:
    cfg = _load(
        tmp_path,
        "[bot]\nadministrators = [42]\n"
        "[response_times]\nacknowledge_hours = 24\nescalation_chat_id = -100\n"
        '[[services]]\ncode = "other"\nname = {fr = "Accueil", en = "Desk"}\n'
        "[services.response_times]\nresolve_days = 3\n",
    )
    assert cfg.bot.administrators == [42] and cfg.response_times.escalation_chat_id == -100
    times = create_catalogue(cfg).get("other").times
    assert times.to_acknowledge(False) == timedelta(hours=24)
    assert times.to_resolve(False) == timedelta(days=3)
    assert times.to_resolve(True) == timedelta(days=2)  # the town's urgent default


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[response_times]\nacknowledge_hours = 0", "response_times.acknowledge_hours"),
        ("[response_times]\nwarn_at = 1.5", "response_times.warn_at"),
        ("[response_times]\nsoon = 1", "response_times.soon: unknown key"),
        ('[bot]\nadministrators = ["paul"]', "bot.administrators.0"),
        (
            TPL.replace("water", "zoo") + 'text = {fr = "a", en = "b"}',
            "templates.0.service: 'zoo' is not a configured service",
        ),
        (TPL + 'text = {fr = "a"}', "templates.0.text: needs a text in en"),
        (
            TPL + 'text = {fr = "Bonjour {nom}", en = "Hello"}',
            "templates.0.text: text.fr: unknown placeholder {nom}",
        ),
        (
            TPL + 'status = "new"\ntext = {fr = "a", en = "b"}',
            "templates.0.status: 'new' is not a status agents set",
        ),
        (
            TPL + 'text = {fr = "a", en = "b"}\n' + TPL + 'text = {fr = "a", en = "b"}',
            "templates.1.code: 'coming' appears twice for water",
        ),
        (TPL.replace("coming", "On passe") + 'text = {fr = "a", en = "b"}', "templates.0.code"),
    ],
)
def test_a_bad_value_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, text)
    assert message in str(err.value)
