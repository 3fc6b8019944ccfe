"""The town's other systems: the SMTP server (``[email]``), the forwarding worker
(``[forwarding]``), and per service where its new reports also go (``[services.forward]``) and
the extra questions Open311 clients answer (``[[services.attributes]]``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from bot.config.base import Strict, in_every_language


class EmailConfig(Strict):
    """The SMTP server that forwarded reports go through."""

    host: str = ""
    port: int = Field(default=587, ge=1, le=65535)
    #: "starttls" (port 587), "ssl" (implicit TLS, port 465) or "none" (a local relay only).
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str = ""
    password: str = ""
    sender: str = ""
    timeout_s: float = Field(default=30.0, gt=0)
    #: The certificates to trust for the server (a town's own authority), a PEM file; by
    #: default, the system's.
    ca_file: str = ""

    @field_validator("sender")
    @classmethod
    def _address(cls, v: str) -> str:
        if v and "@" not in v:
            raise ValueError("must be an e-mail address such as 'senscommun@town.fr'")
        return v


class ForwardingConfig(Strict):
    """The worker that sends forwards, and the job that pulls statuses back."""

    #: A forward that keeps failing is tried again, waiting twice as long each time from
    #: ``first_retry_s`` up to ``max_retry_s``, and gives up only this long after it was written.
    give_up_after_hours: float = Field(default=72.0, gt=0)
    first_retry_s: float = Field(default=30.0, gt=0)
    max_retry_s: float = Field(default=1800.0, gt=0)
    poll_interval_s: float = Field(default=5.0, gt=0)
    #: A call to an SMTP server or an external Open311 endpoint that takes longer has failed.
    timeout_s: float = Field(default=20.0, gt=0)
    #: How often statuses are pulled back from the external Open311 endpoints (leader only).
    pull_every_minutes: float = Field(default=15.0, gt=0)


class Open311Forward(Strict):
    """An external Open311 GeoReport v2 endpoint (the town's CRM) that receives the reports."""

    #: The endpoint's base, without ``/requests.json``: ``https://crm.town/open311/v2``.
    endpoint: str
    api_key: str = ""
    #: The CRM's code for this service (default: ours).
    service_code: str = ""
    jurisdiction_id: str = ""

    @field_validator("endpoint")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not v.startswith(("https://", "http://")):
            raise ValueError("must start with 'https://' (or 'http://' for a local test)")
        return v.rstrip("/")


class ForwardConfig(Strict):
    """Where a service's new reports are also sent, besides its agents' chat."""

    #: One address or several.
    email: list[str] = Field(default_factory=list)
    open311: Open311Forward | None = None

    @field_validator("email", mode="before")
    @classmethod
    def _addresses(cls, v: Any) -> Any:
        v = [v] if isinstance(v, str) else v
        if isinstance(v, list) and any(not isinstance(a, str) or "@" not in a for a in v):
            raise ValueError("must be e-mail addresses such as 'voirie@town.fr'")
        return v


class AttributeValue(Strict):
    key: str
    name: dict[str, str]

    @field_validator("name")
    @classmethod
    def _names(cls, v: dict[str, str]) -> dict[str, str]:
        return in_every_language(v, "a name")


class AttributeConfig(Strict):
    """An extra question an Open311 client answers when posting a report to this service
    (``attribute[code]``), published in the service's definition."""

    code: str = Field(min_length=1, max_length=64)
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool = False
    description: dict[str, str]
    values: list[AttributeValue] = Field(default_factory=list)

    @field_validator("description")
    @classmethod
    def _described(cls, v: dict[str, str]) -> dict[str, str]:
        return in_every_language(v, "a description")


def check_forwarding(services: list[Any], email: EmailConfig) -> None:
    """A service that forwards by e-mail needs an SMTP server and a sender; a list question
    needs its values."""
    for i, s in enumerate(services):
        if s.forward is not None and s.forward.email and not (email.host and email.sender):
            raise ValueError(f"services.{i}.forward.email: needs [email] host and sender")
        for j, a in enumerate(s.attributes):
            if a.datatype.endswith("valuelist") and not a.values:
                raise ValueError(f"services.{i}.attributes.{j}.values: a list needs its values")
        codes = [a.code for a in s.attributes]
        if len(set(codes)) != len(codes):
            raise ValueError(f"services.{i}.attributes: a code appears twice")
