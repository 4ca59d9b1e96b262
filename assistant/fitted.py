"""The fitted answerer model: how each named feature of a candidate sentence counts, learned from data.

The weights are a logistic regression over the features of ``FEATURES``, fitted by
``python -m evals.fit`` on labelled question sets (a sentence is a positive when it holds a
support string of its question) and stored in ``assistant/data/answerer.json`` with the sets they
came from. A second, one-feature logistic regression (Platt scaling) turns the best sentence's
score into the probability that it answers the question: that is ``Answer.confidence``, and the
answerer declines below ``bar``, chosen on the same sets.

>>> model = load_model()
>>> model.features[:2]
('ce', 'ce_lead')
>>> 0.0 < model.confidence(model.logit(dict.fromkeys(model.features, 0.0))) < 1.0
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from knowledge import ConfigError

# The evidence about one candidate sentence, in the order the weights file lists them.
FEATURES = (
    "ce",  # the cross-encoder's logit for (question, "title: sentence")
    "ce_lead",  # that logit minus the best candidate's: 0 for the best, negative for the rest
    "ce_passage",  # the best logit among the sentences of the same passage (its context)
    "meaning",  # cosine similarity of question and sentence embeddings, on the model's own scale
    "meaning_lead",  # that similarity minus the best candidate's
    "words",  # share of the question's focus terms (IDF-weighted) the sentence holds
    "words_lead",  # that share minus the best candidate's
    "kind",  # +1 holds the kind of answer asked for (a date for "when"), -1 does not, 0 any kind will do
    "rank",  # 1 / (1 + the passage's rank)
    "other_time",  # 1 when the sentence is about another time than the question (the previous plan)
    "unknown",  # share of the question's focus terms that no indexed document holds (question-wide)
)
WEIGHTS_FILE = "answerer.json"


@dataclass(frozen=True)
class FittedModel:
    """Weights of the features, the calibration of the best score, and the bar for answering."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    intercept: float
    # confidence = sigmoid(slope * logit + offset + the weights below times the best sentence's features)
    calibration: tuple[float, float]  # (slope, offset)
    bar: float  # answer when the confidence is at least this, else decline
    trained_on: tuple[str, ...] = ()
    notes: Mapping[str, object] = field(default_factory=dict)
    calibrated_on: Mapping[str, float] = field(default_factory=dict)  # features of the best sentence, and their weights

    def __post_init__(self) -> None:
        if len(self.features) != len(self.weights):
            raise ConfigError(
                f"The answerer weights list {len(self.weights)} weights for {len(self.features)} features: "
                "refit with `python -m evals.fit`."
            )
        if not 0.0 <= self.bar <= 1.0:
            raise ConfigError(f"The answerer's bar must be a probability from 0 to 1, got {self.bar}.")

    def logit(self, values: Mapping[str, float]) -> float:
        """The score of one candidate: the weighted sum of its features (missing ones count 0)."""
        return self.intercept + sum(w * values.get(name, 0.0) for name, w in zip(self.features, self.weights))

    def confidence(self, best_logit: float, values: Mapping[str, float] | None = None) -> float:
        """The calibrated probability that the best-scoring sentence (its logit, its features) answers the question."""
        slope, offset = self.calibration
        extra = sum(w * (values or {}).get(name, 0.0) for name, w in self.calibrated_on.items())
        return _sigmoid(slope * best_logit + offset + extra)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["weights"] = dict(zip(self.features, self.weights))
        del data["features"]
        return data


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def model_from_dict(data: Mapping[str, object]) -> FittedModel:
    weights = dict(data["weights"])  # type: ignore[call-overload]
    unknown = sorted((set(weights) | set(dict(data.get("calibrated_on", {})))) - set(FEATURES))  # type: ignore[call-overload]
    if unknown:
        raise ConfigError(f"The answerer weights name unknown features {unknown}: refit with `python -m evals.fit`.")
    return FittedModel(
        features=tuple(weights),
        weights=tuple(float(w) for w in weights.values()),
        intercept=float(data["intercept"]),  # type: ignore[arg-type]
        calibration=tuple(float(x) for x in data["calibration"]),  # type: ignore[arg-type,union-attr]
        bar=float(data["bar"]),  # type: ignore[arg-type]
        trained_on=tuple(data.get("trained_on", ())),  # type: ignore[arg-type]
        notes=dict(data.get("notes", {})),  # type: ignore[call-overload]
        calibrated_on={str(k): float(v) for k, v in dict(data.get("calibrated_on", {})).items()},  # type: ignore[call-overload]
    )


def weights_path() -> Path:
    return Path(str(resources.files("assistant") / "data" / WEIGHTS_FILE))


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> FittedModel:
    """The fitted model at ``path`` (default: the one shipped in ``assistant/data/``)."""
    where = Path(path) if path else weights_path()
    try:
        return model_from_dict(json.loads(where.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(
            f"The answerer weights at {where} cannot be read ({error}): refit with `python -m evals.fit`."
        ) from None


def save_model(model: FittedModel, path: Path) -> None:
    path.write_text(json.dumps(model.as_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def vector(values: Mapping[str, float], features: Sequence[str] = FEATURES) -> list[float]:
    return [values.get(name, 0.0) for name in features]
