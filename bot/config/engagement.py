"""Configuration of what goes back to residents: "is it fixed?", surveys, ideas, topics."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from bot.config.base import Strict, in_every_language


class QuestionnaireConfig(Strict):
    """ "Is it fixed?" after a resolution, and "still a problem?" after weeks open."""

    #: Minutes after a resolution before the question is sent (0: at once).
    delay_minutes: int = Field(default=1440, ge=0)
    #: Days a report may stay open before its reporter is asked whether it still matters.
    still_open_days: int = Field(default=28, ge=1)


class AudienceConfig(Strict):
    """Who is asked: residents who agreed to surveys, or those among them who reported to a
    service. Districts will add a kind."""

    kind: Literal["all", "service_reporters"] = "all"
    service: str | None = None

    @model_validator(mode="after")
    def _service_given(self) -> AudienceConfig:
        if self.kind == "service_reporters" and not self.service:
            raise ValueError("service: required for kind 'service_reporters'")
        return self


class SurveyConfig(Strict):
    code: str
    question: dict[str, str]
    type: Literal["rating", "yes_no", "choice"] = "rating"
    #: For ``choice``: each choice in every language.
    choices: list[dict[str, str]] = Field(default_factory=list)
    audience: AudienceConfig = AudienceConfig()
    #: Cron (minute hour day month weekday), in the town's timezone; or ``send_at`` once.
    schedule: str | None = None
    send_at: datetime | None = None
    expires_after_hours: int = Field(default=72, ge=1)

    @field_validator("question")
    @classmethod
    def _question_per_language(cls, v: dict[str, str]) -> dict[str, str]:
        return in_every_language(v, "a text")

    @field_validator("choices")
    @classmethod
    def _choices_per_language(cls, v: list[dict[str, str]]) -> list[dict[str, str]]:
        return [in_every_language(c, "a text") for c in v]

    @field_validator("schedule")
    @classmethod
    def _cron(cls, v: str | None) -> str | None:
        if v is not None:
            from core.engagement.surveys import next_run

            try:
                next_run(v, ZoneInfo("UTC"), datetime.now(ZoneInfo("UTC")))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"not a cron expression ({exc})") from exc
        return v

    @model_validator(mode="after")
    def _coherent(self) -> SurveyConfig:
        if self.type == "choice" and not 2 <= len(self.choices) <= 8:
            raise ValueError(f"surveys.items: survey {self.code!r} needs 2 to 8 choices")
        if self.schedule is None and self.send_at is None:
            raise ValueError(f"surveys.items: survey {self.code!r} needs a schedule or send_at")
        return self


class IdeasConfig(Strict):
    """Residents' ideas: when they reach the agents' agenda, and how often agents are reminded."""

    #: Supports that put a published idea on its service's agenda (agents asked to answer).
    support_threshold: int = Field(default=25, ge=1)
    #: Days between reminders to the agents chat while an idea on its agenda has no answer.
    remind_days: int = Field(default=3, ge=1)
    #: Supports count toward the threshold only from residents who shared their phone number
    #: once (Telegram's contact button; a salted hash kept, one resident per number).
    require_phone: bool = True
    #: The salt of those hashes (derived from the bot's token when empty: set it, so that a
    #: new token does not let a number be used again).
    phone_salt: str = ""


class SurveysConfig(Strict):
    #: A resident is asked at most once in this many days.
    min_days_between: int = Field(default=7, ge=0)
    #: No survey, broadcast or questionnaire is sent in these local hours (held until the
    #: end); empty for none.
    quiet_hours: str = "21:00-09:00"
    #: Below this many answers a figure is hidden, so that nobody can be singled out.
    min_answers: int = Field(default=5, ge=1)
    items: list[SurveyConfig] = Field(default_factory=list)

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, v: str) -> str:
        if v.strip():
            from core.engagement.quiet import QuietHours

            QuietHours.parse(v)
        return v.strip()


class TopicConfig(Strict):
    """A broadcast topic residents can subscribe to with /subscribe."""

    code: str
    name: dict[str, str]

    @field_validator("name")
    @classmethod
    def _names_per_language(cls, v: dict[str, str]) -> dict[str, str]:
        return in_every_language(v, "a name")


def default_topics() -> list[TopicConfig]:
    return [
        TopicConfig(code="works", name={"fr": "Travaux", "en": "Roadworks and works"}),
        TopicConfig(
            code="waste_collection", name={"fr": "Collecte des déchets", "en": "Waste collection"}
        ),
        TopicConfig(code="water", name={"fr": "Eau", "en": "Water"}),
        TopicConfig(code="events", name={"fr": "Sorties et culture", "en": "Events and culture"}),
    ]


#: What each default service handles (ARCHITECTURE.md's taxonomy), in French and English.
