# ruff: noqa: E501  (regular-expression and word tables read better unwrapped)
"""Intent cues: an idea, a question, or small talk, told apart from a report by their wording.

The keyword classifier uses these rules alone; the trained pipeline adds them, as a prior, to
its intent text classifier (a resident who writes "idée :" means an idea, whatever the model
learnt from a few hundred examples).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from .text import fold
from .types import Intent

_IDEA = re.compile(
    r"\b(idee|suggestion|sugger|je propose|propose\b|(?<!aucune )proposition|ce serait (bien|super|top|chouette|genial)"
    r"|ca serait (bien|super|top|chouette|genial)|il faudrait|on pourrait|pourquoi ne pas"
    r"|pourquoi pas|serait-il possible d'(installer|ajouter|creer|mettre)|je suggere|je reve"
    r"|what about|how about|(?<!any )(?<!no )idea|suggest|propos(e|al)|it would be (great|nice|good|lovely)"
    r"|would be (great|nice|good|lovely) (to|if)|why not|we (could|should)|could we|can we (have|get)"
    r"|the (town|council|city) should|i.d love|wouldn.t it be|please (add|install|create|consider)"
    r"|install more|add more|more (benches|bins|trees|bike|cycle|lights|buses)"
    # Proposals put as a wish, a conditional or an invitation to create (round 5).
    r"|(ce|ca|il) serait (vraiment |tellement |tres )?(utile|pratique|judicieux|souhaitable|bienvenu)"
    r"|serait (vraiment |tres )?(utile|pratique|bienvenue?) (de|d'|pour|si)|et si (on|la ville|la mairie|la commune)"
    r"|(pourrait|pourriez|pourrions)[- ](on|vous|nous) (installer|ajouter|creer|mettre en place|amenager|prolonger|planter|envisager|organiser)"
    r"|(la ville|la mairie|la commune) (devrait|pourrait)|on aimerait (avoir|un |une |des )|j'aimerais qu'on|ca manque de"
    r"|^\W*(installer|installez|ajouter|ajoutez|creer|creez|amenager|amenagez|prolonger|prolongez|planter|plantez) (des|un|une|plus|la|le|les)"
    r"|could (you|they|the (town|council|city)|there be) (please )?(add|install|put|create|introduce|consider|extend|plant|make|provide|build|have)"
    r"|can there be|please (introduce|bring back|extend|put in|provide)|(we|i).d (really )?love (a|an|some|to see|more)"
    r"|would (really |also )?(be|make) (a )?(really |so |very )?(great|nice|good|lovely|useful|helpful|handy|brilliant)"
    r"|it.d be (great|nice|good|lovely|useful|helpful|handy|brilliant)|what if (we|the|there)|why (don.t|doesn.t|can.t) (we|you|they|the council)"
    r"|(should|could) (consider|introduce|install|put in|plant|create))"
)
_QUESTION_START = re.compile(
    r"^\s*(comment|pourquoi|quand|quel(le)?s?|ou (est|sont|puis|peut|se)|est-ce|est ce|combien"
    r"|qui (dois|doit|peut|faut)|a qui|puis-je|peut-on|peut on|pouvez-vous|savez-vous|y a-t-il"
    r"|how|why|when|where|what|which|who|is there|are there|is it|can i|could i|do you|does the"
    r"|do i|should i|will the|is the|are the|have you|has the)\b"
)
_QUESTION_ANY = re.compile(
    r"\b(je voudrais savoir|j'aimerais savoir|savoir si|savoir comment|je me demande|une question"
    r"|question :|renseignement|i.d like to know|i was wondering|wondering (if|whether|when)"
    r"|quick question|can you tell me|could you tell me|any idea (when|why|how|what|who|if|whether))"
)
_SMALL_TALK = re.compile(
    r"^\W*(bonjour|bonsoir|salut|coucou|hello|hi|hey|merci( beaucoup| bien)?|thanks?( you)?"
    r"|thank you( so much| very much)?|cheers|ok(ay)?|d'accord|super|top|parfait|great|cool|nice"
    r"|good (morning|evening|night)|bonne (journee|soiree|nuit)|au revoir|bye|test|lol|mdr"
    r"|\?+|!+)?([\s,!.]*(bonjour|merci|thanks|thank you|a vous|to you|bye|au revoir|:\)|!)*)\W*$"
)
_REPORT = re.compile(
    r"\b(casse|cassee|en panne|ne (marche|fonctionne)|depuis \d|depuis (hier|des|plusieurs|une|un)"
    r"|broken|not working|doesn.t work|isn.t working|has been .* for|for (days|weeks|a week|months)"
    r"|since (yesterday|last|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|signaler|report(ing)?|signalement|dangereux|dangerous|urgent)"
)


def rule_scores(text: str) -> dict[Intent, float]:
    """Cue strength per intent; a report is the default when nothing else is said."""
    return dict(zip(Intent, _rule_scores(text), strict=True))


@lru_cache(maxsize=512)
def _rule_scores(text: str) -> tuple[float, ...]:
    # Cached for the length of a batch chunk (256): the intent textcat's features and the final
    # intent decision both read them. Kept small so that a benchmark repeating its texts does
    # not measure cache hits.
    folded = fold(text).strip()
    scores = dict.fromkeys(Intent, 0.0)
    if not folded or not re.search(r"[a-z0-9]", folded):
        scores[Intent.OTHER] = 1.0
        return tuple(scores.values())
    if _SMALL_TALK.match(folded):
        scores[Intent.OTHER] += 2.0
    if _IDEA.search(folded):
        scores[Intent.IDEA] += 1.5
    if _QUESTION_START.search(folded) or _QUESTION_ANY.search(folded):
        scores[Intent.QUESTION] += 1.0
    if folded.rstrip().endswith("?"):
        scores[Intent.QUESTION] += 1.0
    if _REPORT.search(folded):
        scores[Intent.REPORT] += 1.0
    return tuple(scores[i] for i in Intent)


def rule_intent(text: str, has_service_cue: bool) -> Intent:
    """The intent the rules alone would pick."""
    scores = rule_scores(text)
    if has_service_cue:
        scores[Intent.REPORT] += 0.75
    else:
        scores[Intent.OTHER] += 0.5
    best = max(Intent, key=lambda i: scores[i])
    if scores[best] <= 0.5 and has_service_cue:
        return Intent.REPORT
    return best


#: Up to this many words, a message with no cue of small talk, idea or question that clearly
#: names a service's problem is a report ("Pothole", "lampadaire grillé", "missed bin").
TERSE_WORDS = 6


def settle(text: str, intent: Intent, service_probs: Mapping[str, float], urgent: bool) -> Intent:
    """The intent, corrected where the model errs in ways that cost a resident most: a danger
    is always reported, and a problem named in a few words is a report, not small talk (the
    intent model learnt that short messages are mostly greetings, and the bot answers small
    talk with a greeting instead of taking the report)."""
    if intent is Intent.REPORT:
        return intent
    if urgent and intent is Intent.OTHER:
        return Intent.REPORT
    named = max((p for s, p in service_probs.items() if s != "other"), default=0.0)
    if named >= 0.5 and len(text.split()) <= TERSE_WORDS and not any(_rule_scores(text)):
        return Intent.REPORT
    return intent
