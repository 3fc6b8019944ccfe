# ruff: noqa: E501  (regular-expression and word tables read better unwrapped)
"""Urgency: danger to people, flagged by rules with a reason the agents and the resident can read.

Rules rather than a model: an urgent report is rare, a missed one is costly, and every flag must
be explainable ("gas smell"). Each rule is a pattern on folded text; a match is discarded when a
negation or a "fixed" cue stands just before it ("pas d'odeur de gaz", "no longer sparking").
The reasons are stable codes (``gas``, ``electricity``...), rendered by the message catalogues.
"""

from __future__ import annotations

import re

from .text import fold

_RULES: dict[str, tuple[str, ...]] = {
    "gas": (
        r"(odeur|sent|senteur|fuite) (de |du )?gaz", r"ca sent le gaz", r"gaz qui fuit",
        r"(smell|smells|smelling|stink|stinks|leak|leaking) (of |like )?gas", r"gas (leak|smell)",
    ),
    "electricity": (
        r"fils? (electriques? )?(denude|a nu|pendant|arrache|tombe|au sol|qui pend|sous tension)",
        r"cables? (electriques? )?(denude|a nu|pendant|arrache|tombe|au sol|qui pend)",
        r"(etincelle|court.circuit|electrocut|sous tension)", r"armoire electrique (ouverte|eventree)",
        r"(live|exposed|bare|dangling|hanging|fallen|down) (electric(al)? )?(wires?|cables?)",
        r"wires? (hanging|dangling|exposed|sparking|on the ground|down)",
        r"(sparks|sparking|electrocut|electric shock)",
        r"lignes? (electriques?|haute tension) (tombee|au sol|arrachee|a terre|qui pend)",
        r"poteau electrique (tombe|couche|arrache|penche)",
        r"(downed|fallen|broken) (power|electric(al)?|utility) (lines?|cables?)",
        r"(power|electric(al)?) (lines?|cables?) (is |are )?(down|on the ground|hanging|dangling"
        r"|tangled|snapped|sparking|arcing|across)",
    ),
    "fire": (
        r"(incendie|en feu|flammes|fumee noire|prend feu|feu de (poubelle|voiture|benne|broussaille)"
        r"|(poubelle|voiture|benne|container|conteneur)s? (qui )?brule)",
        r"(fire\b(?! (hydrant|station|brigade|exit|door|alarm|escape|service|risk|hazard|safety|pit"
        r"|place|drill|fighters?|engine|department|dept|truck)s?)|on fire|ablaze|flames"
        r"|black smoke|smell of burning|(bin|car|van|skip|container)s? (is |are )?burning)",
    ),
    "flooding": (
        r"(inond|crues?\b|submerg|l'eau monte|de l'eau jusqu|torrent\b|geyser|jaillit|canalisation (a )?eclate)",
        r"(flood(s|ed|ing)?\b|submerged|burst (water )?main|water gushing|gushing water|geyser)",
    ),
    "road_hazard": (
        r"(trou|nid de poule|tranchee|plaque d'egout|regard).{0,40}(la nuit|non signale|pas signale"
        r"|sans signalisation|sans barriere|profond|beant|ouvert|enorme|dangereux|tomber)",
        r"(plaque d'egout|bouche d'egout|regard) (ouverte?|manquante?|arrachee?|soulevee?|deplacee?)",
        r"(arbre|branche|poteau|feu|lampadaire|mur|pan de mur).{0,20}(tombe|effondre|menace de tomber"
        r"|va tomber|sur la (route|chaussee|voie))",
        r"feux? (tricolores?|rouges?)? ?(en panne|ne marchent? plus|eteints?).{0,30}(carrefour|croisement)",
        r"(hole|pothole|sinkhole|trench).{0,40}(at night|unlit|unmarked|no (barrier|sign|cone)s?|"
        r"deep|huge|massive|gaping|open|fall)",
        r"(missing|open|lifted|displaced|uncovered) (manhole|drain) cover",
        r"manhole cover (missing|gone|off|open)",
        r"(tree|branch|pole|lamp.?post|wall).{0,20}(fallen|collapsed|about to fall|blocking the road"
        r"|across the road|came down|down on the road)",
        r"(tree|branch|pole|lamp.?post)s? (is |are |has |have )?(come )?down\b",
        r"(downed|fallen) (tree|branch|pole|lamp.?post)s?.{0,30}(road|street|lane|drive|avenue"
        r"|blocking)",
        r"traffic lights? (out|down|not working|broken).{0,30}(junction|crossing|intersection)",
        r"(effondr|collapse|sinkhole)",
    ),
    "injury": (
        r"(blesse|saigne|inconscient|malaise|accident(?!s)|renverse par|(je suis|elle est|il est) tombee?"
        r"|s'est (fait mal|blesse|cogne|ouvert)|a chute|ambulance|pompiers|samu|(en train de|va) se noyer"
        r"|noyade|tombee? (dans|a) l'eau)",
        r"(injured|injury|bleeding|unconscious|collapsed on|accident(?!s)|(man|woman|child|kid|boy"
        r"|girl|person|someone|cyclist|pedestrian|lady|guy|he|she|i)\b.{0,20}knocked (down|over)|"
        r"fell (over|down|into)|ambulance|paramedic|hurt\b|broke (his|her|my) |drowning\b)",
    ),
    "danger": (
        r"(danger de mort|tres dangereux|extremement dangereux|risque d.accident|dangereux pour"
        r"|quelqu'un va se (tuer|blesser)|enfants? en danger)",
        r"(life.threatening|extremely dangerous|very dangerous|dangerous for|someone (will|could|is "
        r"going to) (get hurt|be killed|die)|children at risk)",
    ),
    "chemicals": (
        r"(amiante|produits? chimiques?|bidons? (d'huile|de produit)|acide|seringues?)",
        r"(asbestos|chemical|toxic|needles?|syringes?)",
    ),
}  # fmt: skip

