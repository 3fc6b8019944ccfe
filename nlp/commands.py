"""The ``senscommun nlp train|train-danger|evaluate`` and ``senscommun classify`` subcommands.

``bot/cli.py`` calls :func:`register` with its subparsers; each handler receives the parsed
namespace (``args.func(args)`` style, returning an exit code).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import IO, Any

from . import DEFAULT_MODEL_DIR, load_classifier
from .types import DEFAULT_SERVICES, Classification

BATCH = 512
#: The generalisation probe: messages written apart from the corpus, in other styles and words.
PROBE_PATH = Path(__file__).resolve().parent / "data" / "probe.jsonl"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``nlp train``, ``nlp evaluate`` and ``classify`` to the ``senscommun`` CLI."""
    nlp_parser = subparsers.add_parser("nlp", help="train and evaluate the text classifier")
    nlp_sub = nlp_parser.add_subparsers(dest="nlp_command", required=True)

    train_p = nlp_sub.add_parser("train", help="train the model (deterministic)")
    train_p.add_argument(
        "--with-feedback",
        type=Path,
        default=None,
        metavar="FILE.jsonl",
        help="corrections exported by the app: {text, service, lang} lines",
    )
    train_p.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, metavar="DIR")
    train_p.add_argument("--seed", type=int, default=0)
    train_p.set_defaults(func=cmd_train)

    danger_p = nlp_sub.add_parser(
        "train-danger",
        help="(re)train only the danger model of an existing model directory (deterministic)",
    )
    danger_p.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, metavar="DIR")
    danger_p.set_defaults(func=cmd_train_danger)

    retrain_p = nlp_sub.add_parser(
        "retrain",
        help="train again (with corrections) and keep the new model only if it is not worse",
    )
    retrain_p.add_argument("--with-feedback", type=Path, default=None, metavar="FILE.jsonl")
    retrain_p.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR, metavar="DIR")
    retrain_p.set_defaults(func=cmd_retrain)

    status_p = nlp_sub.add_parser("status", help="the model in use, its date and its figures")
    status_p.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR, metavar="DIR")
    status_p.set_defaults(func=cmd_status)

    eval_p = nlp_sub.add_parser("evaluate", help="scores on the held-out split, with baseline")
    eval_p.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR, metavar="DIR")
    eval_p.add_argument(
        "--compare",
        type=Path,
        default=None,
        metavar="DIR",
        help="another model to show beside (e.g. before feedback)",
    )
    eval_p.add_argument(
        "--feedback",
        type=Path,
        default=None,
        metavar="FILE.jsonl",
        help="also score the held-out part of these corrections",
    )
    eval_p.add_argument(
        "--cv",
        type=int,
        default=0,
        metavar="K",
        help="instead: K-fold cross-validation on train+dev (test is not read)",
    )
    eval_p.set_defaults(func=cmd_evaluate)

    cls_p = subparsers.add_parser("classify", help="classify JSON lines from stdin")
    cls_p.add_argument("--model", type=Path, default=None, metavar="DIR")
    cls_p.add_argument("--services", nargs="*", default=None, metavar="CODE")
    cls_p.add_argument("--kind", default="auto", choices=("auto", "keywords", "spacy"))
    cls_p.set_defaults(func=cmd_classify)


def cmd_train(args: argparse.Namespace) -> int:
    from .train import TrainConfig, train

    out: Path = args.out
    before = out.with_name(out.name + ".before")
    feedback: Path | None = getattr(args, "with_feedback", None)
    if feedback and (out / "meta.json").is_file():
        import shutil

        shutil.rmtree(before, ignore_errors=True)
        shutil.copytree(out, before)
    meta = train(out, TrainConfig(seed=args.seed), feedback=feedback)
    print(f"model written to {out} in {meta['seconds']} s")
    if feedback:
        compare = before if before.is_dir() else None
        print(evaluate_text(out, compare=compare, feedback=feedback))
        print(f"(the previous model is kept in {before} for comparison)" if compare else "")
    return 0


def cmd_retrain(args: argparse.Namespace) -> int:
    from .gate import retrain
    from .train import TrainConfig, train

    def fit(out: Path, feedback: Path | None) -> None:
        train(out, TrainConfig(), feedback=feedback)

    verdict = retrain(args.model, args.with_feedback, fit)
    for name in sorted(verdict.after):
        old = verdict.before.get(name)
        shown = f"{old:.3f}" if old is not None else "-"
        print(f"{name}: {shown} -> {verdict.after[name]:.3f}")
    if verdict.kept:
        print(f"kept: the new model is in {args.model} (the previous one beside it, .previous)")
        return 0
    print(f"not kept, worse on: {', '.join(verdict.worse)} (the candidate is left aside)")
    return 1


def cmd_status(args: argparse.Namespace) -> int:
    from .gate import status

    print(status(args.model))
    return 0


