# ruff: noqa: E501  (regular-expression and word tables read better unwrapped)
"""Places named in a message: addresses, crossings and landmarks, matched to the town's streets.

Rules on folded text (residents rarely capitalise): a French street type *before* its name
("12 rue Victor Hugo", "place du marché"), an English one *after* it ("23 Station Rd", "Elm
St"), a crossing of two of them ("corner of Elm St and 3rd Ave", "angle rue X et rue Y"), and a
landmark after a word of position ("près de l'école Jean Jaurès", "near the Lidl"). Spans carry
offsets into the original text and a normalised string (folded, abbreviations expanded) that is
the same however the resident wrote it, for duplicate detection. With a street list, each
street is matched fuzzily (typos included) and gets the list's spelling and coordinates.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path

from .text import STOPWORDS, fold
from .types import PlaceSpan

_FR_TYPES = (
    r"rue|avenue|av|bd|boulevard|place|pl|impasse|allee|chemin|route|rte|quai|cours|passage"
    r"|rond-point|rond point|chaussee|residence|cite|square|pont|sentier|voie|esplanade|parvis"
    r"|promenade|faubourg|fbg|montee|cote|lotissement|ruelle|venelle|parc|jardin|hameau|lieu-dit"
)
_EN_TYPES = (
    r"street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|close|way|place|pl|crescent|cres|terrace"
    r"|court|ct|boulevard|blvd|grove|gardens|square|sq|hill|row|parade|walk|park|green|mews"
    r"|highway|hwy|broadway"
)
_LANDMARKS = (
    r"ecole|college|lycee|creche|mairie|eglise|gare|poste|piscine|gymnase|stade|bibliotheque"
    r"|mediatheque|marche|pharmacie|boulangerie|supermarche|hopital|cimetiere|salle|maison"
    r"|centre|halle|arret|station|parking|residence|cite|mosquee|temple|synagogue|musee|theatre"
    r"|school|library|station|church|post office|town hall|city hall|hospital|surgery|pharmacy"
    r"|chemist|supermarket|shops?|pub|leisure centre|sports centre|community centre|playground"
    r"|car park|bus stop|stop|cemetery|mosque|museum|theatre|market|bakery|garage|petrol station"
    r"|lidl|aldi|tesco|sainsbury'?s|asda|co-?op|morrisons|waitrose|leclerc|carrefour market"
    r"|carrefour city|intermarche|monoprix|franprix|auchan|super u|casino|mcdonald'?s|mcdo"
)
_FR_POSITION = (
    r"pres (de la|du|des|de l'|de|d')|devant( le| la| l'| les)?|derriere( le| la| l'| les)?"
    r"|a cote (de la|du|des|de l'|de|d')|en face (de la|du|des|de l'|de|d')"
    r"|au niveau (de la|du|des|de l'|de|d')|a la sortie (de la|du|des|de l'|de|d')"
    r"|a l'entree (de la|du|des|de l'|de|d')|aux abords (de la|du|des|de l'|de|d')|vers( le| la| l')?"
)
_EN_POSITION = r"near( to)?|outside|opposite|behind|next to|by|in front of|at|beside|across from"
_NAME_PARTICLES = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "saint",
        "sainte",
        "st",
        "ste",
        "of",
        "the",
        "and",
        "et",
        "von",
        "van",
    ]
)
_NOT_NAMES = frozenset(
    [
        "bus",
        "cycle",
        "bike",
        "side",
        "slip",
        "back",
        "dual",
        "ring",
        "busy",
        "private",
        "country",
        "this",
        "that",
        "our",
        "my",
        "your",
        "his",
        "her",
        "every",
        "whole",
        "same",
        "other",
        "next",
        "one",
        "way",
        "toll",
        "high",
        "main",
        "new",
        "old",
    ]
) - {"high", "main", "new", "old"}
_POSITION_WORDS = frozenset(
    [
        "corner",
        "junction",
        "near",
        "outside",
        "opposite",
        "behind",
        "next",
        "front",
        "beside",
        "across",
        "between",
    ]
)
_STOP = (STOPWORDS["fr"] | STOPWORDS["en"] | frozenset(
    ["depuis", "since", "devant", "pres", "il", "y", "a", "est", "sont", "the", "is", "are", "has", "have", "was", "were", "there", "here", "encore", "toujours", "still", "again", "et", "and", "avec", "with", "a", "au", "aux", "pour", "for", "on", "sur", "dans", "in", "en", "near", "ce", "cette", "ces", "at", "which", "qui", "que"]
)) - _NAME_PARTICLES  # fmt: skip
_ABBREVIATIONS = {
    "st": "street", "rd": "road", "ave": "avenue", "av": "avenue", "ln": "lane", "dr": "drive",
    "pl": "place", "sq": "square", "ct": "court", "cres": "crescent", "blvd": "boulevard",
    "bd": "boulevard", "hwy": "highway", "rte": "route", "fbg": "faubourg", "ste": "sainte",
}  # fmt: skip
_NAME_WORD = r"[a-z0-9][a-z0-9'-]*"
_FR_STREET = re.compile(
    rf"(?<![a-z0-9])(?:(?P<num>\d{{1,4}}(?: ?(?:bis|ter|[ab]))?),? )?(?P<type>{_FR_TYPES})\.?"
    rf"(?P<name>(?: {_NAME_WORD}){{1,6}})"
)
_EN_STREET = re.compile(
    rf"(?<![a-z0-9])(?:(?P<num>\d{{1,4}}[a-z]?),? )?(?P<name>(?:{_NAME_WORD} ){{1,3}})"
    rf"(?P<type>{_EN_TYPES})\b\.?"
)
_LANDMARK = re.compile(
    rf"(?<![a-z])(?:{_FR_POSITION}|{_EN_POSITION})\s*(?:the |le |la |l'|les )?"
    rf"(?P<type>{_LANDMARKS})\b(?P<name>(?: {_NAME_WORD}){{0,4}})"
)
_CROSSING = re.compile(r"\b(angle|croisement|intersection|carrefour|corner|junction)\b")
_LINK = re.compile(r"^\s*(?:,|et|and|/|&|x|with)\s*(?:de |du |de la |d'|of )?\s*$")
_HOUSE_NUMBER = re.compile(r"^\d{1,5}[a-z]?$")  # "12", "12b"; not "3rd"
_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}\b")


def _fold_map(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each of its characters, the offset of its source in ``text``."""
    if text.isascii():  # folding plain ASCII keeps every character in place
        return fold(text), list(range(len(text)))
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        f = fold(ch)
        out.append(f)
        index.extend([i] * len(f))
    return "".join(out), index


