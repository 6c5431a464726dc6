"""Train the province tagger's salience model on the TRAIN and DEV labels and save it.

    python -m bench.salience [--shared ../shared] [--out indexer/geo/data/salience.json]

Every province the tagger weighs in a labelled article is one example (about it or not, by the
hand labels of the 63-unit era); its features are `Tagger.features`. A logistic regression
(scikit-learn) is cross-validated by article (5 folds) for its regularisation and threshold,
against the score rules on the same folds, then fitted on every example and written as JSON.
The TEST split is never read here: `make eval` scores the saved model on it.
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
from sklearn.model_selection import GroupKFold

from indexer.geo import Gazetteer, Tagger
from indexer.geo.tagger import _read_extra
from indexer.geo.units import units

from .logistic import choose, fit, shipped
from .tagger_eval import REPO, Label, f1, load_texts, split_labels

SPLITS = ("train", "dev")
# A word feature seen in fewer examples than this is left out: it could only fit its few.
MIN_EXAMPLES = 3
C_GRID = (0.1, 0.3, 1.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.3, 0.71, 0.05))


Examples = tuple[list[dict[str, float]], np.ndarray, list[int], list[str], list[set[str]]]


def examples(labels: list[Label], shared: Path) -> Examples:
    """(features, about or not, article number, province) of every weighed province, and the
    gold set of each article."""
    texts = load_texts(labels, shared / "corpus")
    # The rules alone: the model's features must not depend on a model already saved.
    tagger = Tagger(Gazetteer.load(), _read_extra(), units())
    rows, about, article, names, gold = [], [], [], [], []
    for k, label in enumerate(labels):
        gold.append(set(label.old))
        for name, features in tagger.features(*texts[label.corpus, label.ident]).items():
            rows.append(features)
            about.append(name in label.old)
            article.append(k)
            names.append(name)
    return rows, np.asarray(about), article, names, gold


def figures(
    chosen: np.ndarray, article: list[int], names: list[str], gold: list[set[str]]
) -> tuple[float, float, float]:
    """Micro precision, recall and F1 of per-example decisions against the articles' gold sets."""
    predicted: dict[int, set[str]] = {}
    for on, k, name in zip(chosen, article, names, strict=True):
        if on:
            predicted.setdefault(k, set()).add(name)
    tp = sum(len(predicted.get(k, set()) & g) for k, g in enumerate(gold))
    n_pred = sum(len(v) for v in predicted.values())
    n_gold = sum(len(g) for g in gold)
    p, r = (tp / n_pred if n_pred else 1.0), (tp / n_gold if n_gold else 1.0)
    return p, r, f1(p, r)


@click.command()
@click.option(
    "--shared", type=click.Path(path_type=Path, file_okay=False), default=REPO.parent / "shared", show_default=True
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=REPO / "indexer" / "geo" / "data" / "salience.json",
    show_default=True,
)
def main(shared: Path, out: Path) -> None:
    """Cross-validate, fit on TRAIN and DEV, and save the model."""
    labels = [label for split in SPLITS for label in split_labels(split)]
    rows, about, article, names, gold = examples(labels, shared)
    click.echo(f"{len(labels)} articles ({', '.join(SPLITS)}), {len(rows)} weighed provinces, {about.mean():.2f} about")
    rules = np.asarray([row.get("rules", 0.0) > 0 for row in rows])
    p, r, f = figures(rules, article, names, gold)
    click.echo(f"  score rules:           P {p:.3f} R {r:.3f} F1 {f:.3f}")
    folds = list(GroupKFold(5).split(rows, about, article))
    f, c, t = choose(
        rows, about, folds, C_GRID, THRESHOLDS, lambda chosen: figures(chosen, article, names, gold), MIN_EXAMPLES
    )
    click.echo(f"  chosen: C={c}, threshold {t} (cross-validated F1 {f:.3f})")
    trained_on = f"{len(labels)} articles of the {' and '.join(SPLITS)} splits, C={c}"
    model = shipped(*fit(rows, about, c, MIN_EXAMPLES), t, trained_on)
    model.save(out)
    click.echo(f"saved {len(model.weights)} weights to {out}")


if __name__ == "__main__":
    main()
