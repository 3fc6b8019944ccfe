"""Word-boundary and sense checks of the urgency rules (issue 14): a danger word inside another
word, or in another sense, raises no alarm; the same word in its dangerous sense still does."""

from __future__ import annotations

import pytest

from nlp.urgency import assess


@pytest.mark.parametrize(
    "text",
    [
        # Inside another word.
        "the floodlights at the football pitch are out",
        "flood lights on the tennis courts stay on all night",
        "c'est cruel de laisser les poubelles au soleil",
        "pluie torrentielle hier, les caniveaux débordent un peu",
        "he accidentally knocked the bin over",
        "fireworks noise every night this week",
        # Another sense.
        "we are getting a flood of complaints about the bins",
        "fire hydrant leaking a little on Elm St",
        "the fire station siren goes off at 3am",
        "could there be a fire risk one day with all these bins?",
        "when is the next fire safety inspection of the hall?",
        "gas station prices on the ring road are crazy",
        "how do I pay my gas bill?",
        "la borne incendie fuit rue Pasteur",
        "la bouche d'incendie est cassée",
        "le bal des pompiers fait trop de bruit",
        "la caserne des pompiers a besoin d'un passage piéton",
        "feu d'artifice trop bruyant hier soir",
        "ma boîte aux lettres est inondée de pubs",
        "the office is drowning in paperwork, no one answers",
        "new spark plugs dumped in the alley",
        # Past, over or hypothetical.
        "the fire last month left soot on the school wall",
        "since the 2018 flood the footbridge has been closed",
        "what should we do if we smell gas in the car park?",
        "does the town have a flood prevention plan?",
        "l'incendie de l'an dernier a laissé des traces sur la façade",
        "que faut-il faire en cas d'odeur de gaz dans l'immeuble ?",
        "collecte de jouets pour les victimes de l'incendie de la rue Haute",
        "are the fire extinguishers in the sports hall checked?",
        "ambulance sirens all night on the ring road",
        "a cat with a hurt paw in the school yard",
        "that new mural is fire",
        # Chronic complaints, as real residents write them (Vision Zero reports).
        "cars will pass bikers in an extremely dangerous fashion",
        "Everyone crosses in the middle it's a very dangerous intersection.",
        "I've witnessed 2 car accidents due to people not understanding the lanes",
        "Signal timing causes accidents",
        "Street sign knocked over",
        "Road separator has been knocked down.",
        "the street sign on Elm St was knocked over again",
        "il y a beaucoup d'accidents à ce carrefour, il faudrait un rond-point",
    ],
)
def test_other_senses_are_not_urgent(text: str) -> None:
    assert assess(text, "en") == ()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("the fire hydrant is fine but the shed behind it is on fire", "fire"),
        ("la borne incendie ne sert à rien, la voiture est en feu", "fire"),
        ("the basement is flooded and the water is rising", "flooding"),
        ("flooding on Station Road, water coming into the houses", "flooding"),
        ("crue de la rivière, l'eau monte dans les caves", "flooding"),
        ("a child is drowning in the pond, help", "injury"),
        ("un enfant est tombé dans l'eau du canal", "injury"),
        ("fire in the bin store, black smoke", "fire"),
        ("a cyclist just got knocked down at the roundabout", "injury"),
        ("I was knocked over by a car on the crossing", "injury"),
        ("accident on the bypass, a man is lying on the road", "injury"),
        ("very dangerous: live wires hanging over the pavement", "electricity"),
    ],
)
def test_dangerous_sense_still_flags(text: str, reason: str) -> None:
    assert reason in assess(text, "en")
