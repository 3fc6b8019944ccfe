# ruff: noqa: E501  (word tables read better unwrapped)
"""French cue words of each service (see :mod:`nlp.lexicon` for the notation)."""

from __future__ import annotations

CUES: dict[str, tuple[str, ...]] = {
    "cleanliness": (
        '++tags?\\b', '++graffiti', '++grafiti', '+graff', '++crottes?', '+dejection', '+salete', 'sale\\b', 'sales\\b', 'salet', 'crade', 'degueu', 'depots? sauvages?', '++depot sauvage', 'dechets? sauvages?', 'detritus', 'papiers? par terre', 'megots?', 'canettes?', 'nettoy', 'nettoi', 'proprete', 'vomi', 'corbeille', 'cadavre', 'animal mort', 'chat mort', 'pigeon mort', 'urine', 'pipi', "odeur d'urine", 'pisse', 'seringue', 'tessons?', 'verre casse', 'bris de verre', 'encombre le trottoir de sac', 'balay', 'souill', 'immondices', 'crasse', 'tagu', 'inscriptions?', 'peinture sur', 'pigeons?', 'fientes?', '-dechets? par terre', 'jonche', 'ordures? (par terre|partout)', 'tas de', 'affichage sauvage', 'affiches? sauvages?', 'chewing', 'huile sur la', 'sacs? abandonne', 'dechet',
    ),
    "waste": (
        '+poubel', '+pouvel', '+conteneur', '+container', '+bacs?\\b', '+collecte', '+ramassage', '++encombrants?', '+tri\\b', '+tri selectif', '+recycl', '+eboueurs?', '+benne', 'compost', 'verre\\b', 'colonnes? (a|de) verre', 'borne a verre', 'sacs? jaunes?', 'bac jaune', 'bac vert', 'ordure', 'dechetteri', 'decheteri', 'camion (poubelle|benne)', 'pas ete (ramasse|collecte|vide)', 'pas passe', 'deborde', 'debord', 'plein a craquer', '-dechets?', 'menagers?', 'biodechet', 'matelas', 'frigo', 'canape', 'electromenager', 'carton', 'emballage', 'vide.?ordure', 'calendrier de collecte',
    ),
    "water": (
        '++fuite', '+fuyant', '+canalisation', "+conduite d'eau", "+compteur d'eau", '+eau potable', '+pression', '+robinet', "+bouche d'incendie", '+borne incendie', '+fontaine', "+plus d'eau", "+pas d'eau", "+coupure d'eau", '+eau coupee', 'eau\\b', '-eaux\\b', 'inond', 'degat des eaux', 'geyser', 'jaillit', 'gicle', 'coule', 'ecoulement', 'tuyau', "bouche d'egout", 'egout', 'assainissement', 'caniveau bouche', 'eau marron', 'eau trouble', 'eau jaune', 'calcaire', 'chlore', "gout de l'eau", "facture d'eau", 'gaspillage', 'arrosage', 'arroseur', 'compteur', 'regard\\b', "plaque d'egout", 'refoul', 'bouch',
    ),
    "roads": (
        '++nids? de poule', '+nid.de.poule', '+trou\\b', '+trous\\b', '+chaussee', '+trottoir', '+bitume', '+goudron', '+enrobe', '+voirie', '+feux? (rouge|tricolore|de circulation)', '+feu rouge', '+panneau', '+signalisation', '+passage pieton', '+passage protege', '+ralentisseur', "+dos d'ane", 'route', 'rue\\b', '-rues\\b', 'fissure', 'crevasse', 'affaiss', 'dalle', 'paves?\\b', 'bordure', 'marquage', 'bande blanche', 'rond.point', 'carrefour', 'stop\\b', 'gravillon', 'bosse', 'orniere', 'plaque de', 'barriere', 'potelet', 'poteau', 'glissant', 'verglas', 'salage', 'deneig', 'neige', 'travaux', 'chantier', 'deviation', 'miroir', '-circulation', 'accessib', 'pmr', 'poussette', 'fauteuil roulant', 'pont\\b', 'tunnel', 'chaussee deformee', 'trou dans', 'degradation', 'degrade', 'abim',
    ),
    "lighting": (
        '++lampadaire', '+eclairage', '+reverbere', '+luminaire', '+candelabre', '+eclairage public', '+lumiere', '+ampoule', '+eteint', '+clignot', 'noir complet', 'dans le noir', 'plonge dans le noir', "dans l'obscurite", 'obscur', 'allume', 'eclair', 'lampe', 'eclaire', 'grille', 'nuit noire', 'sombre', '-eclairee?s?', 'reste allume', 'allume en plein jour',
    ),
    "transport": (
        '+bus\\b', '+autobus', '+tram', '+arret\\b', 'abribus', '+metro', '+ligne \\d', '+horaires?', '+piste cyclable', '+velo', '+navette', '+chauffeur', '+conducteur', '+rer\\b', '+ter\\b', '+sncf', '+gare\\b', '+billet', '+ticket', '+abonnement', '+titre de transport', '+transport', '+car scolaire', 'retard', 'en retard', 'pas passe', 'correspondance', 'trajet', 'terminus', 'quai', 'valideur', 'borne de recharge', 'trottinette', 'velib', 'cycliste', 'station\\b', 'voie de bus', 'couloir de bus', 'transports? en commun', 'ramassage scolaire', '!car\\b', 'voie verte', 'cyclable',
    ),
    "green_spaces": (
        '+parc\\b', '+parcs\\b', '+jardin', '+square\\b', '+arbre', '+aire de jeux', '+jeux pour enfants', '+toboggan', '+balancoire', '+pelouse', '+espaces? verts?', '+haie', '+elagu', '+taille\\b', '+branche', '+massif', '+parterre', '+fleur', 'herbe', 'tonte', 'tondre', 'tondu', 'mauvaises herbes', 'broussaille', 'vegetation', 'feuilles? mortes', 'racine', 'souche', 'abattre', 'tronc', 'bac a sable', 'banc\\b', 'bancs\\b', 'foret', 'bois\\b', 'etang', 'plantation', 'arrosage automatique', 'potager', 'jardiniere', 'pelouse', 'terrain de jeux', 'city.?stade', 'skate.?park', 'ronces?', 'orties?', 'envahi', 'pousse', 'chenilles? processionnaires?', 'frelon',
    ),
    "noise": (
        '+bruit', '+bruyant', '++tapage', '+nuisances? sonores?', '+vacarme', '+sono\\b', '+musique', '+decibel', '+boucan', '+aboie', '+aboiement', '+fete', '+soiree', 'cris\\b', 'crient', 'hurle', 'klaxon', 'moteur', 'rodeo', "pot d'echappement", 'scooters? (qui|la nuit)', 'motos?', 'chantier (la nuit|a \\d|des \\d|tot)', 'tondeuse', 'souffleur', 'alarme', 'sirene', 'voisins?', 'nuisance', 'enceinte', 'concert', 'empeche de dormir', 'dormir', 'sommeil', 'raffut', 'bar\\b', 'terrasse',
    ),
    "parking": (
        '++stationn', '+gare\\b sur', '+garee', '+gares\\b', '+garees', '+se garent', '+se gare', '+parking', '+place handicap', '+place pmr', '++fourriere', '+voiture ventouse', '+ventouse', '++epave', '+vehicule abandonne', '+voiture abandonnee', '++double file', '+places? de livraison', '+sur le trottoir', 'voiture', 'vehicule', 'camion', 'camionnette', '!car\\b', 'horodateur', 'parcmetre', 'stationnement', 'pv\\b', 'amende', 'garer', 'place de parking', 'bloque la sortie', "bloque l'acces", 'devant mon garage', 'sortie de garage', 'bateau', 'pneus? creve', 'plaque', 'immatricul', 'caravane', 'camping.?car', 'zone bleue', 'disque',
    ),
    "culture": (
        '+bibliotheque', '+mediatheque', '+musee', '+theatre', '+cinema', '+concert', '+exposition', '+expo\\b', '+festival', '+spectacle', '+conservatoire', '+culture', '+patrimoine', '+salle des fetes', '+livres?\\b', '+emprunt', '+atelier', '+animation', '+evenement', '+manifestation culturelle', '+fete de la musique', '+ludotheque', '+archives', '+monument', '+eglise', '+visite', '+journees du patrimoine', 'lecture', 'conte', 'artiste', 'musique', 'programme', 'programmation', 'inscription', 'billetterie', 'carte de lecteur', 'pret\\b', 'fete', 'marche de noel', 'centre culturel', 'mjc', 'salle', 'horaire', 'statue', 'fresque', 'orchestre', 'danse', 'chorale',
    ),
    "other": (
        '+logement', '+hlm\\b', '+bailleur', '+proprietaire', '+locataire', '+loyer', '+etat civil', '+passeport', "+carte d'identite", '+impots?', '+taxe', '+chien errant', '+chats? errants?', '+animal', '+animaux', '+rats?\\b', '+souris', '+cafards?', '+punaises?', '+nuisibles?', '+chariots?', '+caddies?', '+ecole', '+cantine', '+creche', '+inscription scolaire', '+permis de construire', '+urbanisme', '+mariage', '+elections?', '+vote', '+pole emploi', '+caf\\b', '+aide sociale', '+ccas', '+securite', '+police', '+vol\\b', '+cambriol', '+squat', '+facture', '+mairie', '+accueil', '+formulaire', '+demarche', 'insalubr', 'moisissure', 'humidite', 'chauffage', 'ascenseur', 'voisin', 'renard', 'sanglier', 'deal', 'trafic', 'agression', 'internet', 'fibre', 'antenne', 'cimetiere', 'piscine', 'gymnase', 'stade', 'sport', 'wifi', 'poste\\b', 'la poste', 'colis', 'courrier', 'medecin', 'pharmacie', 'hopital', 'emploi', 'travail',
    ),
}  # fmt: skip
