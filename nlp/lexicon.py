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

from .text import fold
from .types import LANGUAGES

_SERVICE_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "cleanliness": {
        "fr": (
            "++tags?\\b", "++graffiti", "++grafiti", "+graff", "++crottes?", "+dejection", "+salete",
            "sale\\b", "sales\\b", "salet", "crade", "degueu", "depots? sauvages?", "++depot sauvage",
            "dechets? sauvages?", "detritus", "papiers? par terre", "megots?", "canettes?",
            "nettoy", "nettoi", "proprete", "vomi", "corbeille", "cadavre", "animal mort", "chat mort", "pigeon mort", "urine", "pipi", "odeur d'urine", "pisse",
            "seringue", "tessons?", "verre casse", "bris de verre", "encombre le trottoir de sac",
            "balay", "souill", "immondices", "crasse", "tagu", "inscriptions?", "peinture sur",
            "pigeons?", "fientes?", "-dechets? par terre", "jonche", "ordures? (par terre|partout)",
            "tas de", "affichage sauvage", "affiches? sauvages?", "chewing", "huile sur la",
            "sacs? abandonne", "dechet",
        ),
        "en": (
            "++graffiti", "++graffitti", "++grafitti", "++tag(ged|s|ging)?\\b", "++dog (poo|poop|mess|fouling|dirt)",
            "+fouling", "++fly.?tipp", "+dumped", "+dumping", "litter", "rubbish (dumped|everywhere|on)",
            "trash (everywhere|on the)", "dirty", "filthy", "filth", "mess\\b", "messy", "grime",
            "needles?", "syringe", "broken glass", "vomit", "dead (fox|animal|bird|cat|dog|badger|deer|pigeon|rat)", "roadkill", "litter bin", "urine", "pee\\b", "smells? of (pee|urine)",
            "sweep", "swept", "clean", "cigarette (butts|ends)", "butts\\b", "chewing gum", "gum on",
            "spray.?paint", "vandal", "pigeon", "bird droppings", "fly.?post", "stickers? all",
            "oil spill", "cans\\b", "bottles? (everywhere|smashed|left)", "debris",
        ),
    },
    "waste": {
        "fr": (
            "+poubel", "+pouvel", "+conteneur", "+container", "+bacs?\\b", "+collecte",
            "+ramassage", "++encombrants?", "+tri\\b", "+tri selectif", "+recycl", "+eboueurs?",
            "+benne", "compost", "verre\\b", "colonnes? (a|de) verre", "borne a verre", "sacs? jaunes?",
            "bac jaune", "bac vert", "ordure", "dechetteri", "decheteri", "camion (poubelle|benne)",
            "pas ete (ramasse|collecte|vide)", "pas passe", "deborde", "debord", "plein a craquer",
            "-dechets?", "menagers?", "biodechet", "matelas", "frigo", "canape", "electromenager",
            "carton", "emballage", "vide.?ordure", "calendrier de collecte",
        ),
        "en": (
            "+bins?\\b", "+wheelie", "+wheely", "+bin (men|lorry|day|collection)", "+binmen",
            "+collection", "+recycl", "++bulky", "+dumpster", "+skip\\b", "+refuse", "+garbage",
            "trash", "rubbish", "compost", "food waste", "garden waste", "not (been )?(collected|emptied|picked up)",
            "missed", "overflow", "overflowing", "bin bags?", "black bags?", "blue bag", "green bin",
            "brown bin", "tip\\b", "dump\\b", "landfill", "mattress", "fridge", "sofa", "couch",
            "cardboard", "bottle bank", "glass bank", "-waste", "pick.?up", "picked up",
        ),
    },
    "water": {
        "fr": (
            "++fuite", "+fuyant", "+canalisation", "+conduite d'eau", "+compteur d'eau",
            "+eau potable", "+pression", "+robinet", "+bouche d'incendie", "+borne incendie",
            "+fontaine", "+plus d'eau", "+pas d'eau", "+coupure d'eau", "+eau coupee", "eau\\b",
            "-eaux\\b", "inond", "degat des eaux", "geyser", "jaillit", "gicle", "coule", "ecoulement",
            "tuyau", "bouche d'egout", "egout", "assainissement", "caniveau bouche", "eau marron",
            "eau trouble", "eau jaune", "calcaire", "chlore", "gout de l'eau", "facture d'eau",
            "gaspillage", "arrosage", "arroseur", "compteur", "regard\\b", "plaque d'egout",
            "refoul", "bouch",
        ),
        "en": (
            "++leak", "+burst", "+water main", "+water pressure", "+no water", "+hydrant",
            "+tap water", "+mains", "+pipe", "+sewer", "+sewage", "+drain", "water\\b", "gush",
            "spurting", "spray", "flood", "puddle", "stopcock", "meter", "brown water",
            "discoloured", "discolored", "chlorine", "taste", "drinking", "fountain", "sprinkler",
            "wasting water", "waste of water", "supply", "low pressure", "manhole", "gully",
            "blocked drain", "overflowing drain", "standing water", "tap\\b", "taps\\b",
        ),
    },
    "roads": {
        "fr": (
            "++nids? de poule", "+nid.de.poule", "+trou\\b", "+trous\\b", "+chaussee", "+trottoir",
            "+bitume", "+goudron", "+enrobe", "+voirie", "+feux? (rouge|tricolore|de circulation)",
            "+feu rouge", "+panneau", "+signalisation", "+passage pieton", "+passage protege",
            "+ralentisseur", "+dos d'ane", "route", "rue\\b", "-rues\\b", "fissure", "crevasse",
            "affaiss", "dalle", "paves?\\b", "bordure", "marquage", "bande blanche", "rond.point",
            "carrefour", "stop\\b", "gravillon", "bosse", "orniere", "plaque de", "barriere",
            "potelet", "poteau", "glissant", "verglas", "salage", "deneig", "neige", "travaux",
            "chantier", "deviation", "miroir", "-circulation", "accessib", "pmr", "poussette",
            "fauteuil roulant", "pont\\b", "tunnel", "chaussee deformee", "trou dans",
            "degradation", "degrade", "abim",
        ),
        "en": (
            "++pot.?holes?", "++pothol", "+pavement", "+sidewalk", "+footpath", "+tarmac",
            "+asphalt", "+road surface", "+traffic lights?", "+traffic signal", "+crossing",
            "+zebra", "+speed bump", "+road sign", "+signpost", "+kerb", "+curb", "road\\b",
            "roads\\b", "street sign", "sign\\b", "signs\\b", "crack", "sunken", "subsid", "uneven",
            "paving", "slab", "tripped", "trip hazard", "line markings?", "markings?",
            "roundabout", "junction", "intersection", "gravel", "bollard", "barrier",
            "railing", "guard rail", "ice\\b", "icy", "grit", "gritt", "snow", "roadworks",
            "road works", "diversion", "resurfac", "pedestrian", "wheelchair", "pushchair",
            "pram", "bridge", "hole\\b", "holes\\b", "stop sign", "give way", "mirror",
        ),
    },
    "lighting": {
        "fr": (
            "++lampadaire", "+eclairage", "+reverbere", "+luminaire", "+candelabre",
            "+eclairage public", "+lumiere", "+ampoule", "+eteint", "+clignot", "noir complet",
            "dans le noir", "plonge dans le noir", "dans l'obscurite", "obscur", "allume",
            "eclair", "lampe", "eclaire", "grille", "nuit noire", "sombre", "-eclairee?s?",
            "reste allume", "allume en plein jour",
        ),
        "en": (
            "++street.?lights?", "+streetlamp", "+lamp.?post", "+lamppost", "+lighting",
            "+light\\b", "+lights\\b", "+bulb", "flicker", "pitch black", "pitch dark", "dark\\b",
            "darkness", "unlit", "lit\\b", "on all day", "lamp", "not working at night", "-dim\\b",
            "lantern", "illuminat",
        ),
    },
    "transport": {
        "fr": (
            "+bus\\b", "+autobus", "+tram", "+arret\\b", "abribus", "+metro", "+ligne \\d",
            "+horaires?", "+piste cyclable", "+velo", "+navette", "+chauffeur", "+conducteur",
            "+rer\\b", "+ter\\b", "+sncf", "+gare\\b", "+billet", "+ticket", "+abonnement",
            "+titre de transport", "+transport", "+car scolaire", "retard", "en retard",
            "pas passe", "correspondance", "trajet", "terminus", "quai", "valideur",
            "borne de recharge", "trottinette", "velib", "cycliste", "station\\b", "voie de bus",
            "couloir de bus", "transports? en commun", "ramassage scolaire", "!car\\b",
            "voie verte", "cyclable",
        ),
        "en": (
            "+bus\\b", "+buses", "+tram", "+bus stop", "bus shelter", "+timetable",
            "+schedule", "+cycle lane", "+bike lane", "+cycle path", "+bicycle", "+bike", "+route \\d",
            "+number \\d+ bus", "+driver", "+train", "+station", "+metro", "+subway",
            "+underground", "+ticket", "+fare", "+public transport", "+commut", "late\\b",
            "delay", "never came", "didn.t (turn up|show|stop)", "didn.t come", "cancelled",
            "canceled", "platform", "scooter", "e.?scooter", "cycling", "cyclist",
            "ev charg", "charging point", "service \\d", "travel", "journey", "school bus",
            "bus lane",
        ),
    },
    "green_spaces": {
        "fr": (
            "+parc\\b", "+parcs\\b", "+jardin", "+square\\b", "+arbre", "+aire de jeux",
            "+jeux pour enfants", "+toboggan", "+balancoire", "+pelouse", "+espaces? verts?",
            "+haie", "+elagu", "+taille\\b", "+branche", "+massif", "+parterre", "+fleur", "herbe",
            "tonte", "tondre", "tondu", "mauvaises herbes", "broussaille", "vegetation", "feuilles? mortes",
            "racine", "souche", "abattre", "tronc", "bac a sable", "banc\\b", "bancs\\b", "foret",
            "bois\\b", "etang", "plantation", "arrosage automatique", "potager", "jardiniere",
            "pelouse", "terrain de jeux", "city.?stade", "skate.?park", "ronces?", "orties?",
            "envahi", "pousse", "chenilles? processionnaires?", "frelon",
        ),
        "en": (
            "+park\\b", "+parks\\b", "+tree", "+playground", "+play area", "+swing",
            "+slide\\b", "+grass", "+verge", "+hedge", "+branch", "+green space", "+garden",
            "+flower", "mow", "weeds?", "overgrown", "bench", "benches", "leaves\\b", "roots?\\b",
            "stump", "prune", "pruning", "trim", "fallen tree", "sandpit", "pond", "woods?\\b",
            "allotment", "planter", "shrub", "bush", "bushes", "brambles?", "nettles",
            "lawn", "meadow", "skate park", "seesaw", "climbing frame", "picnic", "wasp",
            "hornet",
        ),
    },
    "noise": {
        "fr": (
            "+bruit", "+bruyant", "++tapage", "+nuisances? sonores?", "+vacarme", "+sono\\b",
            "+musique", "+decibel", "+boucan", "+aboie", "+aboiement", "+fete", "+soiree",
            "cris\\b", "crient", "hurle", "klaxon", "moteur", "rodeo", "pot d'echappement",
            "scooters? (qui|la nuit)", "motos?", "chantier (la nuit|a \\d|des \\d|tot)", "tondeuse",
            "souffleur", "alarme", "sirene", "voisins?", "nuisance", "enceinte", "concert",
            "empeche de dormir", "dormir", "sommeil", "raffut", "bar\\b", "terrasse",
        ),
        "en": (
            "+noise", "+noisy", "+loud", "+music", "+party", "+parties", "+barking",
            "+bark", "+racket", "+din\\b", "+decibel", "+anti.?social", "shouting", "screaming",
            "yelling", "revving", "engine", "motorbike", "car alarm", "alarm", "siren", "horn",
            "honking", "neighbou?r", "speaker", "bass", "can.t sleep", "sleep", "kept awake",
            "all night", "at \\d ?am", "rave", "pub\\b", "nightclub", "leaf blower", "drilling",
            "hooting", "nuisance",
        ),
    },
    "parking": {
        "fr": (
            "++stationn", "+gare\\b sur", "+garee", "+gares\\b", "+garees", "+se garent", "+se gare",
            "+parking", "+place handicap", "+place pmr", "++fourriere", "+voiture ventouse",
            "+ventouse", "++epave", "+vehicule abandonne", "+voiture abandonnee", "++double file",
            "+places? de livraison", "+sur le trottoir", "voiture", "vehicule", "camion",
            "camionnette", "!car\\b", "horodateur", "parcmetre", "stationnement", "pv\\b",
            "amende", "garer", "place de parking", "bloque la sortie", "bloque l'acces",
            "devant mon garage", "sortie de garage", "bateau", "pneus? creve", "plaque",
            "immatricul", "caravane", "camping.?car", "zone bleue", "disque",
        ),
        "en": (
            "++parked", "+parking", "+park(s|ing)? on", "++abandoned (car|vehicle|van)",
            "++double.?park", "+tow", "+disabled (bay|space)", "+blue badge", "+dropped kerb",
            "+driveway", "+parking meter", "+pay and display", "+yellow lines?",
            "!car\\b", "!cars\\b", "vehicle", "van\\b", "vans\\b", "lorry", "truck",
            "number plate", "registration", "reg\\b", "untaxed", "sorn", "flat tyres?",
            "blocking", "blocked in", "loading bay", "permit", "residents? bay", "ticket machine",
            "caravan", "motorhome", "camper", "clamp",
        ),
    },
    "culture": {
        "fr": (
            "+bibliotheque", "+mediatheque", "+musee", "+theatre", "+cinema", "+concert",
            "+exposition", "+expo\\b", "+festival", "+spectacle", "+conservatoire", "+culture",
            "+patrimoine", "+salle des fetes", "+livres?\\b", "+emprunt", "+atelier", "+animation",
            "+evenement", "+manifestation culturelle", "+fete de la musique", "+ludotheque",
            "+archives", "+monument", "+eglise", "+visite", "+journees du patrimoine",
            "lecture", "conte", "artiste", "musique", "programme", "programmation", "inscription",
            "billetterie", "carte de lecteur", "pret\\b", "fete", "marche de noel", "centre culturel",
            "mjc", "salle", "horaire", "statue", "fresque", "orchestre", "danse", "chorale",
        ),
        "en": (
            "+library", "+libraries", "+museum", "+theatre", "+theater", "+cinema",
            "+concert", "+exhibition", "+festival", "+gallery", "+heritage", "+events?\\b",
            "+books?\\b", "+borrow", "+librar", "+art\\b", "+arts\\b", "+culture", "+cultural",
            "+community cent", "+performance", "+workshop", "+monument", "+statue", "+mural",
            "reading", "story.?time", "author", "exhibit", "show\\b", "tickets? for", "opening hours",
            "late fees?", "membership", "library card", "e.?books?", "choir", "orchestra",
            "dance", "music", "christmas market", "fair\\b", "parade",
        ),
    },
    "other": {
        "fr": (
            "+logement", "+hlm\\b", "+bailleur", "+proprietaire", "+locataire", "+loyer",
            "+etat civil", "+passeport", "+carte d'identite", "+impots?", "+taxe",
            "+chien errant", "+chats? errants?", "+animal", "+animaux", "+rats?\\b",
            "+souris", "+cafards?", "+punaises?", "+nuisibles?", "+chariots?",
            "+caddies?", "+ecole", "+cantine", "+creche", "+inscription scolaire",
            "+permis de construire", "+urbanisme", "+mariage", "+elections?", "+vote",
            "+pole emploi", "+caf\\b", "+aide sociale", "+ccas", "+securite", "+police",
            "+vol\\b", "+cambriol", "+squat", "+facture", "+mairie", "+accueil", "+formulaire",
            "+demarche", "insalubr", "moisissure", "humidite", "chauffage", "ascenseur",
            "voisin", "renard", "sanglier", "deal", "trafic",
            "agression", "internet", "fibre", "antenne", "cimetiere", "piscine", "gymnase",
            "stade", "sport", "wifi", "poste\\b", "la poste", "colis", "courrier", "medecin",
            "pharmacie", "hopital", "emploi", "travail",
        ),
        "en": (
            "+housing", "+landlord", "+tenant", "+council tax", "+rent\\b", "+benefits",
            "+passport", "+birth certificate", "+stray",
            "+animal", "+rats?\\b", "+mice", "+mouse", "+cockroach", "+bed.?bugs?", "+pest",
            "+vermin", "+trolley", "+shopping cart", "+school", "+nursery", "+planning permission",
            "+planning application", "+building control", "+election", "+vote", "+voting",
            "+police", "+crime", "+burglar", "+theft", "+stolen", "+squat", "+invoice", "+bill\\b",
            "+town hall", "+city hall", "+council office", "+form\\b", "+licen[cs]e", "mould",
            "mold", "damp", "heating", "lift\\b", "elevator", "fox", "foxes", "badger", "deer",
            "drugs?", "dealing", "assault", "broadband", "internet", "phone mast", "cemetery",
            "graveyard", "swimming pool", "leisure centre", "gym", "sports? (centre|hall)",
            "post office", "parcel", "doctor", "gp\\b", "hospital", "job", "employment",
            "bins? stolen",
        ),
    },
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
