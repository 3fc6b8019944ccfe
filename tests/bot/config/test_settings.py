from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.settings import Config, ConfigError, load_config

EXAMPLE = Path(__file__).parents[3] / "config.example.toml"


def _load(tmp_path: Path, text: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    p = tmp_path / "c.toml"
    p.write_text(text, encoding="utf-8")
    return load_config(p, env=env or {})


def test_defaults_need_no_file() -> None:
    cfg = load_config(None, env={})
    assert cfg.telegram.mode == "polling"
    assert cfg.telegram.api_base_url == "https://api.telegram.org/bot"
    assert cfg.bot.default_language == "fr" and cfg.bot.timezone == "Europe/Paris"
    assert cfg.database.url.startswith("sqlite+aiosqlite:///")
    assert [s.code for s in cfg.services][-1] == "other" and len(cfg.services) == 11


def test_the_example_file_is_valid_and_documents_every_section() -> None:
    cfg = load_config(EXAMPLE, env={})
    text = EXAMPLE.read_text(encoding="utf-8")
    for key in (
        "token",
        "api_base_url",
        "mode",
        "listen",
        "port",
        "path",
        "public_url",
        "secret_token",
        "url",
        "default_language",
        "timezone",
        "agents_chat_id",
        "agents",
    ):
        assert f"{key} =" in text or f"# {key} =" in text, key
    assert cfg.telegram.mode == "polling"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[telegram]\nmode = "carrier-pigeon"',
            "telegram.mode: Input should be 'polling' or 'webhook'",
        ),
        ('[webhook]\nport = "eighty"', "webhook.port: Input should be a valid integer"),
        ('[webhook]\npath = "telegram"', "webhook.path: must start with '/'"),
        ('[bot]\ntimezone = "Mars/Olympus"', "bot.timezone: unknown time zone 'Mars/Olympus'"),
        ('[bot]\ndefault_language = "de"', "bot.default_language: Input should be 'fr' or 'en'"),
        ('[database]\nurl = "mysql://x"', "database.url: must start with"),
        ('[telegram]\ntokne = "x"', "telegram.tokne: unknown key"),
        (
            '[[services]]\ncode = "water"\nname = {fr = "Eau"}',
            "services.0.name: needs a name in en",
        ),
        (
            '[[services]]\nname = {fr = "Eau", en = "Water"}',
            "services.0.code: required key is missing",
        ),
        (
            '[webhook]\nsecret_token = "short-1"',
            "webhook.secret_token: must be at least 16 characters",
        ),
        (
            '[telegram]\napi_base_url = "http://api.telegram.org/bot"',
            "telegram.api_base_url: must start with 'https://'",
        ),
        (
            '[telegram]\napi_file_url = "http://10.0.0.8/file/bot"',
            "telegram.api_file_url: must start with 'https://'",
        ),
        ('[security]\nlink_secret = "tiny"', "security.link_secret: must be at least 16"),
        (
            '[security]\nold_link_secrets = ["0123456789abcdef", "x"]',
            "security.old_link_secrets: must be at least 16",
        ),
        ('[[services]]\ncode = "water"\nname = {fr = "Eau", en = "Water"}', "an 'other' service"),
        ("[telegram\n", "not valid TOML"),
        (
            '[[faq]]\nservice = "zoo"\nquestion = {fr = "q", en = "q"}\nanswer = {fr = "a", en = "a"}',
            "faq.0.service: 'zoo' is not a configured service",
        ),
        (
            '[[faq]]\nquestion = {fr = "q"}\nanswer = {fr = "a", en = "a"}',
            "faq.0.question: needs a text in en",
        ),
    ],
)
def test_a_bad_config_names_the_key_and_the_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, text)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_environment_overrides_secrets(tmp_path: Path) -> None:
    cfg = _load(
        tmp_path,
        '[telegram]\ntoken = "from-file"\nmode = "webhook"',
        env={
            "SENSCOMMUN_TELEGRAM_TOKEN": "from-env",
            "SENSCOMMUN_WEBHOOK_SECRET_TOKEN": "abc_D-1abc_D-1abc",
        },
    )
    assert cfg.telegram.token == "from-env" and cfg.webhook.secret_token == "abc_D-1abc_D-1abc"


def test_config_path_from_environment(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[bot]\ndefault_language = "en"', encoding="utf-8")
    assert load_config(None, env={"SENSCOMMUN_CONFIG": str(p)}).bot.default_language == "en"


def test_cli_reports_config_errors_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.main import main

    p = tmp_path / "c.toml"
    p.write_text("[webhook]\nport = -1", encoding="utf-8")
    assert main(["--config", str(p), "check-config"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("senscommun: config error: webhook.port:") and "\n" not in err


def test_web_settings_default_and_fall_back_on_the_webhook_address(tmp_path: Path) -> None:
    cfg = Config()
    assert cfg.web.open311.enabled and not cfg.web.open311.publish_descriptions
    assert cfg.public_url == ""
    hooked = Config.model_validate({"webhook": {"public_url": "https://town.example/"}})
    assert hooked.public_url == "https://town.example"
    own = Config.model_validate(
        {
            "webhook": {"public_url": "https://a.example"},
            "web": {"public_url": "https://b.example/"},
        }
    )
    assert own.public_url == "https://b.example"
    with pytest.raises(ConfigError, match=r"web\.public_url: must start with 'https://'"):
        _load(tmp_path, '[web]\npublic_url = "town.example"')


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8081/bot", "http://localhost/bot", "http://[::1]:9/bot"]
)
def test_plain_http_is_accepted_for_the_api_on_this_machine_only(tmp_path: Path, url: str) -> None:
    assert _load(tmp_path, f'[telegram]\napi_base_url = "{url}"').telegram.api_base_url == url


def test_webhook_mode_without_a_secret_is_valid_it_is_generated_at_start(tmp_path: Path) -> None:
    assert _load(tmp_path, '[telegram]\nmode = "webhook"').webhook.secret_token == ""


def test_the_link_key_may_come_from_the_environment(tmp_path: Path) -> None:
    key = "k" * 20
    cfg = _load(tmp_path, "", env={"SENSCOMMUN_SECURITY_LINK_SECRET": key})
    assert cfg.security.link_secret == key
