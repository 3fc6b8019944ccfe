# ruff: noqa: E501  (word tables read better unwrapped)
"""Concept cues of the danger model: which kinds of thing a message names, as features.

Forty examples of a danger category cannot show every way to say "a child is lost" or "a boar
in the street"; these word families, written from the danger taxonomy (``nlp/data/GUIDE.md``,
"Danger") and general knowledge, never from a probe, let the model learn one weight for
"a weapon" or "a child" instead of one per word. Each family is a pattern on folded text,
matched at a word start; a message gets the feature ``cue:<family>`` once per family found.
The model learns the weights (with the words and character n-grams beside them), so a cue is
evidence, not a verdict: "the fire station" names fire, and the training set's hard negatives
teach it how little that weighs.
"""

from __future__ import annotations

import re

from .text import fold

CUES: dict[str, str] = {
    # What is in danger, or what threatens.
    "weapon": r"tyre iron|wrench|cle a molette|batons?\b|sticks?\b|bottle|bouteille cassee|flingue|coutelas|machete|knife|knives|blade|machete|gun|pistol|rifle|shotgun|firearm|weapon|baseball bat|\bbat\b|crowbar|couteau|lame\b|machette|pistolet|fusil|revolver|arme|batte|barre de fer|poignard|cutter",
    "violence": r"force (my|the|a) (door|window)|forcer (la|ma|une) (porte|fenetre)|break(ing)? in|cambriol|chasing|court apres|poursuit|caillass|throwing (stones|rocks)|jett?ent des (pierres|cailloux)|encercl|bouscul|tripot|grop|find her|faire la peau|kill|tuer|scared|afraid|hiding|peur\b|se cache|fight|brawl|beat(ing|en)? (up|him|her|someone)|punch|kick(ing|ed) (him|her|someone)|stab|shoot|shot|shots|assault|attack|mug(ged|ging)|threat|threaten|harass|follow(ed|ing) (me|her|him|us)|screaming|scream|hitting (her|him)|bagarre|se battent|frapp|tabass|agress|attaqu|menac|poignard|coups? de (feu|couteau|poing)|tir(s|e|ent)?\b|hurl|harcel|suit (une|un|des)|suivie?s?\b|cris\b|crie",
    "child": r"child|children|kid|kids|toddler|baby|babies|little (boy|girl|one)|boy\b|girl\b|schoolchild|pupils|enfant|gamin|gosse|bebe|petit garcon|petite fille|eleves|ado\b|ados\b|mome",
    "vulnerable": r"elderly|old (man|lady|woman|fella|gentleman|person)|pensioner|disabled|wheelchair|pregnant|homeless|rough sleeper|personne agee|vieil|vieille|papi|mamie|retraite|handicap|fauteuil roulant|enceinte|sdf|sans.abri",
    "distress": r"struggling to breathe|respire (mal|difficilement)|barely moving|bouge presque plus|moan|gemi|pinned|coince sous|can'?t move|peut pas bouger|bent the wrong way|angle bizarre|head (is )?(open|cut)|tete ouverte|in (a lot of )?pain|douleur|shouting for help|calling out|appel(le)? a l'aide|couche sur|curled up|minus \d+|il fait -\d+|gone (grey|blue|pale)|tout gris|not answered|hasn'?t answered|ne repond plus|under ?water|sous l'eau|going under|coule\b|can'?t get up|cannot get up|not moving|unconscious|not breathing|passed out|collapsed|lying (on|in)|fainted|bleeding|blood|injur|hurt|wounded|trapped|stuck (in|inside)|lost\b|alone|missing|crying|jump|suicid|overdose|fitting|seizure|ne (se )?releve|peut pas se relever|inconscient|ne bouge (pas|plus)|respire (pas|plus)|allonge|evanoui|malaise|saign|sang\b|blesse|coince|bloque dans|perdu|seul|seule|pleure|sauter|suicid|convuls|etendu|par terre",
    "hit": r"hit by|knocked (down|over)|run over|struck by|fauche|renverse",
    "fire": r"bushfire|wildfire|feu de (foret|broussaille|garrigue)|flaming|char\b|starting to char|commence a fumer|fire|flame|burning|blaze|ablaze|smoke|smoking|on fire|scorch|feu\b|flamme|brul|incendi|fumee|enflamm|crame|embras",
    "gas": r"lpg|gpl|propane|butane|gas (bottle|cylinder|tank)|bouteilles? de gaz|citerne|monoxide|monoxyde|liquid (spilled|leaking)|produit a coule|bubbling|bouillonne|white cloud|nuage (blanc|toxique)|reek|gas|fumes|vapou?r|smell of (gas|rotten eggs)|toxic|chemical|acid|bleach|solvent|fuel|petrol|diesel|oil|barrel|drum|asbestos|fibro|syringe|needle|gaz|emanation|vapeur|toxique|chimique|acide|javel|solvant|carburant|essence|gasoil|huile|fut\b|futs|bidon|amiante|seringue|aiguille",
    "electric": r"sockets?|prises? (electriques? )?arrache|flashes|eclairs|catenaire|overhead line|ligne est tombee|wire|cable|live\b|spark|electric|electrocut|power line|substation|transformer|junction box|cabinet|volt|fil\b|fils\b|cable|sous tension|etincel|electri|ligne (electrique|haute)|transfo|poste (electrique|source)|armoire|boitier|disjonct|court.circuit",
    "water": r"coming in under|rentre par la porte|rising|monte\b|overflowing into|deborde (dans|par|sur)|digue|dyke|levee|swimmer|baigneur|piscine|swimming pool|beach|plage|drown|river|canal|lake|pond|sea|ice\b|frozen|through the ice|water (rising|coming|pouring|up to)|flood|swept|current|torrent|basement|cellar|burst|gushing|noy|riviere|fleuve|canal|lac\b|etang|mer\b|glace\b|gele|eau (monte|entre|jusqu)|inond|emport|courant|crue|cave|sous.sol|jaillit|eclate",
    "structure": r"creak|craque|splitting|se fend|cladding|bardage|peeling off|sliding|glisse|glissement de terrain|landslide|billboard|rocking|fixings|snapped|sinking|void under|chapiteau|circus tent|cornice|corniche|crumbl|desagreg|cliff|falaise|shutters?|hinge|gond|fele\b|eclats|auvent|canopy|collapse|about to fall|going to fall|falling|crack|leaning|lean(s|ing)? over|tilt|wobbl|swing|swaying|loose|come down|coming down|scaffold|balcony|facade|roof|chimney|wall\b|railing|guardrail|handrail|footbridge|bridge|crane|sign\b|hoarding|sinkhole|effondr|va tomber|menace de tomber|fissur|penche|bascul|balanc|tremble|se detache|echafaud|balcon|facade|toit|cheminee|mur\b|rambarde|garde.corps|passerelle|pont\b|grue|panneau|enseigne|trou beant|affaissement",
    "road": r"railway crossing|level crossing|crash barrier|garde.fou|glissiere|shed (its|a) load|fell off a (truck|lorry|van)|tombee? d'un camion|tyre|pneu|carrosserie|boulders|blocs?\b|gravel|gravillons|patinoire|no lights|sans feux|remorque|trailer|ring road|rocade|peripherique|voie (rapide|du milieu)|fast lane|motorway|autoroute|vaches? echappees|cows? on the|cattle|livestock|cones? (down|knocked)|plots (de chantier )?couches|fosse|ravin|the drop\b|hole|pothole|trench|excavation|manhole|drain cover|cover (missing|off)|obstacle|debris|rocks|tree across|across the road|fallen tree|traffic lights?|signals? out|lights? out at|level crossing|barriers? (up|stuck|open)|train|black ice|icy|oil on|slippery|stop sign|give way|unlit|no lights|dark|at night|trou|nid de poule|tranchee|plaque|regard\b|obstacle|debris|rochers|pierres|arbre (en travers|tombe|couche)|en travers|feux? (tricolore|de circulation)|passage a niveau|barrieres? (levee|ouverte|bloquee)|train\b|verglas|verglace|glissant|huile sur|stop\b|cede(z)? le passage|non eclaire|sans eclairage|noir|la nuit|de nuit",
    "animal": r"sow\b|laie|marcassins|piglets|bear\b|ours\b|moose|orignal|charg(ing|ed|e|ent)\b|dog|pit ?bull|rottweiler|bit\b|bite|bitten|biting|attack|wasp|hornet|bees|swarm|nest|boar|snake|adder|viper|rat\b|fox|bull\b|horse loose|chien|molosse|mord|morsure|guepe|frelon|abeille|essaim|nid\b|sanglier|serpent|vipere|taureau|cheval",
    # How it is said: now, or not now.
    "now": r"right now|now\b|just now|minutes ago|at the moment|currently|as we speak|still\b|help|hurry|quick|asap|please come|call (the|an)|emergency|immediately|maintenant|en ce moment|a l'instant|actuellement|encore|toujours|au secours|a l'aide|vite|urgence|depechez|immediatement|venez",
    "calm": r"last (week|month|year|winter|summer|spring|autumn|night's)|ago\b(?<!minutes ago)|was (fixed|repaired|replaced|removed)|were (fixed|repaired|replaced|removed)|has been (fixed|repaired|replaced|removed)|fixed|repaired|thanks|thank you|well done|could (we|you|there)|would it be|is it possible|should we|idea|suggest|proposal|plan\b|risk|one day|in case|what (should|do) we|how do i|is there a|semaine derniere|mois dernier|annee derniere|l'an dernier|hiver dernier|ete dernier|il y a (deux|trois|quelques)? ?(jours|semaines|mois|ans)|repare|remplace|enleve|merci|bravo|pourrait.on|serait.il possible|est.ce qu'on pourrait|idee|propos|suggere|plan\b|risque|un jour|au cas ou|que faire|comment faire|y a.t.il",
}  # fmt: skip
_COMPILED = {name: re.compile(r"(?<![a-z])(" + pattern + ")") for name, pattern in CUES.items()}


def cues(text: str) -> list[str]:
    """The cue families found in ``text`` (folded), in the order of :data:`CUES`."""
    folded = fold(text)
    return [name for name, pattern in _COMPILED.items() if pattern.search(folded)]
