"""The agents' workspace: response times (``[response_times]``, ``[services.response_times]``)
and answer templates (``[[templates]]``)."""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.config.base import Strict, in_every_language
from core.reports.templates import check_placeholders
from storage.enums import ReportStatus

#: The statuses an agent sets (a template with a status is offered when setting it).
AGENT_STATUSES = (
    ReportStatus.ACKNOWLEDGED,
    ReportStatus.IN_PROGRESS,
    ReportStatus.RESOLVED,
    ReportStatus.REJECTED,
)


class ServiceTimes(Strict):
    """A service's own response times; what it leaves unset comes from ``[response_times]``."""

    acknowledge_hours: float | None = Field(default=None, gt=0)
    resolve_days: float | None = Field(default=None, gt=0)
    urgent_acknowledge_hours: float | None = Field(default=None, gt=0)
    urgent_resolve_days: float | None = Field(default=None, gt=0)


class ResponseTimesConfig(Strict):
    """How long a report may wait: hours to acknowledge, days to resolve (urgent ones: less)."""

    acknowledge_hours: float = Field(default=48, gt=0)
    resolve_days: float = Field(default=14, gt=0)
    urgent_acknowledge_hours: float = Field(default=4, gt=0)
    urgent_resolve_days: float = Field(default=2, gt=0)
    #: A report is re-announced in its agents' chat once this share of its time has passed.
    warn_at: float = Field(default=0.8, gt=0, lt=1)
    #: The supervisors' chat that hears of reports past their limit (none: the desk's chat).
    escalation_chat_id: int | None = None


class TemplateConfig(Strict):
    """An answer a service often writes, in every language, with the ticket's values filled
    in: ``{ref}``, ``{service}``, ``{address}``, ``{status}``."""

    service: str
    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    #: Set: offered when setting this status, and sent with it. Unset: offered to reply.
    status: ReportStatus | None = None
    #: The button's words, in the agents' language.
    label: str = Field(min_length=1, max_length=64)
    text: dict[str, str]

    @field_validator("status")
    @classmethod
    def _agent_status(cls, v: ReportStatus | None) -> ReportStatus | None:
        if v is not None and v not in AGENT_STATUSES:
            allowed = ", ".join(s.value for s in AGENT_STATUSES)
            raise ValueError(f"{v.value!r} is not a status agents set ({allowed})")
        return v

    @field_validator("text")
    @classmethod
    def _texts(cls, v: dict[str, str]) -> dict[str, str]:
        in_every_language(v, "a text")
        for lang, body in v.items():
            try:
                check_placeholders(body)
            except ValueError as exc:
                raise ValueError(f"text.{lang}: {exc}") from exc
        return v


def check_templates(templates: list[TemplateConfig], codes: list[str]) -> None:
    seen: set[tuple[str, str]] = set()
    for i, tpl in enumerate(templates):
        if tpl.service not in codes:
            raise ValueError(f"templates.{i}.service: {tpl.service!r} is not a configured service")
        if (tpl.service, tpl.code) in seen:
            raise ValueError(f"templates.{i}.code: {tpl.code!r} appears twice for {tpl.service}")
        seen.add((tpl.service, tpl.code))