def cmd_train_danger(args: argparse.Namespace) -> int:
    from .danger_train import train_danger

    train_danger(args.out)
    print(f"danger model written to {args.out}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    k = getattr(args, "cv", 0)
    print(cv_text(k) if k else evaluate_text(args.model, args.compare, args.feedback))
    return 0


def cv_text(k: int) -> str:
    """Cross-validated tables on train+dev, the model beside the keyword baseline."""
    from .crossval import cross_validate
    from .evaluate import render, score
    from .keywords import KeywordClassifier
    from .train import TrainConfig

    if k < 2:
        raise SystemExit("--cv needs K >= 2")
    folds = cross_validate(k, TrainConfig(log=lambda m: print(m, file=sys.stderr)))
    kw = KeywordClassifier()
    out: list[str] = []
    for lang, (samples, preds) in folds.items():
        baseline = kw.classify_many([s.text for s in samples], [lang] * len(samples))
        reports = [score("model", lang, samples, preds), score("keywords", lang, samples, baseline)]
        out += [f"== {k}-fold cross-validation on train+dev ==", render(reports, "out-of-fold"), ""]
    return "\n".join(out)


def evaluate_text(model: Path, compare: Path | None = None, feedback: Path | None = None) -> str:
    """The evaluation tables: the model, the optional other model, and the keyword baseline."""
    from .corpus import Sample, load_corpus, read_jsonl
    from .evaluate import render, score
    from .keywords import KeywordClassifier
    from .langid import LanguageIdentifier
    from .pipeline import SpacyClassifier

    named: list[tuple[str, Any]] = [("model", SpacyClassifier.load(model))]
    if compare is not None:
        named.append(("before", SpacyClassifier.load(compare)))
    named.append(("keywords", KeywordClassifier(langid=LanguageIdentifier.load(
        model / "langid.json"))))  # fmt: skip
    # (title, samples, whether only the held-out side of the split is scored)
    sets: list[tuple[str, list[Sample], bool]] = [("held-out corpus", load_corpus(), True)]
    if PROBE_PATH.is_file():
        sets.append(("probe set (other styles; never trained or tuned on)",
                     list(read_jsonl(PROBE_PATH)), False))  # fmt: skip
    if feedback:
        sets.append(("held-out feedback", list(read_jsonl(feedback)), True))
    out: list[str] = []
    for title, samples, held_out in sets:
        for lang in ("fr", "en"):
            test = [s for s in samples if s.lang == lang and (s.split == "test" or not held_out)]
            if not test:
                continue
            texts = [s.text for s in test]
            reports = [
                score(name, lang, test, clf.classify_many(texts, [lang] * len(texts)))
                for name, clf in named
            ]
            out += [f"== {title} ==", render(reports, "held-out" if held_out else "probe"), ""]
    return "\n".join(out)


def _read_lines(stream: IO[str]) -> Iterator[tuple[str | None, str | None, str | None]]:
    """(text, lang, error) per input line."""
    for line in stream:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError('expected an object with a "text" string')
            lang = row.get("lang")
            if lang is not None and not isinstance(lang, str):
                raise ValueError('"lang" must be a string')
            yield row["text"], lang, None
        except ValueError as exc:
            yield None, None, str(exc)


def as_json(c: Classification) -> dict[str, Any]:
    """A classification as a plain JSON object."""
    # Built by hand: dataclasses.asdict deep-copies every field and costs a tenth of the batch.
    return {
        "service": c.service, "confidence": c.confidence,
        "alternatives": [[s, p] for s, p in c.alternatives], "intent": c.intent.value,
        "lang": c.lang, "urgent": c.urgent, "urgency_reasons": list(c.urgency_reasons),
        "places": [{f.name: getattr(p, f.name) for f in fields(p)} for p in c.places],
        "redacted": c.redacted, "ask_service": c.ask_service,
    }  # fmt: skip


def cmd_classify(args: argparse.Namespace) -> int:
    services = getattr(args, "services", None) or DEFAULT_SERVICES
    model = getattr(args, "model", None)
    kind = getattr(args, "kind", "auto")
    clf: Any = load_classifier(services, model_dir=model, kind=kind)
    stdin: IO[str] = getattr(args, "stdin", None) or sys.stdin
    stdout: IO[str] = getattr(args, "stdout", None) or sys.stdout
    batch: list[tuple[str | None, str | None, str | None]] = []

    def flush() -> None:
        good = [(t, lang) for t, lang, err in batch if err is None and t is not None]
        results = iter(clf.classify_many([t for t, _ in good], [lang for _, lang in good]))
        for _t, _lang, err in batch:
            row = {"error": err} if err is not None else as_json(next(results))
            stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        stdout.flush()
        batch.clear()

    for item in _read_lines(stdin):
        batch.append(item)
        # Batches make a large input fast; a line typed or piped alone is answered at once.
        if len(batch) >= BATCH or not _more_waiting(stdin):
            flush()
    flush()
    return 0


def _more_waiting(stream: IO[str]) -> bool:
    """Whether more input can be read from ``stream`` right now without waiting."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return True  # an in-memory stream: all of it is there
    import select

    try:
        ready, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(ready)