def _trim_name(name: str, english: bool) -> str:
    """The leading words of a candidate street name, stopped at the first word of a sentence."""
    kept: list[str] = []
    for word in name.split():
        if word in _STOP or (word.isdigit() and not english):
            break
        kept.append(word)
    while kept and kept[-1] in _NAME_PARTICLES:
        kept.pop()
    return " ".join(kept)


def _capitalised_tail(m: re.Match[str], capitalised: Callable[[int], bool]) -> list[str]:
    """The words before an English street type, from the last capitalised one back to the
    first of their run when the resident capitalises names ("Tree down blocking Oakwood Drive"
    gives "oakwood"); all of them when the text has no capitals there ("pothole on elm st")."""
    words = m.group("name").split()
    starts, pos = [], m.start("name")
    for word in words:
        starts.append(pos)
        pos += len(word) + 1
    caps = [capitalised(p) for p in starts]
    if not any(caps):
        return words
    tail: list[str] = []
    for word, cap in zip(reversed(words), reversed(caps), strict=True):
        if not cap:
            break
        tail.insert(0, word)
    return tail or words


def normalise(place: str) -> str:
    """A place's comparable form: folded, punctuation out, abbreviations expanded."""
    words = re.findall(r"[a-z0-9]+", fold(place).replace("'", " "))
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


class StreetIndex:
    """The town's street list, matched fuzzily with a trigram prefilter and difflib."""

    def __init__(self, rows: list[tuple[str, float, float]]) -> None:
        self.rows = rows
        self.keys = [normalise(name) for name, _, _ in rows]
        self._grams: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.keys):
            for g in set(_trigrams(key)):
                self._grams[g].append(i)

    @classmethod
    def load(cls, path: Path) -> StreetIndex:
        rows: list[tuple[str, float, float]] = []
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                try:
                    rows.append((row["name"].strip(), float(row["lat"]), float(row["lon"])))
                except (KeyError, ValueError, TypeError, AttributeError):
                    continue  # a malformed line does not stop the town's list loading
        return cls(rows)

    def match(self, place: str, cutoff: float = 0.8) -> tuple[str, float, float] | None:
        """The street ``place`` names, if one is close enough (typos and missing types allowed)."""
        key = normalise(place)
        if not key:
            return None
        votes: dict[int, int] = defaultdict(int)
        for g in set(_trigrams(key)):
            for i in self._grams.get(g, ()):
                votes[i] += 1
        best: tuple[float, int] | None = None
        for i, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:25]:
            ratio = SequenceMatcher(None, key, self.keys[i]).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, i)
        if best is None or best[0] < cutoff:
            return None
        return self.rows[best[1]]


