"""The contract between the text pipeline and the rest of Sens Commun.

Everything outside ``nlp/`` sees only these types and the :class:`Classifier` protocol, so
the implementation behind it (keyword rules, the trained spaCy pipeline) can change freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

#: The default service catalogue, also the classifier's labels (see ARCHITECTURE.md).
DEFAULT_SERVICES: tuple[str, ...] = (
    "cleanliness",
    "waste",
    "water",
    "roads",
    "lighting",
    "transport",
    "green_spaces",
    "noise",
    "parking",
    "culture",
    "other",
)

#: Languages the bot speaks and the classifier understands.
LANGUAGES: tuple[str, ...] = ("fr", "en")


class Intent(StrEnum):
    """What the resident wants: report a problem, propose an idea, ask, or anything else."""

    REPORT = "report"
    IDEA = "idea"
    QUESTION = "question"
    OTHER = "other"


@dataclass(frozen=True)
class PlaceSpan:
    """A place named in the text: an address, a crossing or a landmark."""

    text: str
    start: int
    end: int
    normalised: str
    street: str | None = None  # matched name from the town's street list, when configured
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Classification:
    """What the pipeline tells of one message."""

    service: str
    confidence: float  # calibrated probability of ``service``, 0..1
    alternatives: tuple[tuple[str, float], ...]  # next best (service, probability), best first
    intent: Intent
    lang: str
    urgent: bool = False
    urgency_reasons: tuple[str, ...] = ()
    places: tuple[PlaceSpan, ...] = field(default=())
    redacted: str = ""  # the text with personal data masked, for agents and statistics
    #: No service fits well enough to route without asking: the best guess is ``other`` (none of
    #: the town's services) or under 0.5. The bot should ask the resident which service (offering
    #: :meth:`top`, plus "none of these") rather than guess. Never set for small talk.
    ask_service: bool = False

    @property
    def strongly_urgent(self) -> bool:
        """Urgent on a rule's reason (a gas smell, live wires, someone hurt...), not on the
        learnt danger score alone. The score is tuned for recall and flags many ordinary
        reports: on its own it shows the resident the emergency numbers, and nothing more;
        the agents' card is marked urgent (and pinned) only on a rule."""
        return self.urgent and any(not r.startswith("danger:") for r in self.urgency_reasons)

    @property
    def danger(self) -> str | None:
        """Why the message may be urgent, for agents: the first reason, a rule's code (``gas``,
        ``injury``...) or the learnt danger category (``violence``, ``structure``...); ``None``
        when it is not urgent."""
        if not self.urgent or not self.urgency_reasons:
            return None
        return self.urgency_reasons[0].removeprefix("danger:")

    def top(self, n: int = 3) -> tuple[str, ...]:
        """The ``n`` most likely services, best first."""
        return (self.service, *(s for s, _ in self.alternatives))[:n]


class Classifier(Protocol):
    """Classifies one message. Pure CPU work: callers run it off the event loop."""

    def classify(self, text: str, lang: str | None = None) -> Classification: ...

    def similarity(self, a: str, b: str) -> float:
        """How alike two messages are, 0..1, for duplicate detection."""
        ...
