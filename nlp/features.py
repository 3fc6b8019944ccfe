"""The features of the trained text classifiers, and the spaCy architecture that uses them.

A hashed bag of features into a sparse linear layer (like spaCy's ``TextCatBOW``), over keys
chosen for residents' writing rather than token forms: accent-folded light stems and whole
words, stem bigrams,
character 3- and 4-grams (typos, SMS spelling, compounds) and the lexicon's cue scores (so the
clerk's knowledge of *any* town's vocabulary is a feature the model learns to trust). Values are
scaled by the message length so a 10,000-character text is not a hundred times more confident.
The intent textcat also reads how the message is put (:func:`intent_features`: opening words,
question marks, the intent rules' cues); the service textcat does not (it cost it in
cross-validation).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .intent import rule_scores
from .lexicon import Lexicon
from .text import STOPWORDS, WORD_RE, fold, stem

LEX_KEY = "senscommun_lex"  # Doc.user_data key where the classifier leaves the cue scores
FEATS_KEY = "senscommun_feats"  # Doc.user_data key of the extracted (keys, values)
INTENT_FEATS_KEY = "senscommun_intent_feats"  # the same, for the intent textcat's extra ones
CHAR_WEIGHT = 0.5
LEX_WEIGHT = 1.0
MAX_WORDS = 400


@lru_cache(maxsize=1)
def shared_lexicon() -> Lexicon:
    """One compiled lexicon per process (read-only, built on first use)."""
    return Lexicon()


@lru_cache(maxsize=262144)
def key_of(feature: str) -> int:
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    return int(hash_string(feature))


def features(text: str, lang: str, lex: dict[str, float] | None = None) -> dict[str, float]:
    """Feature name -> value for one message."""
    words = WORD_RE.findall(fold(text))[:MAX_WORDS]
    stops = STOPWORDS.get(lang, STOPWORDS["fr"])
    feats: dict[str, float] = {}
    stems: list[str] = []
    for w in words:
        st = stem(w, lang)
        stems.append(st)
        if w not in stops:
            feats["u:" + st] = feats.get("u:" + st, 0.0) + 1.0
            if w != st:  # the whole word too: "parking" is not "park"
                feats["w:" + w] = feats.get("w:" + w, 0.0) + 1.0
            if len(w) >= 3 and not w.isdigit():
                padded = f"<{w}>"
                for n in (3, 4):
                    for i in range(len(padded) - n + 1):
                        k = "c:" + padded[i : i + n]
                        feats[k] = feats.get(k, 0.0) + CHAR_WEIGHT
    for a, b in itertools.pairwise(stems):
        k = f"b:{a}_{b}"
        feats[k] = feats.get(k, 0.0) + 1.0
    scale = 1.0 / math.sqrt(max(1.0, len(words) / 8.0))
    out = {k: v * scale for k, v in feats.items()}
    for service, score in (lex if lex is not None else shared_lexicon().scores(text, lang)).items():
        if score > 0:
            out["lex:" + service] = LEX_WEIGHT * min(score, 6.0)
    if not words:
        out["empty"] = 1.0
    out["bias"] = 1.0
    return out


def intent_features(text: str) -> dict[str, float]:
    """How a message is put, read by the intent textcat only: its opening words, a question
    mark, and the intent rules' cues (:mod:`nlp.intent`), which the model learns to weigh."""
    words = WORD_RE.findall(fold(text[:200]))[:2]
    out: dict[str, float] = {}
    if words:
        out["first:" + words[0]] = 1.0
    if len(words) > 1:
        out[f"first2:{words[0]}_{words[1]}"] = 1.0
    if text.rstrip().endswith("?"):
        out["q:end"] = 1.0
    elif "?" in text:
        out["q:any"] = 1.0
    for intent, value in rule_scores(text).items():
        if value:
            out["rule:" + intent.value] = value
    return out


def _arrays(feats: dict[str, float]) -> tuple[Any, Any]:
    import numpy

    return (
        numpy.fromiter((key_of(k) for k in feats), dtype="uint64", count=len(feats)),
        numpy.fromiter(feats.values(), dtype="float32", count=len(feats)),
    )


def build_architecture() -> Callable[..., Any]:
    """Register ``senscommun.FeatureBOW.v1`` with spaCy (idempotent) and return its factory."""
    import numpy
    from spacy.util import registry
    from thinc.api import Model, SparseLinear_v2, chain, softmax_activation

    def forward(model: Any, docs: list[Any], is_train: bool) -> tuple[Any, Callable[..., Any]]:
        lang, intent = model.attrs["lang"], model.attrs["intent_cues"]
        keys, vals = [], []
        for doc in docs:
            # Cached on the doc: the service and intent textcats, and every training epoch,
            # share one extraction.
            cached = doc.user_data.get(FEATS_KEY)
            if cached is None:
                cached = _arrays(features(doc.text, lang, doc.user_data.get(LEX_KEY)))
                doc.user_data[FEATS_KEY] = cached
            if intent:
                extra = doc.user_data.get(INTENT_FEATS_KEY)
                if extra is None:
                    extra = _arrays(intent_features(doc.text))
                    doc.user_data[INTENT_FEATS_KEY] = extra
                cached = (numpy.concatenate((cached[0], extra[0])),
                          numpy.concatenate((cached[1], extra[1])))  # fmt: skip
            keys.append(cached[0])
            vals.append(cached[1])
        lengths = numpy.asarray([len(k) for k in keys], dtype="int32")
        out = (numpy.concatenate(keys), numpy.concatenate(vals), lengths)
        return out, lambda d: []

    def feature_bow(lang: str, nO: int, length: int = 2**17, intent_cues: bool = False) -> Any:
        attrs = {"lang": lang, "intent_cues": intent_cues}
        extract: Any = Model("senscommun_features", forward, attrs=attrs)
        linear = SparseLinear_v2(nO=nO, length=length)
        model: Any = chain(extract, linear, softmax_activation())
        model.set_ref("output_layer", linear)
        model.attrs["multi_label"] = False
        return model

    if "senscommun.FeatureBOW.v1" not in registry.architectures:
        registry.architectures.register("senscommun.FeatureBOW.v1", func=feature_bow)
    return feature_bow
