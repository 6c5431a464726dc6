"""The salience model: its arithmetic, its place in the tagger, and that the shipped model is the
one `python -m bench.salience` trains from the committed labels."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.salience import main as train
from indexer.geo import tagger
from indexer.geo.salience import Salience, Signal
from indexer.text import normalize
from tests.support import ROOT, assert_trains_to

SHIPPED = ROOT / "indexer" / "geo" / "data" / "salience.json"


def test_probability_threshold_and_signals(tmp_path: Path) -> None:
    """A linear model's log-odds, its logistic, the threshold, and the strongest shares first."""
    model = Salience({"in_title": 2.0, "B:giá": -1.5, "score": 0.5}, -1.0, 0.6, "hand-made")
    assert model.logit({}) == -1.0
    assert model.logit({"in_title": 1.0, "score": 2.0}) == pytest.approx(2.0)
    assert model.probability({"in_title": 1.0, "score": 2.0}) == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert model.probability({"B:giá": 1000.0}) == pytest.approx(0.0)  # no overflow on large |z|
    assert model.about({"in_title": 1.0}) and not model.about({"in_title": 1.0, "B:giá": 1.0})
    assert model.signals({"score": 2.0, "B:giá": 1.0, "unknown": 1.0}) == (Signal("B:giá", -1.5), Signal("score", 1.0))
    path = tmp_path / "model.json"
    model.save(path)
    assert Salience.load(path) == model


def test_tagger_decides_with_the_shipped_model() -> None:
    """Tags are the model's decisions, and the evidence shows each province's probability."""
    model = Salience.load()
    assert 0.0 < model.threshold < 1.0 and len(model.weights) > 100
    assert tagger().salience == model
    reading = tagger().read(
        normalize("Cháy lớn tại chợ ở Thanh Hóa"),
        normalize("Rạng sáng nay, một đám cháy lớn xảy ra tại chợ trung tâm huyện Hậu Lộc, tỉnh Thanh Hóa."),
        normalize("Theo lãnh đạo UBND tỉnh Thanh Hóa, đám cháy đã được khống chế. Giá rau tại TP.HCM vẫn ổn định."),
    )
    assert reading.about_old == ("Thanh Hóa",)
    for e in reading.evidence:
        # The probability shown is rounded to three places.
        assert e.about == (e.probability >= model.threshold) or abs(e.probability - model.threshold) < 1e-3, e
        assert not e.signals, e
    explained = tagger().read(normalize("Cháy lớn tại chợ ở Thanh Hóa"), "", "", explain=True)
    assert all(e.signals for e in explained.evidence)


@pytest.mark.shared
@pytest.mark.slow
def test_shipped_model_is_the_trained_one(tmp_path: Path) -> None:
    """Training again on the committed TRAIN and DEV labels gives the shipped model (to rounding)."""
    assert_trains_to(train, SHIPPED, tmp_path)
