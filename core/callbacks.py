"""Callback data of inline buttons: one typed codec per family, each at most 64 bytes.

Telegram echoes callback data back untouched, so anyone can forge it: decoding validates the
shape and every press is authorised again by the use case it leads to.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self

from storage.enums import QuestionnaireAnswer

MAX_BYTES = 64


class CallbackError(ValueError):
    """Callback data that is not ours, or not of the expected shape."""


def _check(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise CallbackError("callback data over 64 bytes")
    return data


def is_id(s: str) -> bool:
    """Only ASCII digits: ``str.isdigit`` also takes "²" or "١", which ``int`` refuses or reads."""
    return s.isascii() and s.isdigit() and len(s) <= 18


def _int(s: str) -> int:
    if not is_id(s):
        raise CallbackError(f"not an id: {s!r}")
    return int(s)


class AgentVerb(StrEnum):
    ACK = "ack"
    PROGRESS = "prog"
    RESOLVE = "res"
    NOT_OURS = "no"  # opens the service picker
    MOVE = "mv"  # with a service: the card moves there
    DUPLICATE = "dup"  # opens the picker of originals
    DUPLICATE_OF = "dupof"  # with the original's id
    REJECT = "rej"
    BACK = "back"  # back to the main buttons


@dataclass(frozen=True)
class AgentAction:
    """``a:<verb>:<report>[:<arg>]``, pressed in an agents chat."""

    verb: AgentVerb
    report_id: int
    arg: str = ""

    PREFIX = "a"

    def encode(self) -> str:
        parts = [self.PREFIX, self.verb.value, str(self.report_id)]
        if self.arg:
            parts.append(self.arg)
        return _check(":".join(parts))

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) not in (3, 4) or parts[0] != cls.PREFIX:
            raise CallbackError("not an agent action")
        try:
            verb = AgentVerb(parts[1])
        except ValueError as exc:
            raise CallbackError(f"unknown verb {parts[1]!r}") from exc
        arg = parts[3] if len(parts) == 4 else ""
        if verb in (AgentVerb.MOVE, AgentVerb.DUPLICATE_OF) and not arg:
            raise CallbackError("missing argument")
        if verb is AgentVerb.DUPLICATE_OF:
            _int(arg)
        return cls(verb, _int(parts[2]), arg)


class DraftVerb(StrEnum):
    CONFIRM_SERVICE = "ok"  # with a service
    MORE_SERVICES = "more"
    SKIP_PHOTO = "nophoto"
    FAQ_OK = "faqok"  # the answer helped
    FAQ_NO = "faqno"  # it did not: carry on as a report to a service
    SAME_PROBLEM = "same"  # with the id of the open report it is the same problem as
    NOT_SAME = "notsame"
    SUBMIT = "send"
    CANCEL = "cancel"
    IDEA_SUBMIT = "idea"  # propose the idea for review
    IDEA_AS_REPORT = "asreport"  # it was a problem to report after all
    IDEA_SUPPORT = "isup"  # with the id of a similar published idea: support it instead


@dataclass(frozen=True)
class DraftAction:
    """``d:<verb>:<draft id>[:<arg>]``, pressed by a resident while writing a report.

    The draft id makes a button of an older, finished or cancelled draft stale.
    """

    verb: DraftVerb
    draft_id: int
    arg: str = ""

    PREFIX = "d"

    def encode(self) -> str:
        parts = [self.PREFIX, self.verb.value, str(self.draft_id)]
        if self.arg:
            parts.append(self.arg)
        return _check(":".join(parts))

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) not in (3, 4) or parts[0] != cls.PREFIX:
            raise CallbackError("not a draft action")
        try:
            verb = DraftVerb(parts[1])
        except ValueError as exc:
            raise CallbackError(f"unknown verb {parts[1]!r}") from exc
        return cls(verb, _int(parts[2]), parts[3] if len(parts) == 4 else "")


@dataclass(frozen=True)
class ConsentChoice:
    """``c:<topic>:<y|n>``: a resident's answer to a consent question."""

    topic: str  # "train": corrected messages may teach the classifier; "surveys"
    yes: bool

    PREFIX = "c"
    TOPICS = ("train", "surveys")

    def encode(self) -> str:
        return _check(f"{self.PREFIX}:{self.topic}:{'y' if self.yes else 'n'}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != cls.PREFIX or parts[1] not in cls.TOPICS:
            raise CallbackError("not a consent answer")
        if parts[2] not in ("y", "n"):
            raise CallbackError("not a yes or a no")
        return cls(parts[1], parts[2] == "y")


class PrivacyVerb(StrEnum):
    EXPORT = "export"
    ERASE = "erase"  # asks for a confirmation
    ERASE_CONFIRMED = "erase!"


@dataclass(frozen=True)
class PrivacyAction:
    """``p:<verb>``, from /privacy."""

    verb: PrivacyVerb

    PREFIX = "p"

    def encode(self) -> str:
        return _check(f"{self.PREFIX}:{self.verb.value}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) != 2 or parts[0] != cls.PREFIX:
            raise CallbackError("not a privacy action")
        try:
            return cls(PrivacyVerb(parts[1]))
        except ValueError as exc:
            raise CallbackError(f"unknown verb {parts[1]!r}") from exc


@dataclass(frozen=True)
class LanguageChoice:
    """``l:<lang>``, from /language."""

    lang: str

    PREFIX = "l"

    def encode(self) -> str:
        return _check(f"{self.PREFIX}:{self.lang}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) != 2 or parts[0] != cls.PREFIX or not parts[1].isalpha():
            raise CallbackError("not a language choice")
        return cls(parts[1])


class QuestionnaireVerb(StrEnum):
    ANSWER = "ans"  # with yes, no or unknown
    RATE = "rate"  # with 1 to 5
    SKIP_COMMENT = "skip"


RATINGS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class QuestionnaireAction:
    """``q:<verb>:<questionnaire id>[:<arg>]``, pressed by the resident who was asked.

    The id says which question; the use case checks the presser is the one it was asked of.
    """

    verb: QuestionnaireVerb
    questionnaire_id: int
    arg: str = ""

    PREFIX = "q"

    def encode(self) -> str:
        parts = [self.PREFIX, self.verb.value, str(self.questionnaire_id)]
        if self.arg:
            parts.append(self.arg)
        return _check(":".join(parts))

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) not in (3, 4) or parts[0] != cls.PREFIX:
            raise CallbackError("not a questionnaire action")
        try:
            verb = QuestionnaireVerb(parts[1])
        except ValueError as exc:
            raise CallbackError(f"unknown verb {parts[1]!r}") from exc
        arg = parts[3] if len(parts) == 4 else ""
        allowed: tuple[str, ...] = {
            QuestionnaireVerb.ANSWER: tuple(a.value for a in QuestionnaireAnswer),
            QuestionnaireVerb.RATE: RATINGS,
            QuestionnaireVerb.SKIP_COMMENT: ("",),
        }[verb]
        if arg not in allowed:
            raise CallbackError(f"bad argument {arg!r} for {verb.value}")
        return cls(verb, _int(parts[2]), arg)


@dataclass(frozen=True)
class SurveyAnswerChoice:
    """``sv:<campaign id>:<value>``: an answer to one round of a survey (a rating 1-5, y/n, or
    ``c<i>`` for the i-th choice). The use case checks the round was sent to this chat."""

    campaign_id: int
    value: str

    PREFIX = "sv"

    def encode(self) -> str:
        return _check(f"{self.PREFIX}:{self.campaign_id}:{self.value}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != cls.PREFIX:
            raise CallbackError("not a survey answer")
        value = parts[2]
        if not (
            value in ("1", "2", "3", "4", "5", "y", "n") or (value[:1] == "c" and is_id(value[1:]))
        ):
            raise CallbackError(f"not an answer: {value!r}")
        return cls(_int(parts[1]), value)


@dataclass(frozen=True)
class TopicToggle:
    """``t:<topic>``: subscribe to a broadcast topic, or unsubscribe when subscribed."""

    topic: str

    PREFIX = "t"

    def encode(self) -> str:
        return _check(f"{self.PREFIX}:{self.topic}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) != 2 or parts[0] != cls.PREFIX or not parts[1].replace("_", "").isalnum():
            raise CallbackError("not a topic")
        return cls(parts[1])


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
                return _check(f"{p}:{v}:{self.page}:{self.order.value}:{self.service}")
            case IdeaVerb.SUPPORT:
                view = f"{self.page}:{self.order.value}:{self.service}"
                return _check(f"{p}:{v}:{self.idea_id}:{view}")
            case IdeaVerb.FILTER:
                return _check(f"{p}:{v}:{self.order.value}")
            case IdeaVerb.ANSWER | IdeaVerb.MILESTONE_DONE:
                return _check(f"{p}:{v}:{self.idea_id}:{self.arg}")
        return _check(f"{p}:{v}:{self.idea_id}")

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
                return cls(verb, page=_int(rest[0]), **_view(rest[1:]))
            case IdeaVerb.SUPPORT if len(rest) in (2, 4):
                return cls(verb, _int(rest[0]), _int(rest[1]), **_view(rest[2:]))
            case IdeaVerb.FILTER if len(rest) == 1:
                return cls(verb, **_view([rest[0], ""]))
            case IdeaVerb.ANSWER | IdeaVerb.MILESTONE_DONE if len(rest) == 2 and rest[1]:
                return cls(verb, _int(rest[0]), arg=rest[1])
            case IdeaVerb.APPROVE | IdeaVerb.EDIT | IdeaVerb.DECLINE | IdeaVerb.MILESTONE if (
                len(rest) == 1
            ):
                return cls(verb, _int(rest[0]))
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


@dataclass(frozen=True)
class MeTooAction:
    """``m:<report>``: "me too" under a report opened from its shared link. The use case
    checks the report is open, not the presser's own, and not already followed by them."""

    report_id: int

    PREFIX = "m"

    def encode(self) -> str:
        return _check(f"{self.PREFIX}:{self.report_id}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) != 2 or parts[0] != cls.PREFIX:
            raise CallbackError("not a me-too press")
        return cls(_int(parts[1]))
