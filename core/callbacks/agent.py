"""Buttons on the agents' ticket cards."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from core.callbacks.codec import CallbackError, fit, parse_id, parse_user_id


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
    TAKE = "take"  # the presser takes the report
    RELEASE = "rel"  # nobody has it any more
    HAND = "hand"  # opens the picker of the service's agents
    HAND_TO = "to"  # with a Telegram user id: handed to that colleague
    ANSWER = "ans"  # opens the answers: templates, and how to write to the resident
    TEMPLATE = "tpl"  # with a template's id: a reply (and status) shown for confirmation
    SEND = "send"  # with a reply draft's id: the resident receives it
    DROP = "drop"  # with a reply draft's id: not sent
    REOPEN = "reo"  # on a closed card: says how to reopen (a reason is needed)
    HIDE_TEXT = "hidet"  # moderation: the text out of every public output
    HIDE_PHOTO = "hidep"  # moderation: the photos out of every public output


#: Verbs whose argument is a row id.
WITH_ID = frozenset({AgentVerb.DUPLICATE_OF, AgentVerb.TEMPLATE, AgentVerb.SEND, AgentVerb.DROP})


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
        return fit(":".join(parts))

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
        if verb in (AgentVerb.MOVE, AgentVerb.HAND_TO, *WITH_ID) and not arg:
            raise CallbackError("missing argument")
        if verb in WITH_ID:
            parse_id(arg)
        if verb is AgentVerb.HAND_TO:
            parse_user_id(arg)
        return cls(verb, parse_id(parts[2]), arg)
