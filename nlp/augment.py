"""Robustness copies of training lines, written the way residents type on a phone.

Each copy of a line drops accents, changes case, abbreviates words the SMS way ("pb", "tjrs",
"pls", "u"), glues elisions ("c'est" -> "cest") and makes a few typos (a letter dropped,
doubled, swapped or hit next to the right key). Deterministic: the random generator of a line
is seeded by the seed and a hash of the line's text, so a copy does not change when other lines
are added, and the same data and seed give the same copies. Not templates: every copy is a
noisy spelling of a real corpus line, with that line's labels.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Sequence

from .corpus import Sample

#: Whole words and what residents type instead (matched on lower-case words, accents kept).
# fmt: off
SMS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "problème": ("pb", "prob", "probleme"), "problèmes": ("pbs", "pb"), "pour": ("pr",),
        "quand": ("qd", "kan"), "toujours": ("tjrs", "tjs", "toujour"), "beaucoup": ("bcp",),
        "rendez-vous": ("rdv",), "dans": ("ds",), "avec": ("avc", "ac"), "vous": ("vs",),
        "nous": ("ns",), "quoi": ("koi",), "que": ("ke", "q"), "qui": ("ki",),
        "aujourd'hui": ("auj", "ajd", "aujourdhui"), "demain": ("dem1",),
        "parce": ("pcq", "psk"), "merci": ("mrc", "mci"), "depuis": ("dp", "dpuis"),
        "semaine": ("sem",), "semaines": ("sem",), "pas": ("pa",), "est": ("é", "e"),
        "c'est": ("c", "cé", "sé"), "rien": ("ri1",), "bien": ("b1",), "mairie": ("mairi",),
        "très": ("tré", "tres"), "plus": ("+",), "moins": ("-",), "mais": ("mé",),
        "quelqu'un": ("qqn", "qq1"), "quelque": ("qq",), "personne": ("perso",),
        "maintenant": ("mtn", "mnt"), "encore": ("encor", "enkor"), "s'il": ("sil",),
        "plaît": ("plait", "pl"), "heures": ("h",), "heure": ("h",), "tout": ("tt",),
        "tous": ("ts",), "toute": ("tte",), "toutes": ("ttes",), "comme": ("cm", "kom"),
        "jamais": ("jms",), "même": ("mm", "meme"), "vraiment": ("vrmt", "vrm"),
        "rue": ("r.",), "avenue": ("av", "ave"), "boulevard": ("bd", "bvd"),
        "numéro": ("n°", "num", "no"), "je": ("j",), "j'ai": ("jai", "g"),
        "d'accord": ("dac", "ok"),
    },
    "en": {
        "you": ("u",), "your": ("ur", "yr"), "you're": ("ur", "youre"), "are": ("r",),
        "please": ("pls", "plz"), "thanks": ("thx", "ta"), "thank": ("thx",), "to": ("2",),
        "for": ("4",), "tonight": ("2nite", "tonite"), "because": ("cuz", "bc"),
        "people": ("ppl",), "with": ("w/", "wiv"), "without": ("w/o",),
        "tomorrow": ("tmrw", "tmr"), "really": ("rly", "realy"), "before": ("b4",),
        "week": ("wk",), "weeks": ("wks",), "about": ("abt",), "street": ("st", "str"),
        "road": ("rd",), "avenue": ("ave",), "number": ("no", "num"), "again": ("agn",),
        "hours": ("hrs",), "minutes": ("mins",), "message": ("msg",), "someone": ("some1",),
        "anyone": ("any1",), "everyone": ("every1",), "the": ("da", "teh"), "and": ("&", "n"),
        "isn't": ("isnt",), "don't": ("dont",), "doesn't": ("doesnt",), "can't": ("cant",),
        "won't": ("wont",), "it's": ("its",), "i'm": ("im",), "there's": ("theres",),
        "what": ("wat", "wot"), "know": ("kno",), "be": ("b",), "see": ("c",), "why": ("y",),
        "okay": ("ok",), "probably": ("prob",), "outside": ("outsde",),
    },
}
# fmt: on

_KEYS = ("azertyuiop", "qsdfghjklm", "wxcvbn", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_TOKEN = re.compile(r"\w+(?:['’-]\w+)*|\W+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                if not unicodedata.combining(c)))  # fmt: skip


def _neighbour(c: str, rng: random.Random) -> str:
    rows = [r for r in _KEYS if c in r]
    if not rows:
        return c
    row = rng.choice(rows)
    i = row.index(c)
    return row[max(0, min(len(row) - 1, i + rng.choice((-1, 1))))]


def typo(word: str, rng: random.Random) -> str:
    """One slip of the thumb inside a word (its first letter is kept)."""
    i = rng.randrange(1, len(word))
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # dropped
    if kind == 1:
        return word[:i] + word[i] + word[i:]  # doubled
    if kind == 2 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swapped
    return word[:i] + _neighbour(word[i], rng) + word[i + 1 :]  # next key


def noisy(text: str, lang: str, rng: random.Random, typo_rate: float = 0.08) -> str:
    """One phone-typed spelling of ``text``."""
    table = SMS.get(lang, {})
    glue = rng.random() < 0.4
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        low = tok.lower().replace("’", "'")
        if low in table and rng.random() < 0.6:
            tok = rng.choice(table[low])
        elif glue and "'" in low:
            tok = tok.replace("'", "").replace("’", "")
        elif tok[:1].isalpha() and len(tok) >= 4 and rng.random() < typo_rate:
            tok = typo(tok, rng)
        out.append(tok)
    text = "".join(out)
    if rng.random() < 0.5:
        text = strip_accents(text)
    case = rng.random()
    if case < 0.35:
        text = text.lower()
    elif case < 0.45:
        text = text.upper()
    if rng.random() < 0.3:
        text = text.rstrip(" .!?")
    return text


def line_rng(text: str, seed: int, copy: int) -> random.Random:
    digest = hashlib.sha1(f"{seed}:{copy}:{text}".encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def augment(samples: Sequence[Sample], seed: int = 0, copies: int = 1) -> list[Sample]:
    """``copies`` noisy copies of each sample (same labels, source ``<source>+noise``); a copy
    identical to its line is left out."""
    out: list[Sample] = []
    for s in samples:
        for c in range(copies):
            text = noisy(s.text, s.lang, line_rng(s.text, seed, c))
            if text != s.text:
                out.append(Sample(text, s.service, s.intent, s.lang, s.source + "+noise"))
    return out
