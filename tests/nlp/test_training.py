"""Training (a tiny deterministic run), the trained classifier and the CLI commands."""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path

import pytest

from nlp import load_classifier, model_exists
from nlp.charngram import CHAR_FILE
from nlp.commands import cmd_classify, register
from nlp.corpus import Sample, split_of
from nlp.pipeline import SpacyClassifier
from nlp.train import TrainConfig, train
from tests.nlp.shipped import shipped

TINY = [
    Sample("la poubelle n'a pas été ramassée", "waste", "report", "fr"),
    Sample("poubelles pleines rue Pasteur", "waste", "report", "fr"),
    Sample("le bac jaune déborde encore", "waste", "report", "fr"),
    Sample("lampadaire éteint depuis lundi", "lighting", "report", "fr"),
    Sample("plus de lumière dans la rue le soir", "lighting", "report", "fr"),
    Sample("pourquoi l'éclairage est coupé ?", "lighting", "question", "fr"),
    Sample("chien errant devant la mairie", "other", "report", "fr"),
    Sample("bin not collected again", "waste", "report", "en"),
    Sample("overflowing wheelie bins on my street", "waste", "report", "en"),
    Sample("recycling left behind by the bin men", "waste", "report", "en"),
    Sample("street light out since monday", "lighting", "report", "en"),
    Sample("the lamp post flickers all night", "lighting", "report", "en"),
    Sample("why are the street lights off?", "lighting", "question", "en"),
    Sample("stray dog near the school", "other", "report", "en"),
]
PROBES = ["poubelle pas vidée", "street light broken", "lampadaire cassé", "bins everywhere"]


def _tiny(out: Path) -> SpacyClassifier:
    cfg = TrainConfig(seed=7, epochs=3, length=2**12, log=lambda _: None)
    train(
        out,
        cfg,
        corpus=[s for s in TINY if s.split != "test"] + [s for s in TINY if s.split == "test"],
    )
    return SpacyClassifier.load(out)


def test_training_is_deterministic(tmp_path: Path) -> None:
    a = _tiny(tmp_path / "a").classify_many(PROBES)
    b = _tiny(tmp_path / "b").classify_many(PROBES)
    assert [(c.service, c.confidence, c.alternatives) for c in a] == [
        (c.service, c.confidence, c.alternatives) for c in b
    ]
    assert (tmp_path / "a" / "meta.json").is_file()
    assert model_exists(tmp_path / "a")


def test_character_models_are_shipped_and_optional(tmp_path: Path) -> None:
    clf = _tiny(tmp_path / "m")
    assert set(clf.chars) == {"fr", "en"}
    meta = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    assert all(meta["langs"][lang]["char_model"] for lang in ("fr", "en"))
    # A model of an earlier round (no character model) still loads and classifies.
    for lang in ("fr", "en"):
        (tmp_path / "m" / f"{lang}.{CHAR_FILE}").unlink()
    older = SpacyClassifier.load(tmp_path / "m")
    assert older.chars == {}
    assert len(older.classify_many(PROBES)) == len(PROBES)


def test_split_is_deterministic_and_stable() -> None:
    assert split_of("Lampadaire cassé") == split_of("lampadaire  CASSE")
    assert {split_of(f"message {i}") for i in range(200)} == {"train", "dev", "test"}


@shipped
@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("the leak is fixed, but the bin is still overflowing", "waste"),
        ("la fuite est réparée mais la poubelle déborde toujours", "waste"),
        ("nid de poule énorme devant le 12 rue Victor Hugo", "roads"),
        ("Street light outside number 4 has been out for a week", "lighting"),
        ("les voisins font la fête tous les soirs jusqu'à 3h", "noise"),
        ("someone dumped a mattress and a fridge behind the garages", "cleanliness"),
    ],
)
def test_shipped_model(model: SpacyClassifier, text: str, service: str) -> None:
    assert model.classify(text).service == service


@shipped
@pytest.mark.parametrize("text", ["", "👍🙏😡", "a" * 10_000, "lampadaire cassé " * 700])
def test_shipped_model_degenerate(model: SpacyClassifier, text: str) -> None:
    c = model.classify(text, "fr")
    assert 0.0 <= c.confidence <= 1.0
    assert c.lang == "fr"


@shipped
def test_shipped_model_mixed_languages() -> None:
    clf = load_classifier(kind="spacy")
    c = clf.classify("Bonjour, the street light rue Pasteur est cassé since Monday")
    assert c.service == "lighting"


