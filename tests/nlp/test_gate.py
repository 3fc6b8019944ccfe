"""Retraining behind a gate: the new model is kept only if it is worse on no yardstick, and
``nlp status`` shows the model in use, its date and the figures it was kept on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nlp import DEFAULT_MODEL_DIR
from nlp.gate import Figures, figures, record, retrain, status, worse
from tests.nlp.shipped import shipped

BEFORE: Figures = {
    "held-out fr macro-F1": 0.92,
    "danger fr recall": 0.99,
    "danger fr false alarms": 0.14,
}


@pytest.mark.parametrize(
    ("after", "bad"),
    [
        ({**BEFORE}, []),
        ({**BEFORE, "held-out fr macro-F1": 0.917}, []),  # within the tolerance
        ({**BEFORE, "held-out fr macro-F1": 0.90}, ["held-out fr macro-F1"]),
        ({**BEFORE, "danger fr false alarms": 0.20}, ["danger fr false alarms"]),
        ({**BEFORE, "danger fr false alarms": 0.05}, []),  # fewer alarms is better
        ({"held-out fr macro-F1": 0.95}, ["danger fr false alarms", "danger fr recall"]),
    ],
)
def test_worse_reads_each_yardstick_in_its_direction(after: Figures, bad: list[str]) -> None:
    assert worse(after, BEFORE) == bad


@pytest.fixture
def model(tmp_path: Path) -> Path:
    out = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, out)
    return out


def _copy_of(source: Path) -> object:
    def fit(out: Path, feedback: Path | None) -> None:
        shutil.copytree(source, out)

    return fit


@shipped
def test_a_model_no_worse_is_swapped_in_with_its_figures(model: Path) -> None:
    trained = model.with_name("trained")
    shutil.copytree(model, trained)
    (trained / "marker").write_text("new", encoding="utf-8")
    measured = {model.name: BEFORE, "model.candidate": {**BEFORE, "danger fr recall": 1.0}}
    verdict = retrain(model, None, _copy_of(trained), lambda d: measured[d.name])  # type: ignore[arg-type]
    assert verdict.kept and verdict.worse == []
    assert (model / "marker").is_file() and model.with_name("model.previous").is_dir()
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    assert meta["figures"]["danger fr recall"] == 1.0 and meta["kept_at"]


@shipped
def test_a_worse_model_is_left_aside_and_the_one_in_use_untouched(model: Path) -> None:
    before = (model / "meta.json").read_bytes()
    measured = {model.name: BEFORE, "model.candidate": {**BEFORE, "danger fr recall": 0.90}}
    verdict = retrain(model, None, _copy_of(model), lambda d: measured[d.name])  # type: ignore[arg-type]
    assert not verdict.kept and verdict.worse == ["danger fr recall"]
    assert (model / "meta.json").read_bytes() == before
    assert model.with_name("model.candidate").is_dir()


@shipped
def test_the_shipped_models_figures_and_its_status(model: Path) -> None:
    figs = figures(model)
    assert {"held-out fr macro-F1", "held-out en intent accuracy", "danger en recall"} <= set(figs)
    assert any(name.startswith("real ") for name in figs)
    assert all(0.0 <= v <= 1.0 for v in figs.values())
    assert figs["held-out fr macro-F1"] >= 0.9 and figs["danger fr recall"] >= 0.95
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    meta.pop("figures", None)
    meta.pop("kept_at", None)
    (model / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert "figures: none recorded" in status(model)
    record(model, figs)
    shown = status(model)
    assert "figures it was kept on" in shown and "held-out fr macro-F1: " in shown
