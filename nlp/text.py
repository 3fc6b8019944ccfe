"""Text normalisation shared by every part of the pipeline.

Residents write without accents, in SMS style and with typos, so everything that matches words
(lexicon, features, similarity) works on *folded* text: lower case, accents stripped, ligatures
expanded, curly quotes straightened. Folding keeps the length of plain Latin text, but not in
general, so code that needs character offsets into the original works on the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "‘": "'", "`": "'"}
)
WORD_RE = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents: ``"Éclairage cassé"`` -> ``"eclairage casse"``.

    Cached: the language identifier, the lexicon, the features, the intent and urgency rules
    all fold the same message, and the place finder folds it character by character.
    """
    if text.isascii():
        return text.replace("`", "'").lower()
    text = text.translate(_LIGATURES).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded alphanumeric words of ``text``."""
    return WORD_RE.findall(fold(text))


_FR_SUFFIXES = (
    "issements", "issement", "ements", "ement", "ations", "ation", "ateurs", "ateur", "atrices",
    "atrice", "euses", "euse", "eurs", "eur", "ances", "ance", "ences", "ence", "ites", "ite",
    "ables", "able", "iques", "ique", "istes", "iste", "ees", "ee", "es", "er", "ez", "ent", "ait",
    "aient", "ais", "s", "x", "e",
)  # fmt: skip
_EN_SUFFIXES = (
    "ations", "ation", "ments", "ment", "ness", "ings", "ing", "ies", "ied", "ers", "er", "ed",
    "ly", "es", "s", "e", "y",
)  # fmt: skip


@lru_cache(maxsize=65536)
def stem(word: str, lang: str = "fr") -> str:
    """A light suffix-stripping stem of a folded word (keeps at least four characters).

    Deliberately crude: it only has to map "poubelles", "poubelle" and "poubel" (a typo) or
    "leaking", "leaks" and "leak" to one key, for features and similarity. Numbers stay whole.
    """
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _FR_SUFFIXES if lang == "fr" else _EN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


STOPWORDS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        [
            "a",
            "au",
            "aux",
            "avec",
            "ce",
            "ces",
            "cette",
            "c",
            "ca",
            "d",
            "dans",
            "de",
            "des",
            "du",
            "elle",
            "en",
            "et",
            "est",
            "il",
            "ils",
            "j",
            "je",
            "l",
            "la",
            "le",
            "les",
            "leur",
            "lui",
            "m",
            "ma",
            "mais",
            "me",
            "mes",
            "moi",
            "mon",
            "n",
            "ne",
            "nos",
            "notre",
            "nous",
            "on",
            "ou",
            "par",
            "pas",
            "pour",
            "qu",
            "que",
            "qui",
            "s",
            "sa",
            "se",
            "ses",
            "son",
            "sur",
            "t",
            "ta",
            "te",
            "tes",
            "toi",
            "ton",
            "tu",
            "un",
            "une",
            "vos",
            "votre",
            "vous",
            "y",
            "ete",
            "etre",
            "avoir",
            "ai",
            "as",
            "avons",
            "avez",
            "ont",
            "sont",
            "suis",
            "etait",
            "fait",
            "tres",
            "plus",
            "depuis",
            "tout",
            "tous",
            "toute",
            "toutes",
            "bien",
            "aussi",
            "encore",
            "deja",
            "comme",
            "donc",
            "alors",
            "car",
            "si",
            "sans",
            "sous",
            "chez",
            "cet",
            "ici",
            "la-bas",
            "quand",
            "jour",
            "jours",
        ]
    ),
    "en": frozenset(
        [
            "a",
            "an",
            "the",
            "and",
            "or",
            "but",
            "if",
            "of",
            "at",
            "by",
            "for",
            "with",
            "about",
            "to",
            "from",
            "in",
            "on",
            "off",
            "out",
            "over",
            "under",
            "again",
            "then",
            "once",
            "here",
            "there",
            "when",
            "where",
            "why",
            "how",
            "all",
            "any",
            "both",
            "each",
            "few",
            "more",
            "most",
            "other",
            "some",
            "such",
            "no",
            "nor",
            "not",
            "only",
            "own",
            "same",
            "so",
            "than",
            "too",
            "very",
            "s",
            "t",
            "can",
            "will",
            "just",
            "don",
            "should",
            "now",
            "i",
            "me",
            "my",
            "we",
            "our",
            "you",
            "your",
            "he",
            "him",
            "his",
            "she",
            "her",
            "it",
            "its",
            "they",
            "them",
            "their",
            "what",
            "which",
            "who",
            "whom",
            "this",
            "that",
            "these",
            "those",
            "am",
            "is",
            "are",
            "was",
            "were",
            "be",
            "been",
            "being",
            "have",
            "has",
            "had",
            "having",
            "do",
            "does",
            "did",
            "doing",
            "would",
            "could",
            "get",
            "got",
            "still",
            "also",
        ]
    ),
}
