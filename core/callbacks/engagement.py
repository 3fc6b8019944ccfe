"""Buttons of what goes back to residents: questionnaires, surveys, topics."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from core.callbacks.codec import CallbackError, fit, is_id, parse_id
from storage.enums import QuestionnaireAnswer


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
        return fit(":".join(parts))

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
        return cls(verb, parse_id(parts[2]), arg)


@dataclass(frozen=True)
class SurveyAnswerChoice:
    """``sv:<campaign id>:<value>``: an answer to one round of a survey (a rating 1-5, y/n, or
    ``c<i>`` for the i-th choice). The use case checks the round was sent to this chat."""

    campaign_id: int
    value: str

    PREFIX = "sv"

    def encode(self) -> str:
        return fit(f"{self.PREFIX}:{self.campaign_id}:{self.value}")

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
        return cls(parse_id(parts[1]), value)


@dataclass(frozen=True)
class TopicToggle:
    """``t:<topic>``: subscribe to a broadcast topic, or unsubscribe when subscribed."""

    topic: str

    PREFIX = "t"

    def encode(self) -> str:
        return fit(f"{self.PREFIX}:{self.topic}")

    @classmethod
    def decode(cls, data: str) -> Self:
        parts = data.split(":")
        if len(parts) != 2 or parts[0] != cls.PREFIX or not parts[1].replace("_", "").isalnum():
            raise CallbackError("not a topic")
        return cls(parts[1])
