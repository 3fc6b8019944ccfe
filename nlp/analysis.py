"""What both classifiers share: language, places, urgency and redaction around a service score."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from .catalogue import OTHER, check_services, ranked, restrict
from .danger import DangerModel
from .intent import settle
from .langid import LanguageIdentifier
from .lexicon import Lexicon
from .places import PlaceFinder
from .redact import redact
from .similarity import similarity
from .types import Classification, Intent
from .urgency import assess

#: Longer messages are cut before the costly steps: the first screenfuls say what it is about.
MAX_CHARS = 5000
#: How many alternatives a Classification carries besides the best service.
N_ALTERNATIVES = 3
#: Dangers that no service of the catalogue handles (a gas leak is the gas network's and the
#: emergency services'): the report goes to the general desk, flagged urgent, and the resident
#: is shown the emergency numbers. Half the probability mass moves to ``other``.
DESK_REASONS = frozenset({"gas"})
#: Under this calibrated probability the best service is more likely wrong than right: the bot
#: should ask the resident (offering :meth:`Classification.top`) rather than guess.
ASK_BELOW = 0.5


def should_ask(service: str, confidence: float, intent: Intent) -> bool:
    """Whether no service fits well enough to route without asking: the best guess is the
    general desk (``other``: none of the town's services) or is more likely wrong than right.
    Small talk (intent ``other``) has nothing to route, so it is never asked about."""
    return intent is not Intent.OTHER and (service == OTHER or confidence < ASK_BELOW)


def model_may_flag(intent: Intent) -> bool:
    """Whether the learnt danger score may flag a message of this (model) intent on its own.

    Questions and ideas about safety are not urgent by the guide ("could we have a crossing
    near the school?", "what do we do if we smell gas?"); they are a large share of the
    messages that name a danger without reporting one, and a linear score cannot tell "is
    there a fire risk?" from "there is a fire" as well as the intent model can. A rule still
    flags them (a resident who asks "who do I call, the flat next door is on fire?" is
    caught by the ``fire`` rule), and the thresholds are calibrated with this gate
    (:mod:`nlp.danger_train`), so recall is kept."""
    return intent not in (Intent.QUESTION, Intent.IDEA)


class Analyser:
    """Holds the rule-based parts, built once and shared by a classifier's calls."""

    def __init__(
        self,
        services: Sequence[str],
        langid: LanguageIdentifier | None = None,
        streets_csv: Path | None = None,
        danger: DangerModel | None = None,
    ) -> None:
        self.services = check_services(services)
        self.danger = danger
        self.langid = langid or LanguageIdentifier()
        self.lexicon = Lexicon()
        self.places = PlaceFinder(streets_csv)

    def language(self, text: str, hint: str | None) -> str:
        return self.langid.identify(text[:MAX_CHARS], hint)

    def danger_reasons(self, texts: Sequence[str], langs: Sequence[str]) -> list[tuple[str, ...]]:
        """The danger model's reasons (``danger:<category>``) for a batch; none without one."""
        if self.danger is None:
            return [() for _ in texts]
        return self.danger.reasons([t[:MAX_CHARS] for t in texts], langs)

    def finish(
        self, text: str, lang: str, probs: Mapping[str, float], intent: Intent,
        learnt: tuple[str, ...] | None = None,
    ) -> Classification:  # fmt: skip
        """A :class:`Classification` from service probabilities over the default catalogue.
        ``learnt``: the danger model's reasons when already scored in a batch."""
        if learnt is None:
            learnt = self.danger_reasons([text], [lang])[0]
        # Urgent when a rule fires or the learnt score passes its threshold (for a report, not
        # a question or an idea: see :func:`model_may_flag`): rules first.
        if not model_may_flag(intent):
            learnt = ()
        reasons = assess(text[:MAX_CHARS], lang) + learnt
        if DESK_REASONS.intersection(reasons):
            probs = {s: 0.5 * p + (0.5 if s == "other" else 0.0) for s, p in probs.items()}
        best = ranked(restrict(probs, self.services))
        service, confidence = best[0]
        settled = settle(text[:MAX_CHARS], intent, probs, bool(reasons))
        return Classification(
            service=service,
            confidence=round(confidence, 4),
            alternatives=tuple((s, round(p, 4)) for s, p in best[1 : 1 + N_ALTERNATIVES]),
            intent=settled,
            lang=lang,
            urgent=bool(reasons),
            urgency_reasons=reasons,
            places=self.places.find(text[:MAX_CHARS], lang),
            redacted=redact(text, lang),
            ask_service=should_ask(service, confidence, settled),
        )

    def similarity(self, a: str, b: str) -> float:
        return similarity(a[:MAX_CHARS], b[:MAX_CHARS])


def softmax(scores: Mapping[str, float], temperature: float = 1.0) -> dict[str, float]:
    top = max(scores.values())
    exps = {k: math.exp((v - top) / temperature) for k, v in scores.items()}
    total = sum(exps.values())
    return {k: v / total for k, v in exps.items()}