def _trigrams(key: str) -> list[str]:
    padded = f"  {key} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


class PlaceFinder:
    """Finds places in a message; built once with the town's optional street list."""

    def __init__(self, streets_csv: Path | None = None) -> None:
        self.streets = StreetIndex.load(streets_csv) if streets_csv else None

    def find(self, text: str, lang: str = "fr") -> tuple[PlaceSpan, ...]:
        """The places in ``text``, in order of appearance, crossings merged into one span."""
        folded, index = _fold_map(text)
        found: list[tuple[int, int, str, str]] = []  # start, end, street part, number
        patterns = (_FR_STREET, _EN_STREET) if lang == "fr" else (_EN_STREET, _FR_STREET)

        def capitalised(pos: int) -> bool:
            """Whether the word at ``pos`` of ``folded`` starts with a capital or a digit."""
            first = text[index[pos]]
            return first.isupper() or first.isdigit()

        for pattern in patterns:
            for m in pattern.finditer(folded):
                span = self._street(m, english=pattern is _EN_STREET, capitalised=capitalised)
                if span and not any(s < span[1] and span[0] < e for s, e, _, _ in found):
                    found.append(span)
        for m in _LANDMARK.finditer(folded):
            name = _trim_name(m.group("name"), english=True)
            end = m.start("name") + (len(" " + name) if name else 0)
            start = m.start("type")
            if not any(s < end and start < e for s, e, _, _ in found):
                found.append((start, end, folded[start:end], ""))
        for m in _POSTCODE.finditer(folded):
            if lang == "en" and not any(s < m.end() and m.start() < e for s, e, _, _ in found):
                found.append((m.start(), m.end(), m.group(0), ""))
        found.sort()
        return tuple(self._spans(text, folded, index, found))

    def _street(
        self, m: re.Match[str], english: bool, capitalised: Callable[[int], bool]
    ) -> tuple[int, int, str, str] | None:
        kind = m.group("type")
        if english:
            words = _capitalised_tail(m, capitalised)
            whole = len(words) == len(m.group("name").split())  # the number may lead it
            kept: list[str] = []  # the name is the run of name-like words before the type
            inner = ""  # a house number inside the run ("pickup 123 oak st"): the name stops
            for word in reversed(words):
                if word in _STOP or word in _NAME_PARTICLES or word in _NOT_NAMES:
                    break
                if word in _POSITION_WORDS:
                    break
                if kept and _HOUSE_NUMBER.match(word):
                    inner = word
                    break
                kept.insert(0, word)
            if not kept:
                return None
            name = " ".join(kept)
            start = m.end("name") - len(name) - 1
            if inner:
                return (start - len(inner) - 1, m.end(), f"{name} {kind}", inner)
            if m.group("num") and whole and len(kept) == len(words):
                start = m.start("num")
            num = m.group("num") if whole and len(kept) == len(words) else ""
            return (start, m.end(), f"{name} {kind}", num or "")
        name = _trim_name(m.group("name"), english=False)
        if not name or name in _NAME_PARTICLES:
            return None
        end = m.start("name") + 1 + len(name)
        start = m.start("num") if m.group("num") else m.start("type")
        return (start, end, f"{kind} {name}", m.group("num") or "")

    def _spans(
        self, text: str, folded: str, index: list[int], found: list[tuple[int, int, str, str]]
    ) -> list[PlaceSpan]:
        spans: list[PlaceSpan] = []
        i = 0
        while i < len(found):
            start, end, street, num = found[i]
            span = self._span(text, index, start, end, street, num)
            nxt = found[i + 1] if i + 1 < len(found) else None
            before = folded[max(0, start - 30) : start]
            if nxt and _CROSSING.search(before) and _LINK.match(folded[end : nxt[0]]):
                other = self._span(text, index, nxt[0], nxt[1], nxt[2], nxt[3])
                span = replace(
                    span,
                    text=text[index[start] : index[nxt[1] - 1] + 1],
                    end=index[nxt[1] - 1] + 1,
                    normalised=f"{span.normalised} & {other.normalised}",
                )
                i += 1
            spans.append(span)
            i += 1
        return spans

    def _span(
        self, text: str, index: list[int], start: int, end: int, street: str, num: str
    ) -> PlaceSpan:
        o_start, o_end = index[start], index[end - 1] + 1
        normalised = normalise(f"{num} {street}")
        match = self.streets.match(street) if self.streets else None
        if match:
            name, lat, lon = match
            normalised = normalise(f"{num} {name}")
            return PlaceSpan(text[o_start:o_end], o_start, o_end, normalised, name, lat, lon)
        return PlaceSpan(text[o_start:o_end], o_start, o_end, normalised)
