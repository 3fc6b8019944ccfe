# ruff: noqa: E501  (regular-expression and word tables read better unwrapped)
"""What a seasoned town-hall clerk knows: the words that point to each service, in both languages.

The lexicon is the knowledge the trained model cannot learn from a few thousand sentences: it is
written for residents of *any* town, so it is what keeps the classifier honest on reports nobody
on the team has seen. Each entry is a regular-expression fragment matched at the start of a word
on folded text (lower case, no accents, see :func:`nlp.text.fold`), so ``"poubel"`` matches
"poubelle", "Poubelles" and "poubel". A fragment may carry a prefix:

* ``++`` names the problem itself (weight 3: "graffiti" on a bus shelter is about cleanliness),
  ``+`` a strong cue (weight 2), ``-`` a weak one (weight 0.5), otherwise weight 1;
* ``!`` a false friend across languages (French "car" is "because"): used only when the message
  is in that language, never for the other one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues_en import CUES as EN_CUES
from .cues_fr import CUES as FR_CUES
from .text import fold
from .types import LANGUAGES

_SERVICE_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    service: {"fr": FR_CUES[service], "en": EN_CUES[service]} for service in FR_CUES
}


#: Words that say a clause is about something already fixed: its cues count for little.
#: ("la fuite est réparée mais la poubelle déborde" is about the bin, not the leak.)
RESOLVED_CUES: dict[str, str] = {
    "fr": r"\b(reparee?s?\b|resolue?s?\b|regle\b|reglee|c'est bon|refait|remis en (etat|place)|"
    r"fonctionne (a nouveau|de nouveau|maintenant)|remarche|a ete (change|remplace|nettoye|vide|"
    r"ramasse|enleve|rebouche)|est (de nouveau|a nouveau)|merci (pour|d'avoir)|plus de probleme)",
    "en": r"\b(fixed|repaired|resolved|sorted( out)?\b|works? (again|now|fine)|working (again|now|fine)|"
    r"has been (replaced|cleaned|emptied|collected|removed|filled|mended|done)|"
    r"(was|were|got) (replaced|cleaned|emptied|collected|removed|filled|mended)|"
    r"thanks? (for|to)|is fine now|back on)",
}


@dataclass(frozen=True)
class _Cue:
    fragment: str
    weight: float
    lang: str
    same_lang_only: bool


def _parse(fragment: str, lang: str) -> _Cue:
    weight = 1.0
    same_lang_only = False
    while fragment[:1] in {"+", "-", "!"}:
        mark, fragment = fragment[0], fragment[1:]
        if mark == "+":
            weight = 3.0 if weight == 2.0 else 2.0
        elif mark == "-":
            weight = 0.5
        else:
            same_lang_only = True
    return _Cue(fragment, weight, lang, same_lang_only)


class Lexicon:
    """Scores a text against every service's cues. Built once; matching is plain ``re``.

    Per service and message language, all cues are one alternation (strongest and same-language
    cues first), so a clause costs one ``finditer`` per service and overlapping cues ("bus
    shelter" and "bus") count once, the strongest winning.
    """

    def __init__(self, other_lang_weight: float = 0.5) -> None:
        self.services: tuple[str, ...] = tuple(_SERVICE_CUES)
        # (service, lang) -> first letter of a word -> (alternation, weight of each group)
        self._regex: dict[tuple[str, str], dict[str, tuple[re.Pattern[str], list[float]]]] = {}
        for service, by_lang in _SERVICE_CUES.items():
            cues = [_parse(f, lang) for lang, frags in by_lang.items() for f in frags]
            for lang in LANGUAGES:
                usable = [c for c in cues if c.lang == lang or not c.same_lang_only]
                usable.sort(key=lambda c: (c.lang != lang, -c.weight, -len(c.fragment)))
                self._regex[(service, lang)] = _by_first_char(usable, lang, other_lang_weight)
        self._resolved = {lang: re.compile(p) for lang, p in RESOLVED_CUES.items()}

    def scores(self, text: str, lang: str) -> dict[str, float]:
        """Cue score per service: the weights of the cues found, clause by clause.

        Cues of the message's language count fully, those of the other language half
        (residents mix languages); a clause that says its problem is fixed counts a quarter.
        Matching is tried only at word starts, with the cues that can begin with that letter.
        """
        lang = lang if lang in LANGUAGES else "fr"
        folded = fold(text)
        totals = dict.fromkeys(self.services, 0.0)
        if not folded.strip():
            return totals
        for clause in _clauses(folded):
            factor = 0.25 if self.is_resolved(clause) else 1.0
            starts = [(m.start(), clause[m.start()]) for m in _WORD_START.finditer(clause)]
            for service in self.services:
                table = self._regex[(service, lang)]
                done = 0  # end of the last cue counted: overlapping cues count once
                for pos, first in starts:
                    if pos < done:
                        continue
                    entry = table.get(first)
                    if entry is None:
                        continue
                    m = entry[0].match(clause, pos)
                    if m is not None and m.lastgroup is not None:
                        totals[service] += entry[1][int(m.lastgroup[1:])] * factor
                        done = m.end()
        return totals

    def is_resolved(self, folded_clause: str) -> bool:
        """Whether a clause says its problem is fixed ("still not fixed" is not)."""
        for pattern in self._resolved.values():
            for m in pattern.finditer(folded_clause):
                before = folded_clause[max(0, m.start() - 25) : m.start()]
                if not _NEGATED.search(before):
                    return True
        return False


_WORD_START = re.compile(r"(?<![a-z0-9])[a-z0-9]")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _by_first_char(
    cues: list[_Cue], lang: str, other_lang_weight: float
) -> dict[str, tuple[re.Pattern[str], list[float]]]:
    """One alternation per first letter; a cue opening on a group goes in every one."""
    table: dict[str, tuple[re.Pattern[str], list[float]]] = {}
    for char in _ALNUM:
        chosen = [c for c in cues if _may_start_with(c.fragment, char)]
        if not chosen:
            continue
        weights = [c.weight * (1.0 if c.lang == lang else other_lang_weight) for c in chosen]
        alternation = "|".join(f"(?P<g{i}>{c.fragment})" for i, c in enumerate(chosen))
        table[char] = (re.compile(alternation), weights)
    return table


def _may_start_with(fragment: str, char: str) -> bool:
    if fragment[0] in _ALNUM and fragment[1:2] not in {"?", "*", "{"}:
        return fragment[0] == char
    return True


_NEGATED = re.compile(r"(\bpas|\bnot|n't|\bnever|\bjamais|\bnon|\byet to be|\bto be)\s+(\w+\s+)?$")
_CLAUSE_SPLIT = re.compile(r"[.;!?\n]+|,|\b(?:mais|but|however|cependant|par contre|sauf que)\b")


def _clauses(folded: str) -> list[str]:
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(folded) if p and p.strip()]
    return parts or [folded]