#: Other senses of danger words, blanked out before the rules run: "floodlights", a hydrant,
#: the fire station, a gas bill, "inondé de pubs", "drowning in paperwork" (see the guide's
#: "Danger" section). Only the phrase is blanked: "the fire hydrant is on fire" still flags.
_OTHER_SENSES = re.compile(
    r"(?<![a-z])(flood ?lights?|flood ?lit|flood(s|ed)? (of|with) (complaints?|calls|e-?mails|messages"
    r"|requests|tourists|visitors|people|letters|leaflets|junk|ads|spam|applications)"
    r"|fire ?(hydrants?|plugs?|stations?|brigades?|works|fighters?|engines?|alarms?|exits?|doors?|extinguishers?)"
    r"|(ceasefire|spitfire|bonfire night|campfire song)"
    r"|gas (station|stations|bills?|prices?|suppliers?|company|meter reading)"
    r"|spark ?plugs?|accidental\w*|accidentel\w*"
    r"|drown(ing|ed)? in (paperwork|work|debt|bills|e-?mails|leaves|litter|rubbish|requests|noise)"
    r"|(bornes?|bouches?|poteaux?|poteau) (d')?incendie|(caserne|bal|calendriers?) (des|de) (sapeurs.)?pompiers"
    r"|feux? d'artifices?|submerge(e|s|es)? (de|par) (travail|demandes|appels|messages|dossiers|mails)"
    r"|inonde(e|s|es)? (de|par) (pubs?|prospectus|publicites?|messages|mails|demandes|plaintes|appels"
    r"|touristes|moustiques|spam)"
    r"|(is|was|so|absolutely|proper) fire|set the (place|room|stage|crowd) on fire|fire.breathers?|cracheurs? de feu"
    r"|fire & \w+|alarmes? (d')?incendie|extincteurs?|(ambulance |police )?sirens?|sirenes? (des |d')?(ambulances?|pompiers)?"
    r"|(cat|kitten|dog|bird|fox|pigeon|hedgehog|chat|chaton|chien|oiseau|renard|herisson)s? (\w+ ){0,3}"
    r"(blesse|hurt|injured|bleeding))(?![a-z])"
)
#: A danger in the past, over, or hypothetical: the last fire, "since the 2019 flood", a flood
#: plan, "what should we do if we smell gas?", a fundraiser for the victims. The guide's
#: "past, fixed or hypothetical dangers" are not urgent; a clause with one of these is skipped.
_NOT_NOW = re.compile(
    r"\b(last (week|month|year|winter|summer|spring|autumn|fall)|(days|weeks|months|years) ago"
    r"|(since|in|of) (the )?(19|20)\d\d|(semaine|annee) derniere|(mois|an|hiver|ete|printemps|automne) "
    r"(dernier|passe)|il y a (un|une|deux|trois|quelques|\d+) (jours|semaines|mois|ans?)\b"
    r"|(de|en|depuis) (19|20)\d\d|(flood|fire|evacuation|emergency) (plan|risk|prevention)"
    r"|plan (de prevention|en cas)|what (should|do) we do if|que (doit.on|faut.il) faire (en cas|si)"
    r"|fundraiser|bake sale|vente de gateaux|collecte de|victims of|victimes de|portes ouvertes"
    r"|defibrillat|documentary|reportage|ne passerait pas|couldn'?t get through if)"
)
_NEGATION = re.compile(
    r"(\bpas (de |d')?|\bplus (de |d')?|\bni |\bsans |\bno |\bnot |\bnever |n't |\bwithout |\bno more "
    r"|\bno longer |\bplus aucune? |\baucune? |\brisques? d[' ]|\brisk of (an )?|\bbefore (there is |there'?s )?(an )?"
    r"|\bavant (qu'il y ait )?(un )?)(\w+ ){0,2}$"
)
_RESOLVED = re.compile(
    r"\b(repar|resolu|eteint par|maitrise|fixed|repaired|put out|under control|sorted|was fixed)"
)
#: Only the strongest reasons stand on their own: "very dangerous" or "needles" alone are what
#: residents write of a junction that has always been dangerous (about one real report in
#: twenty in the Vision Zero towns), so alone they are left to the learnt score.
_WEAK = frozenset({"danger", "chemicals"})
#: Every reason code the rules give (the message catalogues have a label for each).
REASONS: tuple[str, ...] = tuple(_RULES)
_COMPILED = {
    reason: tuple(re.compile(r"(?<![a-z])" + p) for p in patterns)
    for reason, patterns in _RULES.items()
}


