# ruff: noqa: E501  (word tables read better unwrapped)
"""English cue words of each service (see :mod:`nlp.lexicon` for the notation)."""

from __future__ import annotations

CUES: dict[str, tuple[str, ...]] = {
    "cleanliness": (
        '++graffiti', '++graffitti', '++grafitti', '++tag(ged|s|ging)?\\b', '++dog (poo|poop|mess|fouling|dirt)', '+fouling', '++fly.?tipp', '+dumped', '+dumping', 'litter', 'rubbish (dumped|everywhere|on)', 'trash (everywhere|on the)', 'dirty', 'filthy', 'filth', 'mess\\b', 'messy', 'grime', 'needles?', 'syringe', 'broken glass', 'vomit', 'dead (fox|animal|bird|cat|dog|badger|deer|pigeon|rat)', 'roadkill', 'litter bin', 'urine', 'pee\\b', 'smells? of (pee|urine)', 'sweep', 'swept', 'clean', 'cigarette (butts|ends)', 'butts\\b', 'chewing gum', 'gum on', 'spray.?paint', 'vandal', 'pigeon', 'bird droppings', 'fly.?post', 'stickers? all', 'oil spill', 'cans\\b', 'bottles? (everywhere|smashed|left)', 'debris',
    ),
    "waste": (
        '+bins?\\b', '+wheelie', '+wheely', '+bin (men|lorry|day|collection)', '+binmen', '+collection', '+recycl', '++bulky', '+dumpster', '+skip\\b', '+refuse', '+garbage', 'trash', 'rubbish', 'compost', 'food waste', 'garden waste', 'not (been )?(collected|emptied|picked up)', 'missed', 'overflow', 'overflowing', 'bin bags?', 'black bags?', 'blue bag', 'green bin', 'brown bin', 'tip\\b', 'dump\\b', 'landfill', 'mattress', 'fridge', 'sofa', 'couch', 'cardboard', 'bottle bank', 'glass bank', '-waste', 'pick.?up', 'picked up',
    ),
    "water": (
        '++leak', '+burst', '+water main', '+water pressure', '+no water', '+hydrant', '+tap water', '+mains', '+pipe', '+sewer', '+sewage', '+drain', 'water\\b', 'gush', 'spurting', 'spray', 'flood', 'puddle', 'stopcock', 'meter', 'brown water', 'discoloured', 'discolored', 'chlorine', 'taste', 'drinking', 'fountain', 'sprinkler', 'wasting water', 'waste of water', 'supply', 'low pressure', 'manhole', 'gully', 'blocked drain', 'overflowing drain', 'standing water', 'tap\\b', 'taps\\b',
    ),
    "roads": (
        '++pot.?holes?', '++pothol', '+pavement', '+sidewalk', '+footpath', '+tarmac', '+asphalt', '+road surface', '+traffic lights?', '+traffic signal', '+crossing', '+zebra', '+speed bump', '+road sign', '+signpost', '+kerb', '+curb', 'road\\b', 'roads\\b', 'street sign', 'sign\\b', 'signs\\b', 'crack', 'sunken', 'subsid', 'uneven', 'paving', 'slab', 'tripped', 'trip hazard', 'line markings?', 'markings?', 'roundabout', 'junction', 'intersection', 'gravel', 'bollard', 'barrier', 'railing', 'guard rail', 'ice\\b', 'icy', 'grit', 'gritt', 'snow', 'roadworks', 'road works', 'diversion', 'resurfac', 'pedestrian', 'wheelchair', 'pushchair', 'pram', 'bridge', 'hole\\b', 'holes\\b', 'stop sign', 'give way', 'mirror',
    ),
    "lighting": (
        '++street.?lights?', '+streetlamp', '+lamp.?post', '+lamppost', '+lighting', '+light\\b', '+lights\\b', '+bulb', 'flicker', 'pitch black', 'pitch dark', 'dark\\b', 'darkness', 'unlit', 'lit\\b', 'on all day', 'lamp', 'not working at night', '-dim\\b', 'lantern', 'illuminat',
    ),
    "transport": (
        '+bus\\b', '+buses', '+tram', '+bus stop', 'bus shelter', '+timetable', '+schedule', '+cycle lane', '+bike lane', '+cycle path', '+bicycle', '+bike', '+route \\d', '+number \\d+ bus', '+driver', '+train', '+station', '+metro', '+subway', '+underground', '+ticket', '+fare', '+public transport', '+commut', 'late\\b', 'delay', 'never came', 'didn.t (turn up|show|stop)', 'didn.t come', 'cancelled', 'canceled', 'platform', 'scooter', 'e.?scooter', 'cycling', 'cyclist', 'ev charg', 'charging point', 'service \\d', 'travel', 'journey', 'school bus', 'bus lane',
    ),
    "green_spaces": (
        '+park\\b', '+parks\\b', '+tree', '+playground', '+play area', '+swing', '+slide\\b', '+grass', '+verge', '+hedge', '+branch', '+green space', '+garden', '+flower', 'mow', 'weeds?', 'overgrown', 'bench', 'benches', 'leaves\\b', 'roots?\\b', 'stump', 'prune', 'pruning', 'trim', 'fallen tree', 'sandpit', 'pond', 'woods?\\b', 'allotment', 'planter', 'shrub', 'bush', 'bushes', 'brambles?', 'nettles', 'lawn', 'meadow', 'skate park', 'seesaw', 'climbing frame', 'picnic', 'wasp', 'hornet',
    ),
    "noise": (
        '+noise', '+noisy', '+loud', '+music', '+party', '+parties', '+barking', '+bark', '+racket', '+din\\b', '+decibel', '+anti.?social', 'shouting', 'screaming', 'yelling', 'revving', 'engine', 'motorbike', 'car alarm', 'alarm', 'siren', 'horn', 'honking', 'neighbou?r', 'speaker', 'bass', 'can.t sleep', 'sleep', 'kept awake', 'all night', 'at \\d ?am', 'rave', 'pub\\b', 'nightclub', 'leaf blower', 'drilling', 'hooting', 'nuisance',
    ),
    "parking": (
        '++parked', '+parking', '+park(s|ing)? on', '++abandoned (car|vehicle|van)', '++double.?park', '+tow', '+disabled (bay|space)', '+blue badge', '+dropped kerb', '+driveway', '+parking meter', '+pay and display', '+yellow lines?', '!car\\b', '!cars\\b', 'vehicle', 'van\\b', 'vans\\b', 'lorry', 'truck', 'number plate', 'registration', 'reg\\b', 'untaxed', 'sorn', 'flat tyres?', 'blocking', 'blocked in', 'loading bay', 'permit', 'residents? bay', 'ticket machine', 'caravan', 'motorhome', 'camper', 'clamp',
    ),
    "culture": (
        '+library', '+libraries', '+museum', '+theatre', '+theater', '+cinema', '+concert', '+exhibition', '+festival', '+gallery', '+heritage', '+events?\\b', '+books?\\b', '+borrow', '+librar', '+art\\b', '+arts\\b', '+culture', '+cultural', '+community cent', '+performance', '+workshop', '+monument', '+statue', '+mural', 'reading', 'story.?time', 'author', 'exhibit', 'show\\b', 'tickets? for', 'opening hours', 'late fees?', 'membership', 'library card', 'e.?books?', 'choir', 'orchestra', 'dance', 'music', 'christmas market', 'fair\\b', 'parade',
    ),
    "other": (
        '+housing', '+landlord', '+tenant', '+council tax', '+rent\\b', '+benefits', '+passport', '+birth certificate', '+stray', '+animal', '+rats?\\b', '+mice', '+mouse', '+cockroach', '+bed.?bugs?', '+pest', '+vermin', '+trolley', '+shopping cart', '+school', '+nursery', '+planning permission', '+planning application', '+building control', '+election', '+vote', '+voting', '+police', '+crime', '+burglar', '+theft', '+stolen', '+squat', '+invoice', '+bill\\b', '+town hall', '+city hall', '+council office', '+form\\b', '+licen[cs]e', 'mould', 'mold', 'damp', 'heating', 'lift\\b', 'elevator', 'fox', 'foxes', 'badger', 'deer', 'drugs?', 'dealing', 'assault', 'broadband', 'internet', 'phone mast', 'cemetery', 'graveyard', 'swimming pool', 'leisure centre', 'gym', 'sports? (centre|hall)', 'post office', 'parcel', 'doctor', 'gp\\b', 'hospital', 'job', 'employment', 'bins? stolen',
    ),
}  # fmt: skip
