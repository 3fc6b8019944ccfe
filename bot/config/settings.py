"""Configuration: one TOML file, secrets overridable by environment, validated at start.

A wrong or missing key stops the program with one clear line naming the key and the reason
(:class:`ConfigError`), never a traceback.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationError, field_validator, model_validator

from bot.config import forwarding as fw
from bot.config.base import Strict as _Strict
from bot.config.base import in_every_language as _in_every_language
from bot.config.engagement import (
    IdeasConfig,
    QuestionnaireConfig,
    SurveysConfig,
    TopicConfig,
    default_topics,
)
from bot.config.safety import EmergencyConfig, LimitsConfig
from bot.config.security import MIN_SECRET, SecurityConfig, https_or_loopback
from bot.config.town import ServiceMatch, check_mapping
from bot.config.web import WebConfig
from bot.config.workspace import ResponseTimesConfig, ServiceTimes, TemplateConfig, check_templates
from core.telegram_format import TEXT_LIMIT
from nlp.types import DEFAULT_SERVICES
from storage.enums import OutboxPurpose

DEFAULT_DB_URL = "sqlite+aiosqlite:///senscommun.db"


class ConfigError(Exception):
    """A configuration problem, with a message fit for one line on the console."""


class TelegramConfig(_Strict):
    token: str = ""
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    mode: Literal["polling", "webhook"] = "polling"

    @field_validator("api_base_url", "api_file_url")
    @classmethod
    def _https(cls, v: str) -> str:
        return https_or_loopback(v)


class WebhookConfig(_Strict):
    listen: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    path: str = "/telegram"
    public_url: str = ""
    secret_token: str = ""
    max_body_bytes: int = Field(default=1_000_000, ge=1_000)
    #: How long a webhook request waits for its update to be committed before answering 503
    #: (Telegram then delivers it again): the database is away or slow.
    store_timeout_ms: int = Field(default=2_000, ge=1)

    @field_validator("path")
    @classmethod
    def _path_starts_with_slash(cls, v: str) -> str:
        if not v.startswith("/"):
            raise ValueError("must start with '/'")
        return v

    @field_validator("secret_token")
    @classmethod
    def _secret_charset(cls, v: str) -> str:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and -; a short one can be guessed.
        if v and (len(v) > 256 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in v)):
            raise ValueError("must be 1-256 characters among A-Z, a-z, 0-9, _ and -")
        if v and len(v) < MIN_SECRET:
            raise ValueError(f"must be at least {MIN_SECRET} characters (or left out: generated)")
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
    #: Longest text a resident may send (a message, a caption, an address); longer: refused.
    max_text_chars: int = Field(default=TEXT_LIMIT, ge=100)
    #: ISO 3166 code: the emergency numbers shown when no ``[[emergency]]`` is listed.
    country: str = Field(default="FR", pattern=r"^[A-Za-z]{2}$")
    #: Telegram user ids of the town's administrators: they edit answer templates on the
    #: dashboard and block a resident (``/block`` in an agents chat).
    administrators: list[int] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        from zoneinfo import ZoneInfoNotFoundError

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
    #: Built-in services renamed or merged into the town's codes (``water = "eau_potable"``).
    mapping: dict[str, str] = Field(default_factory=dict)


class InboxConfig(_Strict):
    #: How many chats are processed side by side (each chat stays in order).
    concurrency: int = Field(default=8, ge=1, le=256)
    #: Processed updates (as Telegram sent them: words, names, ids) are deleted after this
    #: many days; they are kept only to recognise a redelivery and to look into a failure.
    keep_days: int = Field(default=7, ge=1)
    #: An update that keeps meeting a transient failure (a lock that is never released, a
    #: database that refuses it for hours) is set aside, with a log line, once it is older
    #: than this; until then it is tried again without counting.
    give_up_after_hours: float = Field(default=48.0, gt=0)


_RESEND_BY_DEFAULT: list[OutboxPurpose] = [
    p for p in OutboxPurpose if p not in (OutboxPurpose.SURVEY, OutboxPurpose.BROADCAST)
]


class OutboxConfig(_Strict):
    messages_per_second: float = Field(default=25.0, gt=0)
    per_chat_interval_s: float = Field(default=1.0, ge=0)
    per_group_per_minute: int = Field(default=20, ge=1)
    max_attempts: int = Field(default=8, ge=1)
    poll_interval_s: float = Field(default=1.0, gt=0)
    #: ``/ready`` answers 503 when the oldest message due has waited longer than this.
    ready_max_lag_s: float = Field(default=60.0, gt=0)
    #: What a crash does to a message that may or may not have reached Telegram: these
    #: purposes are sent again (at-least-once), the others are left ``unknown`` (at-most-once).
    #: Card edits are always sent again. By default every message about a ticket, an idea or a
    #: resident's own questions is at-least-once (losing one breaks a conversation; a duplicate
    #: is a glitch in one chat); surveys and broadcasts, pushed to thousands, are at-most-once.
    resend_in_doubt: list[OutboxPurpose] = Field(default_factory=lambda: _RESEND_BY_DEFAULT.copy())
    #: Transient failures (the Bot API down, slow, refusing) never use up a message's attempts:
    #: it waits and goes again, and gives up only this long after it was written.
    give_up_after_hours: float = Field(default=48.0, gt=0)
    #: During an outage the worker probes with one call, waiting twice as long after each
    #: failure, up to this many seconds: how long, at most, sending waits once Telegram is
    #: back (one call every 5 s costs nothing to a Bot API that is down).
    outage_backoff_max_s: float = Field(default=5.0, gt=0)
    #: Delivered messages lose their text after this many days (the row and its state stay:
    #: campaign and survey figures still count them).
    keep_days: int = Field(default=30, ge=1)
    #: How often the worker logs the count of failed messages when there are any.
    failed_report_every_s: float = Field(default=600.0, gt=0)


class ServiceConfig(_Strict):
    code: str
    name: dict[str, str]
    agents_chat_id: int | None = None
    agents: list[int] = Field(default_factory=list)
    #: Supports that put an idea on this service's agenda (default: ``ideas.support_threshold``).
    idea_threshold: int | None = Field(default=None, ge=1)
    #: What the service handles, per language (published by the Open311 API).
    description: dict[str, str] = Field(default_factory=dict)
    #: Open311 keywords and group (default: the words of the description, no group).
    keywords: list[str] = Field(default_factory=list)
    group: str = ""
    #: How the classifier recognises a service it never learnt (``[services.match]``).
    match: ServiceMatch | None = None
    forward: fw.ForwardConfig | None = None  # where new reports also go (bot.config.forwarding)
    attributes: list[fw.AttributeConfig] = Field(default_factory=list)  # Open311 extra questions
    response_times: ServiceTimes = ServiceTimes()

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


_DEFAULT_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "cleanliness": (
        "Déchets sauvages, rues sales, tags, déjections canines, dépôts sauvages",
        "Litter, dirty streets, graffiti, dog fouling, illegal dumping",
    ),
    "waste": (
        "Poubelles et collecte, tri, encombrants",
        "Bins and collection, recycling, bulky items",
    ),
    "water": (
        "Fuites, alimentation, pression, qualité, gaspillage d'eau",
        "Leaks, supply, pressure, quality, waste of water",
    ),
    "roads": (
        "Nids-de-poule, trottoirs, panneaux, feux de circulation",
        "Potholes, pavements, signs, traffic lights",
    ),
    "lighting": ("Éclairage public, lampadaires", "Street lights"),
    "transport": (
        "Bus, tramways, arrêts, horaires, pistes cyclables",
        "Buses, trams, stops, timetables, cycle lanes",
    ),
    "green_spaces": ("Parcs, arbres, aires de jeux", "Parks, trees, playgrounds"),
    "noise": ("Bruit et nuisances", "Noise and nuisances"),
    "parking": (
        "Stationnement gênant, véhicules abandonnés",
        "Illegal parking, abandoned vehicles",
    ),
    "culture": ("Bibliothèques, musées, événements", "Libraries, museums, events"),
    "other": ("L'accueil général de la mairie", "The town's general desk"),
}

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
        ServiceConfig(
            code=code,
            name={"fr": fr, "en": en},
            description=dict(zip(("fr", "en"), _DEFAULT_DESCRIPTIONS[code], strict=True)),
        )
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
    questionnaire: QuestionnaireConfig = QuestionnaireConfig()
    surveys: SurveysConfig = SurveysConfig()
    topics: list[TopicConfig] = Field(default_factory=default_topics)
    ideas: IdeasConfig = IdeasConfig()
    web: WebConfig = WebConfig()
    emergency: list[EmergencyConfig] = Field(default_factory=list)
    email: fw.EmailConfig = fw.EmailConfig()
    forwarding: fw.ForwardingConfig = fw.ForwardingConfig()
    response_times: ResponseTimesConfig = ResponseTimesConfig()
    templates: list[TemplateConfig] = Field(default_factory=list)
    security: SecurityConfig = SecurityConfig()
    limits: LimitsConfig = LimitsConfig()

    @model_validator(mode="after")
    def _coherent(self) -> Config:
        codes = [s.code for s in self.services]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"services: code {dupes[0]!r} appears twice")
        if "other" not in codes:
            raise ValueError("services: the catalogue needs an 'other' service (the general desk)")
        check_mapping(self.nlp.mapping, codes)
        fw.check_forwarding(self.services, self.email)
        check_templates(self.templates, codes)
        for i, f in enumerate(self.faq):
            if f.service not in codes:
                raise ValueError(f"faq.{i}.service: {f.service!r} is not a configured service")
        for i, sv in enumerate(self.surveys.items):
            aud = sv.audience
            if aud.kind == "service_reporters" and aud.service not in codes:
                where = f"surveys.items.{i}.audience.service"
                raise ValueError(f"{where}: {aud.service!r} is not a configured service")
        survey_codes = [sv.code for sv in self.surveys.items]
        if len(set(survey_codes)) != len(survey_codes):
            raise ValueError("surveys.items: a survey code appears twice")
        topic_codes = [t.code for t in self.topics]
        if len(set(topic_codes)) != len(topic_codes):
            raise ValueError("topics: a topic code appears twice")
        return self

    @property
    def public_url(self) -> str:
        """Where people reach the web pages: ``web.public_url``, else ``webhook.public_url``."""
        return self.web.public_url or self.webhook.public_url.rstrip("/")

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
    "SENSCOMMUN_SECURITY_LINK_SECRET": ("security", "link_secret"),
}


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        msg = "unknown key"
    elif first["type"] == "missing":
        msg = "required key is missing"
    if msg.startswith(("services", "webhook.", "faq.", "surveys.", "topics:", "templates.")):
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