def assess(text: str, lang: str = "fr") -> tuple[str, ...]:
    """The reasons ``text`` reports a danger to people, most specific first; empty if none.

    ``lang`` is accepted for symmetry with the other steps; both languages' rules always run,
    since residents mix them. "Very dangerous" or "needles" flag a report only beside another
    reason; "accidents" (plural: a junction's record) and a sign "knocked over" are not someone
    hurt now.
    """
    del lang
    folded = _OTHER_SENSES.sub(lambda m: "~" * len(m.group()), fold(text))
    reasons: list[str] = []
    for clause in re.split(r"[.;!?\n]+|\bmais\b|\bbut\b", folded):
        if not clause.strip():
            continue
        for reason, patterns in _COMPILED.items():
            if reason in reasons:
                continue
            for pattern in patterns:
                m = pattern.search(clause)
                if (m and not _negated(clause, m.start()) and not _RESOLVED.search(clause)
                        and not _NOT_NOW.search(clause)):  # fmt: skip
                    reasons.append(reason)
                    break
    strong = [r for r in reasons if r not in _WEAK]
    if not strong:
        return ()
    return tuple(strong + [r for r in reasons if r in _WEAK])


def _negated(clause: str, start: int) -> bool:
    return bool(_NEGATION.search(clause[max(0, start - 30) : start]))