@shipped
def test_gas_goes_to_the_general_desk_urgently(model: SpacyClassifier) -> None:
    c = model.classify("gas smell on Elm St")
    assert (c.service, c.urgent) == ("other", True)
    assert "gas" in c.urgency_reasons


@shipped
def test_service_other_is_not_the_intent_other(model: SpacyClassifier) -> None:
    # Both textcats have an "other" label; the service's must not be the intent's.
    c = model.classify("stray dog wandering near the school gates", "en")
    assert c.service == "other" and c.confidence > 0.5


def test_classify_answers_each_line_of_a_pipe_at_once(tmp_path: Path) -> None:
    from nlp.commands import _more_waiting

    assert _more_waiting(io.StringIO("x"))  # in memory: batch it all
    r, w = os.pipe()
    with os.fdopen(r) as reader, os.fdopen(w, "w") as writer:
        assert not _more_waiting(reader)  # nothing waiting: answer what we have
        writer.write("{}\n")
        writer.flush()
        assert _more_waiting(reader)


def test_every_corpus_line_is_valid() -> None:
    # read_jsonl skips a line with an unknown label silently: a relabelling typo must not.
    from nlp.corpus import CORPUS_DIR, read_jsonl

    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert len(list(read_jsonl(path))) == len(lines), path.name


def test_adapted_lines_are_valid_and_never_from_the_held_out_side(tmp_path: Path) -> None:
    from nlp.corpus import ADAPTED_DIR, load_adapted, read_jsonl

    for path in sorted(ADAPTED_DIR.glob("*.jsonl")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert len(list(read_jsonl(path))) == len(lines), path.name
    texts = [f"le lampadaire numero {i} ne marche plus" for i in range(60)]
    (tmp_path / "x.jsonl").write_text(
        "".join(json.dumps({"text": t, "service": "lighting", "lang": "fr"}) + "\n" for t in texts),
        encoding="utf-8",
    )
    kept = {s.text for s in load_adapted(tmp_path)}
    assert kept == {t for t in texts if split_of(t) != "test"}
    assert 0 < len(kept) < len(texts)


def test_probe_set_is_apart_from_the_corpus() -> None:
    from nlp.commands import PROBE_PATH
    from nlp.corpus import load_corpus, read_jsonl
    from nlp.text import fold

    probe = list(read_jsonl(PROBE_PATH))
    assert len(probe) >= 200 and {s.lang for s in probe} == {"fr", "en"}
    corpus = {" ".join(fold(s.text).split()) for s in load_corpus()}
    assert not [s.text for s in probe if " ".join(fold(s.text).split()) in corpus]


@shipped
def test_shipped_model_catalogue() -> None:
    clf = load_classifier(services=("roads", "lighting", "waste"), kind="spacy")
    c = clf.classify("Loud music every night from the flat above, impossible to sleep")
    assert c.service == "other"
    assert {s for s, _ in c.alternatives} <= {"roads", "lighting", "waste"}


def test_classify_command_keywords() -> None:
    lines = [
        json.dumps({"text": "Lampadaire éteint rue de la Paix, appelez le 06 12 34 56 78"}),
        "not json",
        json.dumps({"text": "bin not collected", "lang": "en"}),
        json.dumps({"nope": 1}),
    ]
    out = io.StringIO()
    args = argparse.Namespace(
        services=None,
        model=None,
        kind="keywords",
        stdin=io.StringIO("\n".join(lines) + "\n"),
        stdout=out,
    )
    assert cmd_classify(args) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 4
    assert rows[0]["service"] == "lighting" and "[téléphone]" in rows[0]["redacted"]
    assert set(rows[0]) >= {
        "service",
        "confidence",
        "intent",
        "lang",
        "urgent",
        "places",
        "alternatives",
        "redacted",
    }
    assert "error" in rows[1] and "error" in rows[3]
    assert rows[2]["service"] == "waste" and rows[2]["lang"] == "en"


def test_register_adds_subcommands() -> None:
    parser = argparse.ArgumentParser(prog="senscommun")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["nlp", "train", "--seed", "3", "--out", "/tmp/x"])
    assert args.seed == 3 and args.out == Path("/tmp/x")
    args = parser.parse_args(["classify", "--services", "roads", "waste"])
    assert args.services == ["roads", "waste"]
    assert parser.parse_args(["nlp", "evaluate"]).compare is None
