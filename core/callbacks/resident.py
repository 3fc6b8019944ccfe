"""Buttons a resident presses in her private chat: the report being written, consent,
privacy, language, "me too"."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from core.callbacks.codec import CallbackError, fit, parse_id, sign, signed_ok


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
        return fit(":".join(parts))

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) not in (3, 4) or parts[0] != cls.PREFIX:
            raise CallbackError("not a draft action")
        try:
            verb = DraftVerb(parts[1])
        except ValueError as exc:
            raise CallbackError(f"unknown verb {parts[1]!r}") from exc
        return cls(verb, parse_id(parts[2]), parts[3] if len(parts) == 4 else "")


@dataclass(frozen=True)
class ConsentChoice:
    """``c:<topic>:<y|n>``: a resident's answer to a consent question."""

    topic: str  # "train": corrected messages may teach the classifier; "surveys"
    yes: bool

    PREFIX = "c"
    TOPICS = ("train", "surveys")

    def encode(self) -> str:
        return fit(f"{self.PREFIX}:{self.topic}:{'y' if self.yes else 'n'}")

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
        return fit(f"{self.PREFIX}:{self.verb.value}")

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
        return fit(f"{self.PREFIX}:{self.lang}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) != 2 or parts[0] != cls.PREFIX or not parts[1].isalpha():
            raise CallbackError("not a language choice")
        return cls(parts[1])


@dataclass(frozen=True)
class MeTooAction:
    """``m:<report>:<signature>``: "me too" under a report opened from its shared link.

    The report is someone else's, so the button is signed (``codec.sign``): a forged press
    (an id typed by hand, an unsigned button of an older release) is refused before the use
    case, which also checks the report is open, not the presser's own, and not already
    followed by them."""

    report_id: int
    signature: str = ""

    PREFIX = "m"

    @classmethod
    def signed(cls, report_id: int, secret: bytes) -> Self:
        return cls(report_id, sign(secret, f"{cls.PREFIX}:{report_id}"))

    def genuine(self, secret: bytes) -> bool:
        return signed_ok(secret, f"{self.PREFIX}:{self.report_id}", self.signature)

    def encode(self) -> str:
        return fit(f"{self.PREFIX}:{self.report_id}:{self.signature}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) not in (2, 3) or parts[0] != cls.PREFIX:
            raise CallbackError("not a me-too press")
        signature = parts[2] if len(parts) == 3 else ""  # unsigned: refused by genuine()
        return cls(parse_id(parts[1]), signature)
