"""Configuration: one TOML file, secrets overridable by environment, validated at start.

A wrong or missing key stops the program with one clear line naming the key and the reason
(:class:`ConfigError`), never a traceback.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nlp.types import DEFAULT_SERVICES, LANGUAGES

DEFAULT_DB_URL = "sqlite+aiosqlite:///senscommun.db"


class ConfigError(Exception):
    """A configuration problem, with a message fit for one line on the console."""


def _in_every_language(v: dict[str, str], what: str) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not v.get(lang)]
    if missing:
        raise ValueError(f"needs {what} in {', '.join(missing)}")
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramConfig(_Strict):
    token: str = ""
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    mode: Literal["polling", "webhook"] = "polling"


class WebhookConfig(_Strict):
    listen: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    path: str = "/telegram"
    public_url: str = ""
    secret_token: str = ""
    max_body_bytes: int = Field(default=1_000_000, ge=1_000)

    @field_validator("path")
    @classmethod
    def _path_starts_with_slash(cls, v: str) -> str:
        if not v.startswith("/"):
            raise ValueError("must start with '/'")
        return v

    @field_validator("secret_token")
    @classmethod
    def _secret_charset(cls, v: str) -> str:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and -.
        if v and (len(v) > 256 or not all(c.isalnum() or c in "_-" for c in v)):
            raise ValueError("must be 1-256 characters among A-Z, a-z, 0-9, _ and -")
        return v


class DatabaseConfig(_Strict):
    url: str = DEFAULT_DB_URL
    busy_timeout_ms: int = Field(default=5_000, ge=0)
    #: Apply migrations at start-up; unset: on SQLite only (PostgreSQL: `senscommun db upgrade`).
    migrate_on_start: bool | None = None

    @field_validator("url")
    @classmethod
    def _supported_driver(cls, v: str) -> str:
        if not (v.startswith("sqlite+aiosqlite://") or v.startswith("postgresql+asyncpg://")):
            raise ValueError("must start with 'sqlite+aiosqlite://' or 'postgresql+asyncpg://'")
        return v


class BotConfig(_Strict):
    default_language: Literal["fr", "en"] = "fr"
    timezone: str = "Europe/Paris"
    media_dir: Path = Path("media")
    max_text_chars: int = Field(default=4_000, ge=100)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v


class NlpConfig(_Strict):
    confidence_threshold: float = Field(default=0.55, ge=0.0, le=1.0)
    model_dir: Path | None = None
    kind: Literal["auto", "keywords", "spacy"] = "auto"
    streets_csv: Path | None = None


class InboxConfig(_Strict):
    #: How many chats are processed side by side (each chat stays in order).
    concurrency: int = Field(default=8, ge=1, le=256)


class OutboxConfig(_Strict):
    messages_per_second: float = Field(default=25.0, gt=0)
    per_chat_interval_s: float = Field(default=1.0, ge=0)
    per_group_per_minute: int = Field(default=20, ge=1)
    max_attempts: int = Field(default=8, ge=1)
    poll_interval_s: float = Field(default=1.0, gt=0)


class ServiceConfig(_Strict):
    code: str
    name: dict[str, str]
    agents_chat_id: int | None = None
    agents: list[int] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _code_shape(cls, v: str) -> str:
        if not v or not v.replace("_", "").isalnum() or not v.islower():
            raise ValueError("must be a lowercase code such as 'water' or 'green_spaces'")
        return v

    @field_validator("name")
    @classmethod
    def _names_per_language(cls, v: dict[str, str]) -> dict[str, str]:
        return _in_every_language(v, "a name")


class FaqConfig(_Strict):
    """A question residents often ask, answered at once by the bot."""

    service: str = "other"
    question: dict[str, str]
    answer: dict[str, str]

    @field_validator("question", "answer")
    @classmethod
    def _per_language(cls, v: dict[str, str]) -> dict[str, str]:
        return _in_every_language(v, "a text")


_DEFAULT_NAMES: dict[str, tuple[str, str]] = {
    "cleanliness": ("Propreté", "Cleanliness"),
    "waste": ("Déchets", "Waste"),
    "water": ("Eau", "Water"),
    "roads": ("Voirie", "Roads"),
    "lighting": ("Éclairage public", "Street lighting"),
    "transport": ("Transports", "Transport"),
    "green_spaces": ("Espaces verts", "Green spaces"),
    "noise": ("Bruit et nuisances", "Noise and nuisances"),
    "parking": ("Stationnement", "Parking"),
    "culture": ("Culture", "Culture"),
    "other": ("Accueil de la mairie", "Town hall desk"),
}


def default_services() -> list[ServiceConfig]:
    """The default catalogue, with no agents configured."""
    return [
        ServiceConfig(code=code, name={"fr": fr, "en": en})
        for code, (fr, en) in _DEFAULT_NAMES.items()
        if code in DEFAULT_SERVICES
    ]


class Config(_Strict):
    telegram: TelegramConfig = TelegramConfig()
    webhook: WebhookConfig = WebhookConfig()
    database: DatabaseConfig = DatabaseConfig()
    bot: BotConfig = BotConfig()
    nlp: NlpConfig = NlpConfig()
    inbox: InboxConfig = InboxConfig()
    outbox: OutboxConfig = OutboxConfig()
    services: list[ServiceConfig] = Field(default_factory=default_services)
    faq: list[FaqConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _coherent(self) -> Config:
        codes = [s.code for s in self.services]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"services: code {dupes[0]!r} appears twice")
        if "other" not in codes:
            raise ValueError("services: the catalogue needs an 'other' service (the general desk)")
        for i, f in enumerate(self.faq):
            if f.service not in codes:
                raise ValueError(f"faq.{i}.service: {f.service!r} is not a configured service")
        if self.telegram.mode == "webhook" and not self.webhook.secret_token:
            raise ValueError("webhook.secret_token: required in webhook mode")
        return self

    def service(self, code: str) -> ServiceConfig:
        for s in self.services:
            if s.code == code:
                return s
        raise KeyError(code)


#: Environment variables that override secrets and deployment settings.
ENV_OVERRIDES: dict[str, tuple[str, str]] = {
    "SENSCOMMUN_TELEGRAM_TOKEN": ("telegram", "token"),
    "SENSCOMMUN_TELEGRAM_API_BASE_URL": ("telegram", "api_base_url"),
    "SENSCOMMUN_WEBHOOK_SECRET_TOKEN": ("webhook", "secret_token"),
    "SENSCOMMUN_WEBHOOK_PUBLIC_URL": ("webhook", "public_url"),
    "SENSCOMMUN_DATABASE_URL": ("database", "url"),
}


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        msg = "unknown key"
    elif first["type"] == "missing":
        msg = "required key is missing"
    if msg.startswith(("services:", "webhook.", "faq.")):
        return msg
    return f"{key}: {msg}"


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Read ``path`` (or ``SENSCOMMUN_CONFIG``, or nothing: the defaults), apply env overrides."""
    env = dict(os.environ) if env is None else env
    if path is None and env.get("SENSCOMMUN_CONFIG"):
        path = Path(env["SENSCOMMUN_CONFIG"])
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file {path}: not found") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path}: not valid TOML ({exc})") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path}: cannot be read ({exc})") from exc
    for var, (section, key) in ENV_OVERRIDES.items():
        if env.get(var):
            table = raw.setdefault(section, {})
            if not isinstance(table, dict):
                raise ConfigError(f"{section}: must be a table")
            table[key] = env[var]
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from exc
