"""Buttons of ideas: residents browsing and supporting, agents reviewing and answering."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self

from core.callbacks.codec import CallbackError, fit, parse_id


class IdeaVerb(StrEnum):
    APPROVE = "ok"  # agents: publish the idea as written
    EDIT = "edit"  # agents: publish it with a text they reply with (personal data removed)
    DECLINE = "no"  # agents: refuse it, with a reason they reply with
    ANSWER = "ans"  # agents: an official answer of a kind (arg), its text by reply
    MILESTONE = "ms"  # agents: a milestone, its title and date by reply
    MILESTONE_DONE = "msd"  # agents: a milestone (arg) is reached
    SUPPORT = "sup"  # residents: support it, or withdraw the support (with the list's view)
    PAGE = "pg"  # residents: a page of /ideas (order, service)
    FILTER = "flt"  # residents: pick the service whose ideas /ideas shows


#: Verbs of the agents chat's buttons; the rest are residents'.
AGENT_IDEA_VERBS = frozenset(
    {
        IdeaVerb.APPROVE,
        IdeaVerb.EDIT,
        IdeaVerb.DECLINE,
        IdeaVerb.ANSWER,
        IdeaVerb.MILESTONE,
        IdeaVerb.MILESTONE_DONE,
    }
)


class IdeaOrder(StrEnum):
    NEWEST = "n"
    SUPPORTED = "s"


@dataclass(frozen=True)
class IdeaAction:
    """Agents: ``i:<verb>:<idea>[:<arg>]`` on an idea's card. Residents, in /ideas:
    ``i:sup:<idea>:<page>:<order>:<service>``, ``i:pg:<page>:<order>:<service>`` and
    ``i:flt:<order>`` (an empty service is every service). Every press is authorised again
    by the use case; buttons of an older shape (no order, no service) still decode."""

    verb: IdeaVerb
    idea_id: int = 0  # 0 for a page or a filter
    page: int = 0
    order: IdeaOrder = IdeaOrder.SUPPORTED
    service: str = ""
    arg: str = ""

    PREFIX = "i"

    def encode(self) -> str:
        p, v = self.PREFIX, self.verb.value
        match self.verb:
            case IdeaVerb.PAGE:
                return fit(f"{p}:{v}:{self.page}:{self.order.value}:{self.service}")
            case IdeaVerb.SUPPORT:
                view = f"{self.page}:{self.order.value}:{self.service}"
                return fit(f"{p}:{v}:{self.idea_id}:{view}")
            case IdeaVerb.FILTER:
                return fit(f"{p}:{v}:{self.order.value}")
            case IdeaVerb.ANSWER | IdeaVerb.MILESTONE_DONE:
                return fit(f"{p}:{v}:{self.idea_id}:{self.arg}")
        return fit(f"{p}:{v}:{self.idea_id}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) < 3 or parts[0] != cls.PREFIX:
            raise CallbackError("not an idea action")
        try:
            verb = IdeaVerb(parts[1])
        except ValueError as exc:
            raise CallbackError(f"unknown verb {parts[1]!r}") from exc
        rest = parts[2:]
        match verb:
            case IdeaVerb.PAGE if len(rest) in (1, 3):
                return cls(verb, page=parse_id(rest[0]), **_view(rest[1:]))
            case IdeaVerb.SUPPORT if len(rest) in (2, 4):
                return cls(verb, parse_id(rest[0]), parse_id(rest[1]), **_view(rest[2:]))
            case IdeaVerb.FILTER if len(rest) == 1:
                return cls(verb, **_view([rest[0], ""]))
            case IdeaVerb.ANSWER | IdeaVerb.MILESTONE_DONE if len(rest) == 2 and rest[1]:
                return cls(verb, parse_id(rest[0]), arg=rest[1])
            case IdeaVerb.APPROVE | IdeaVerb.EDIT | IdeaVerb.DECLINE | IdeaVerb.MILESTONE if (
                len(rest) == 1
            ):
                return cls(verb, parse_id(rest[0]))
        raise CallbackError(f"malformed idea action {data!r}")


def _view(parts: list[str]) -> dict[str, Any]:
    """The order and service of an /ideas view, from their encoded parts (none: defaults)."""
    if not parts:
        return {}
    try:
        order = IdeaOrder(parts[0])
    except ValueError as exc:
        raise CallbackError(f"unknown order {parts[0]!r}") from exc
    service = parts[1]
    if service and not service.replace("_", "").isalnum():
        raise CallbackError("bad service code")
    return {"order": order, "service": service}
