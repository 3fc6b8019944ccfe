"""Buttons on the agents' ticket cards."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from core.callbacks.codec import CallbackError, fit, parse_id


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
    HIDE_TEXT = "hidet"  # moderation: the text out of every public output
    HIDE_PHOTO = "hidep"  # moderation: the photos out of every public output


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
        if verb in (AgentVerb.MOVE, AgentVerb.DUPLICATE_OF) and not arg:
            raise CallbackError("missing argument")
        if verb is AgentVerb.DUPLICATE_OF:
            parse_id(arg)
        return cls(verb, parse_id(parts[2]), arg)
