"""The learnt urgency score (nlp.danger): a tiny deterministic fit, thresholds for recall, the
blend with the rules, and the "ask the resident" flag."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from nlp.analysis import Analyser, model_may_flag, should_ask
from nlp.danger import DangerModel, _marks, feature_matrix
from nlp.danger_train import (
    BLIND_WRITERS,
    DangerSample,
    fold_ids,
    gate,
    load_danger_set,
    pick_threshold,
    rates,
)
from nlp.pipeline import SpacyClassifier
from nlp.types import Intent
from tests.nlp.shipped import shipped

TINY = [
    ("a man is waving a knife at people outside the station", "violence"),
    ("guy threatening everyone with a knife by the bus stop", "violence"),
    ("un homme menace les passants avec un couteau", "violence"),
    ("old lady fell in the street and cannot get up", "person"),
    ("une dame âgée est tombée sur le trottoir, elle ne peut pas se relever", "person"),
    ("a dog bit a child in the park, the dog is still loose", "animal"),
    ("un chien a mordu un enfant au square", "animal"),
    ("scaffolding leaning over the pavement, about to come down", "structure"),
    ("l'échafaudage penche au-dessus du trottoir", "structure"),
    ("bins not collected on Elm St", "none"),
    ("la poubelle n'a pas été ramassée", "none"),
    ("street light out on Mill Lane", "none"),
    ("lampadaire éteint rue Pasteur", "none"),
    ("graffiti on the bus shelter", "none"),
    ("tags sur le mur de l'école", "none"),
    ("the park grass needs cutting", "none"),
    ("la pelouse du parc n'est pas tondue", "none"),
    ("URGENT: bins overflowing again", "none"),
    ("fire hydrant leaking a little", "none"),
    ("bus late again this morning", "none"),
]


@pytest.fixture(scope="module")
def tiny() -> DangerModel:
    model = DangerModel.fit([t for t, _ in TINY], [g for _, g in TINY], steps=60)
    model.thresholds = {"en": 0.5, "fr": 0.5}
    return model


def test_fit_is_deterministic(tiny: DangerModel) -> None:
    again = DangerModel.fit([t for t, _ in TINY], [g for _, g in TINY], steps=60)
    texts = ["knife at the station", "poubelle pleine"]
    assert np.array_equal(tiny.probabilities(texts), again.probabilities(texts))


def test_features_are_sorted_rows() -> None:
    indptr, idx, vals = feature_matrix(["dog bit a child", "", "chien"])
    assert indptr[0] == 0 and indptr[-1] == len(idx) == len(vals)
    assert indptr[2] == indptr[1] + 1  # the empty text has only the "no danger cue" feature
    for a, b in itertools.pairwise(indptr):
        assert list(idx[a:b]) == sorted(idx[a:b])


def test_scores_and_category(tiny: DangerModel) -> None:
    (danger, category), (calm, _) = tiny.scores(
        ["someone is threatening people with a knife", "lampadaire éteint rue Victor Hugo"]
    )
    assert category == "violence"
    assert danger > 0.5 > calm


def test_reasons_follow_the_language_threshold(tiny: DangerModel) -> None:
    text = "a man with a knife is threatening people"
    assert tiny.reasons([text], ["en"]) == [("danger:violence",)]
    assert tiny.reasons([text], ["de"]) == [()]  # no threshold: rules only
    strict = DangerModel(tiny.weights, tiny.bias, tiny.idf, {"en": 0.9999})
    assert strict.reasons([text], ["en"]) == [()]


def test_save_and_load(tiny: DangerModel, tmp_path: Path) -> None:
    tiny.save(tmp_path / "danger.npz")
    back = DangerModel.load(tmp_path / "danger.npz")
    assert back.thresholds == tiny.thresholds
    texts = ["un chien a mordu un enfant", "bus late"]
    assert np.allclose(back.probabilities(texts), tiny.probabilities(texts), atol=2e-3)


def test_each_blind_writer_is_held_out_whole() -> None:
    """The thresholds are set on scores of writers the model never read: every line of a blind
    writer falls in its writer's fold, other lines spread over the folds by hash."""
    samples = [DangerSample(f"line {i} by {w}", "en", "none", w) for w in BLIND_WRITERS
               for i in range(20)]  # fmt: skip
    others = [DangerSample(f"corpus line {i}", "en", "none", "corpus") for i in range(200)]
    folds = fold_ids(samples + others)
    by_writer = {w: set(folds[i * 20 : (i + 1) * 20].tolist()) for i, w in enumerate(BLIND_WRITERS)}
    assert all(len(f) == 1 for f in by_writer.values())
    assert len({next(iter(f)) for f in by_writer.values()}) == len(BLIND_WRITERS)
    assert set(folds[len(samples) :].tolist()) == set(range(len(BLIND_WRITERS)))


def test_the_danger_set_marks_everyday_reports_apart_from_hard_negatives() -> None:
    lines = load_danger_set()
    for writer in BLIND_WRITERS:
        assert any(s.source == writer for s in lines), writer
    ordinary = [s for s in lines if s.ordinary]
    assert len(ordinary) > 900 and all(s.label == "none" for s in ordinary)


