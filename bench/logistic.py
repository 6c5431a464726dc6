"""Logistic regressions over feature dicts, as both trained models here are fitted: cross-validated
out-of-fold probabilities, the final fit, and its weights as a shipped `indexer.geo.Salience`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import click
import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from indexer.geo.salience import Salience

Rows = list[dict[str, float]]
# Precision, recall and F1 of a set of decisions, one per row.
Score = Callable[[np.ndarray], tuple[float, float, float]]


def fit(rows: Rows, labels: np.ndarray, c: float, min_examples: int = 1) -> tuple[DictVectorizer, LogisticRegression]:
    """A model of the rows, over the features present in at least min_examples of them."""
    seen = Counter(name for row in rows for name in row)
    keep = {name for name, n in seen.items() if n >= min_examples}
    vectorizer = DictVectorizer().fit([{k: v for k, v in row.items() if k in keep} for row in rows])
    return vectorizer, LogisticRegression(C=c, max_iter=5000).fit(vectorizer.transform(rows), labels)


def out_of_fold(
    rows: Rows, labels: np.ndarray, folds: Sequence[tuple[np.ndarray, np.ndarray]], c: float, min_examples: int = 1
) -> np.ndarray:
    """Each row's probability from the model fitted on the folds that hold it out."""
    prob = np.zeros(len(rows))
    for train, held in folds:
        vectorizer, model = fit([rows[j] for j in train], labels[train], c, min_examples)
        prob[held] = model.predict_proba(vectorizer.transform([rows[j] for j in held]))[:, 1]
    return prob


def shipped(vectorizer: DictVectorizer, model: LogisticRegression, threshold: float, trained_on: str) -> Salience:
    """The fitted model as the package reads it: weights rounded, those that round to nothing left out."""
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) >= 1e-4
    }
    return Salience(weights, round(float(model.intercept_[0]), 4), threshold, trained_on)


def choose(
    rows: Rows,
    labels: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    c_grid: Sequence[float],
    thresholds: Sequence[float],
    score: Score,
    min_examples: int = 1,
) -> tuple[float, float, float]:
    """(F1, C, threshold) of the best cross-validated model, each C's figures at 0.5 printed."""
    best = (0.0, c_grid[0], 0.5)
    for c in c_grid:
        prob = out_of_fold(rows, labels, folds, c, min_examples)
        for t in thresholds:
            f = score(prob >= t)[2]
            if f > best[0]:
                best = (f, c, t)
        click.echo("  model C={:<4} (5 folds) at 0.5: P {:.3f} R {:.3f} F1 {:.3f}".format(c, *score(prob >= 0.5)))
    return best
