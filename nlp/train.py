"""Training: two spaCy pipelines (French, English), each with a service and an intent textcat,
beside them a character n-gram model per language (:mod:`nlp.charngram`) and the French vector
head (:mod:`nlp.vectors`).

Deterministic: the seed fixes thinc's and Python's generators, samples are read in a stable
order and shuffled with a seeded :class:`random.Random`, and the split is a hash of the text.
Same data and seed give the same model, byte for byte in its predictions.

Per language, ``train`` + ``dev`` are cut into :data:`CALIBRATION_FOLDS` folds by hash (the
folds of :mod:`nlp.crossval`); one model per fold is trained on the other folds and scores the
fold it left out, and the calibration (weights of the model, the vector head, the character
model and the lexicon, and a bias per service: :mod:`nlp.calibration`) is fitted on those
out-of-fold scores. The shipped model is then trained on all of ``train`` + ``dev``. ``test`` is
never read here.
With ``augment_copies``, every model also learns from noisy, phone-typed copies of its training
lines (:mod:`nlp.augment`); lines it scores are never augmented. Adapted lines and the real
reports of the training towns (:func:`nlp.corpus.load_real`) are learnt in every fold and never
scored; the real ones teach the service, not the intent. Last, the danger model and its
thresholds (:mod:`nlp.danger_train`).
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .augment import augment
from .calibration import Distribution, fit_calibration
from .charngram import CHAR_FILE, CharNgramModel
from .corpus import (
    REAL_TRAIN_SOURCES,
    Sample,
    fold_of,
    load_adapted,
    load_corpus,
    load_real,
    read_jsonl,
)
from .danger_train import DANGER_DIR, train_danger
from .features import LEX_KEY, build_architecture, shared_lexicon
from .langid import LanguageIdentifier
from .types import DEFAULT_SERVICES, LANGUAGES, Intent
from .vectors import HEAD_FILE, VECTOR_PACKAGES, VECTORS_FILE, VectorHead, VectorTable

INTENTS: tuple[str, ...] = tuple(i.value for i in Intent)
MODEL_VERSION = 2
#: Folds of the out-of-fold scores the calibration is fitted on.
CALIBRATION_FOLDS = 5
Head = tuple[VectorTable, VectorHead]


@dataclass
class TrainConfig:
    seed: int = 0
    epochs: int = 12
    batch_size: int = 16
    learn_rate: float = 0.002
    length: int = 2**16  # hashed feature buckets per textcat
    augment_copies: int = 1  # noisy copies of each training line (nlp.augment)
    char_model: bool = True  # the character n-gram learner (nlp.charngram)
    langs: tuple[str, ...] = LANGUAGES
    log: Callable[[str], None] = field(default=print)


def blank_pipeline(lang: str, length: int) -> Any:
    """The tokenizer-only base (``fr_core_news_sm``'s for French) plus two empty textcats."""
    import spacy

    build_architecture()
    if lang == "fr":
        # The official French tokenizer (elisions, hyphens); its tagger, parser, NER and
        # lemmatizer are left out: they cost ~10x the time and did not improve macro-F1.
        nlp = spacy.load("fr_core_news_sm", exclude=["tok2vec", "morphologizer", "parser",
                         "attribute_ruler", "lemmatizer", "ner", "senter"])  # fmt: skip
    else:
        nlp = spacy.blank(lang)
    for name, labels in (("service", DEFAULT_SERVICES), ("intent", INTENTS)):
        model = {"@architectures": "senscommun.FeatureBOW.v1", "lang": lang,
                 "nO": len(labels), "length": length, "intent_cues": name == "intent"}  # fmt: skip
        pipe: Any = nlp.add_pipe("textcat", name=name, config={"model": model, "threshold": 0.0})
        for label in labels:
            pipe.add_label(label)
    return nlp


def make_doc(nlp: Any, text: str, lang: str) -> Any:
    """A tokenised doc carrying its lexicon scores (computed once, read by features and rules)."""
    doc = nlp.make_doc(text)
    doc.user_data[LEX_KEY] = shared_lexicon().scores(text, lang)
    return doc


def _examples(nlp: Any, samples: Sequence[Sample], lang: str) -> tuple[list[Any], list[Any]]:
    from spacy.training import Example

    service_egs, intent_egs = [], []
    for s in samples:
        doc = make_doc(nlp, s.text, lang)
        cats = {label: float(label == s.service) for label in DEFAULT_SERVICES}
        service_egs.append(Example.from_dict(doc, {"cats": cats}))
        cats = {label: float(label == s.intent) for label in INTENTS}
        intent_egs.append(Example.from_dict(doc, {"cats": cats}))
    return service_egs, intent_egs


def train_language(samples: Sequence[Sample], lang: str, cfg: TrainConfig) -> Any:
    """A trained pipeline for ``lang`` from ``samples`` (already filtered to that language)."""
    from thinc.api import Adam, fix_random_seed

    fix_random_seed(cfg.seed)
    nlp = blank_pipeline(lang, cfg.length)
    service_egs, intent_egs = _examples(nlp, samples, lang)
    nlp.get_pipe("service").initialize(lambda: service_egs, nlp=nlp, labels=DEFAULT_SERVICES)
    nlp.get_pipe("intent").initialize(lambda: intent_egs, nlp=nlp, labels=INTENTS)
    optimizer = Adam(cfg.learn_rate, L2=1e-6, use_averages=True)
    rng = random.Random(cfg.seed)
    order = list(range(len(samples)))
    no_intent = {i for i, s in enumerate(samples) if s.source.split("+")[0] in REAL_TRAIN_SOURCES}
    for _ in range(cfg.epochs):
        rng.shuffle(order)
        for i in range(0, len(order), cfg.batch_size):
            batch = order[i : i + cfg.batch_size]
            nlp.get_pipe("service").update([service_egs[j] for j in batch], sgd=optimizer)
            # Real reports carry a service but no intent (their towns' forms only take reports).
            told = [intent_egs[j] for j in batch if j not in no_intent]
            if told:
                nlp.get_pipe("intent").update(told, sgd=optimizer)
    # The averaged weights generalise better than the last step's.
    for name in ("service", "intent"):
        model = nlp.get_pipe(name).model
        for node in model.walk():
            for param in node.param_names:
                key = (node.id, param)
                if key in optimizer.averages:
                    node.set_param(param, optimizer.averages[key])
    return nlp


def fit_vector_head(table: VectorTable, samples: Sequence[Sample]) -> VectorHead:
    x = table.embed_many([s.text for s in samples])
    return VectorHead.fit(x, [s.service for s in samples], DEFAULT_SERVICES)


@dataclass(frozen=True)
class Learners:
    """What one language's fit produces: the spaCy pipeline (service and intent textcats), the
    vector head (French) and the character n-gram model, each ``None`` when not trained."""

    nlp: Any
    head: Head | None
    char: CharNgramModel | None


def fit_language(
    samples: Sequence[Sample], lang: str, cfg: TrainConfig, table: VectorTable | None
) -> Learners:
    """The textcats, the vector head (when ``table``) and the character model (when
    ``cfg.char_model``) of one language, trained on ``samples`` and their noisy copies."""
    lines = list(samples) + augment(samples, cfg.seed, cfg.augment_copies)
    # The character model draws nothing at random, so it learns in another process beside the
    # textcats (a thread would fight spaCy's training loop for the GIL): the same model, on the
    # second core.
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        char_job = (pool.submit(CharNgramModel.fit, [s.text for s in lines],
                                [s.service for s in lines], DEFAULT_SERVICES)
                    if cfg.char_model else None)  # fmt: skip
        nlp = train_language(lines, lang, cfg)
        head = (table, fit_vector_head(table, lines)) if table is not None else None
        char = char_job.result() if char_job is not None else None
    return Learners(nlp, head, char)


def distributions(fit: Learners, samples: Sequence[Sample], lang: str) -> list[Distribution]:
    """What the calibration reads of each sample: model probabilities, cues, the head's and the
    character model's votes."""
    from .predict import service_distribution

    return [service_distribution(fit.nlp, make_doc(fit.nlp, s.text, lang), fit.head, fit.char)
            for s in samples]  # fmt: skip


def held_out_distributions(
    samples: Sequence[Sample], lang: str, cfg: TrainConfig, table: VectorTable | None,
    held: frozenset[int], k: int = CALIBRATION_FOLDS, always: Sequence[Sample] = (),
) -> dict[int, Distribution]:  # fmt: skip
    """Train without the folds ``held`` and score their samples: index in ``samples`` ->
    distribution. ``always`` (adapted lines) are learnt in every fold and never scored.
    (Cross-validation shares these between its outer folds.)"""
    folds = [fold_of(s.text, k) for s in samples]
    scored = [i for i, f in enumerate(folds) if f in held]
    rest = [s for s, f in zip(samples, folds, strict=True) if f not in held]
    if not scored or not rest:
        return {}
    fit = fit_language(rest + list(always), lang, cfg, table)
    return dict(zip(scored, distributions(fit, [samples[i] for i in scored], lang),
                    strict=True))  # fmt: skip


def out_of_fold(
    samples: Sequence[Sample], lang: str, cfg: TrainConfig, table: VectorTable | None,
    k: int = CALIBRATION_FOLDS, always: Sequence[Sample] = (),
) -> dict[int, Distribution]:  # fmt: skip
    """Each sample's distribution from the model of the fold that left it out (a sample is
    missing when its fold was all there was)."""
    scored: dict[int, Distribution] = {}
    for f in range(k):
        scored.update(held_out_distributions(samples, lang, cfg, table, frozenset({f}), k,
                                             always))  # fmt: skip
    return scored


def train(
    out: Path,
    cfg: TrainConfig,
    feedback: Path | None = None,
    corpus: Sequence[Sample] | None = None,
) -> dict[str, Any]:
    """Train, calibrate and write the model to ``out``; returns its ``meta.json``."""
    started = time.perf_counter()
    samples = list(corpus if corpus is not None else load_corpus())
    # Learnt only, never scored: adaptations and real reports of the training towns.
    adapted = load_adapted() + load_real() if corpus is None else []
    extra = [s for s in read_jsonl(feedback)] if feedback else []
    # Feedback lines on the held-out side of the hash stay out, to measure the gain honestly.
    extra = [Sample(s.text, s.service, s.intent, s.lang, "feedback") for s in extra
             if s.split != "test"]  # fmt: skip
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    meta: dict[str, Any] = {
        "version": MODEL_VERSION, "seed": cfg.seed, "epochs": cfg.epochs,
        "augment_copies": cfg.augment_copies,
        "feedback": str(feedback) if feedback else None, "langs": {},
    }  # fmt: skip
    for lang in cfg.langs:
        pool = [s for s in samples if s.lang == lang and s.split in {"train", "dev"}]
        fit_extra = [s for s in extra if s.lang == lang]
        if not pool:
            raise ValueError(f"no training data for {lang!r}")
        # French only: averaged static vectors read by a small head (see nlp.vectors).
        table = VectorTable.from_package(lang)
        if table is None and lang in VECTOR_PACKAGES:
            cfg.log(
                f"{lang}: {VECTOR_PACKAGES[lang]} is not installed, so no vector head "
                f"(held-out macro-F1 drops ~0.02-0.04; pip install {VECTOR_PACKAGES[lang]})"
            )
        lines = pool + fit_extra
        learnt_only = [s for s in adapted if s.lang == lang]
        scored = out_of_fold(lines, lang, cfg, table, always=learnt_only)
        calibration = fit_calibration([scored[i] for i in sorted(scored)],
                                      [lines[i].service for i in sorted(scored)],
                                      DEFAULT_SERVICES)  # fmt: skip
        final = fit_language(lines + learnt_only, lang, cfg, table)
        final.nlp.meta["name"] = f"senscommun_{lang}"
        final.nlp.meta["version"] = f"0.{MODEL_VERSION}.0"
        final.nlp.to_disk(tmp / lang)
        head = final.head
        if head is not None:
            head[0].save(tmp / f"{lang}.{VECTORS_FILE}")
            head[1].save(tmp / f"{lang}.{HEAD_FILE}")
        if final.char is not None:
            final.char.save(tmp / f"{lang}.{CHAR_FILE}")
        meta["langs"][lang] = {
            "train": sum(s.split == "train" for s in pool),
            "dev": sum(s.split == "dev" for s in pool), "feedback": len(fit_extra),
            "adapted": sum(s.source not in REAL_TRAIN_SOURCES for s in learnt_only),
            "real": sum(s.source in REAL_TRAIN_SOURCES for s in learnt_only),
            "vector_head": head is not None, "char_model": final.char is not None,
            **calibration.to_dict(),
        }  # fmt: skip
        cfg.log(f"{lang}: {len(pool)} train+dev + {len(fit_extra)} feedback + "
                f"{len(learnt_only)} adapted, "
                f"calibration {calibration.to_dict()}")  # fmt: skip
    langid = LanguageIdentifier.train(
        (s.text, s.lang) for s in samples + extra if s.split != "test"
    )
    langid.save(tmp / "langid.json")
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")
    if corpus is None and any(DANGER_DIR.glob("*.jsonl")):
        meta["danger"] = train_danger(tmp, cfg.log)  # the learnt urgency score (nlp.danger)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return meta