def test_threshold_reaches_the_recall_target() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.2, 0.1, 0.6, 0.05, 0.3])
    urgent = np.array([True, True, True, True, True, False, False, False])
    rules = np.array([False, False, False, False, True, False, False, False])
    t = pick_threshold(scores, urgent, rules, target=0.8)  # 4 of 5: the rule's + the top 3
    assert t == pytest.approx(0.7)
    flags = rules | (scores >= t)
    recall, hard, _ = rates(flags, urgent, np.zeros(8, dtype=bool))
    assert recall == pytest.approx(0.8) and hard == pytest.approx(0.0)
    # Rules alone already enough: the threshold sits above every missed line's score.
    assert pick_threshold(scores, urgent, np.ones(8, dtype=bool), target=0.8) > 0.9


def test_blend_rule_or_model(tiny: DangerModel) -> None:
    analyser = Analyser(["roads", "other"], danger=tiny)
    probs = {"roads": 0.2, "other": 0.8}
    c = analyser.finish("a man is threatening people with a knife", "en", probs, Intent.REPORT)
    assert c.urgent and c.urgency_reasons == ("danger:violence",)
    c = analyser.finish("gas smell on Elm St", "en", probs, Intent.REPORT)
    assert c.urgent and c.urgency_reasons[0] == "gas"  # rules first
    c = analyser.finish("lampadaire éteint", "fr", probs, Intent.REPORT)
    assert not c.urgent and c.urgency_reasons == ()
    rules_only = Analyser(["roads", "other"])
    c = rules_only.finish("a man is threatening people with a knife", "en", probs, Intent.REPORT)
    assert not c.urgent


def test_questions_and_ideas_are_flagged_by_rules_only(tiny: DangerModel) -> None:
    """The learnt score flags a report, not a question or an idea about safety; a rule still
    flags a question that reports a danger."""
    assert model_may_flag(Intent.REPORT) and model_may_flag(Intent.OTHER)
    assert not model_may_flag(Intent.QUESTION) and not model_may_flag(Intent.IDEA)
    analyser = Analyser(["roads", "other"], danger=tiny)
    probs = {"roads": 0.2, "other": 0.8}
    text = "a man is threatening people with a knife"
    assert analyser.finish(text, "en", probs, Intent.REPORT).urgent
    assert not analyser.finish(text, "en", probs, Intent.QUESTION).urgent
    assert not analyser.finish(text, "en", probs, Intent.IDEA).urgent
    c = analyser.finish("who do I call? the flat next door is on fire", "en", probs,
                        Intent.QUESTION)  # fmt: skip
    assert c.urgent and c.urgency_reasons == ("fire",)


def test_marks_are_features() -> None:
    """What folding drops: a question mark, an exclamation mark, a message in capitals."""
    assert _marks("is the fire station open to visitors?") == ["~q"]
    assert _marks("help!") == ["~x"]
    assert _marks("AGRESSION EN COURS PARKING NIVEAU -2") == ["~caps"]
    assert _marks("OK") == []  # too short to be shouting
    indptr = feature_matrix(["gas smell in the hall", "gas smell in the hall?"])[0]
    assert indptr[2] - indptr[1] == indptr[1] - indptr[0] + 1  # one more feature: the "?"


def test_gate_without_a_model_lets_everything_through(tmp_path: Path) -> None:
    samples = [DangerSample("is there a fire risk?", "en", "none", "t")]
    assert gate(samples, tmp_path).tolist() == [True]


@pytest.mark.parametrize(
    ("service", "confidence", "intent", "ask"),
    [
        ("roads", 0.9, Intent.REPORT, False),
        ("roads", 0.4, Intent.REPORT, True),
        ("other", 0.9, Intent.REPORT, True),
        ("other", 0.9, Intent.QUESTION, True),
        ("other", 0.9, Intent.OTHER, False),  # small talk: nothing to route
    ],
)
def test_ask_the_resident(service: str, confidence: float, intent: Intent, ask: bool) -> None:
    assert should_ask(service, confidence, intent) is ask


def test_classification_carries_the_ask_flag() -> None:
    analyser = Analyser(["roads", "lighting", "other"])
    c = analyser.finish("???", "en", {"roads": 0.2, "lighting": 0.1, "other": 0.7}, Intent.REPORT)
    assert c.service == "other" and c.ask_service
    c = analyser.finish(
        "pothole", "en", {"roads": 0.9, "lighting": 0.05, "other": 0.05}, Intent.REPORT
    )
    assert c.service == "roads" and not c.ask_service


@shipped
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("un homme menace les gens avec un couteau devant la boulangerie", "fr"),
        ("a man is threatening people with a knife outside the bakery", "en"),
        ("une dame âgée est tombée dans la rue et n'arrive pas à se relever", "fr"),
        ("a dog just bit a little girl in the playground and it's still loose", "en"),
    ],
)
def test_shipped_model_flags_dangers_the_rules_miss(
    model: SpacyClassifier, text: str, lang: str
) -> None:
    assert model.analyser.danger is not None
    c = model.classify(text, lang)
    assert c.urgent
    assert any(r.startswith("danger:") for r in c.urgency_reasons)


@shipped
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("la poubelle jaune n'a pas été ramassée mardi", "fr"),
        ("lampadaire éteint rue de la Paix depuis lundi", "fr"),
        ("bins not collected on Elm Street again", "en"),
        ("graffiti on the wall of the library car park", "en"),
    ],
)
def test_shipped_model_leaves_ordinary_reports_alone(
    model: SpacyClassifier, text: str, lang: str
) -> None:
    assert not model.classify(text, lang).urgent
