"""Whether an article is about a province it names: a logistic regression over the tagger's evidence.

The tagger weighs each mention by rules (field, locating cues, hometowns, clubs...). Which of the
weighed provinces the article is *about* is then decided by a model trained on hand labels
(`python -m bench.salience`, labels in `tests/data/`): it reads the rules' evidence together with
the words around each mention and the title's and sapo's words, which tell a price quoted "tại
TP.HCM" or a national meeting held in the capital from the scene of the news.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["Salience", "Signal"]

_FILE = "salience.json"
Features = dict[str, float]


@dataclass(frozen=True, slots=True)
class Signal:
    """One feature's share of a decision: its name and what it added to the log-odds."""

    feature: str
    weight: float


@dataclass(frozen=True, slots=True)
class Salience:
    """A trained linear model: feature weights, an intercept and the probability that tags."""

    weights: dict[str, float]
    intercept: float
    threshold: float
    trained_on: str

    @classmethod
    def load(cls, path: Path | None = None) -> Salience:
        """The model saved at path, or the one shipped with the package."""
        if path is None:
            text = resources.files("indexer.geo").joinpath("data", _FILE).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return cls.from_json(text)

    @classmethod
    def from_json(cls, text: str) -> Salience:
        """A model from its saved JSON (any linear model of this shape: the stories' pair model too)."""
        data = json.loads(text)
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            trained_on=str(data.get("trained_on", "")),
        )

    @staticmethod
    @functools.cache
    def shipped() -> Salience:
        """The model shipped with the package, read once per process."""
        return Salience.load()

    def save(self, path: Path) -> None:
        """Write as JSON, features sorted, so that a retrained model diffs readably."""
        data = {
            "trained_on": self.trained_on,
            "threshold": self.threshold,
            "intercept": self.intercept,
            "weights": dict(sorted(self.weights.items())),
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def weigh(self, features: Features) -> float:
        """The features' part of the log-odds (no intercept): an article's own features are
        weighed once and added to each province's."""
        weights = self.weights
        return sum(weights.get(name, 0.0) * value for name, value in features.items())

    def logit(self, features: Features) -> float:
        """The log-odds that the article is about the province."""
        return self.intercept + self.weigh(features)

    @staticmethod
    def logistic(z: float) -> float:
        """The probability of a log-odds."""
        # exp of a large positive z overflows; the two forms are the same function.
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def probability(self, features: Features) -> float:
        """The probability that the article is about the province."""
        return self.logistic(self.logit(features))

    def about(self, features: Features) -> bool:
        """True when the probability reaches the threshold."""
        return self.probability(features) >= self.threshold

    def signals(self, features: Features, limit: int = 4) -> tuple[Signal, ...]:
        """The features that moved the decision most, strongest first."""
        shares = [(name, self.weights.get(name, 0.0) * value) for name, value in features.items()]
        shares = [(name, w) for name, w in shares if w]
        shares.sort(key=lambda s: (-abs(s[1]), s[0]))
        return tuple(Signal(name, round(w, 2)) for name, w in shares[:limit])
