"""Fit the answerer: learn how its features combine, calibrate its confidence and choose its bar.

    python -m evals.fit                       # fit on TRAINING, write assistant/data/answerer.json
    python -m evals.fit --out /tmp/w.json     # somewhere else
    python -m evals.fit --dataset release-dev --dataset licenses-dev

1. Every training question is retrieved (with the cross-encoder) and every candidate sentence of its
   passages gets its named features (``assistant.fitted.FEATURES``); a candidate is a positive
   when it overlaps one of the question's support strings.
2. A logistic regression (scikit-learn, standardised features, L2) learns the feature weights.
3. With those weights the answerer answers every question (its remaining rules included); Platt
   scaling maps the best sentence's score to the probability that the answer is right (the
   accepted answers occur in it, as ``evals`` scores accuracy).
4. The bar maximises right answers plus right refusals, minus half a point for each wrong answer
   and each wrong refusal, over the training questions.

Sealed and multi-release sets are never fitted on: they are for scoring only.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

from assistant import get_answerer
from assistant.analysis import analyse
from assistant.extractive import ExtractiveAnswerer, Rules
from assistant.fitted import FEATURES, FittedModel, save_model, vector, weights_path
from evals.dataset import Dataset, Item, load_dataset
from evals.matching import answer_matches
from evals.runner import prepare_index
from evals.scoring import support_spans_of
from knowledge.index import Index

# The sets whose failures have been read, or that were written for tuning: never the sealed ones.
TRAINING = (
    "release",
    "release-dev",
    "release-fresh",
    "release-fresh2",
    "licenses",
    "licenses-dev",
    "licenses-fresh",
    "licenses-fresh2",
)
K = 5
HAND_WEIGHTED_ONLY = (
    "unmistakable",
    "owner",
)  # rules the fitted route no longer applies (see assistant.extractive.Rules)
WRONG = 0.5  # cost of a wrong answer or a wrong refusal, against 1 for a right one


@dataclass(frozen=True)
class Question:
    """One training question: its candidates' features and labels, and what the answerer needs to answer it."""

    dataset: str
    item: Item
    index: Index
    passages: tuple
    vectors: tuple[tuple[float, ...], ...]
    labels: tuple[int, ...]


def collect(datasets: Sequence[Dataset], folder: Path) -> list[Question]:
    """Features and labels of every candidate of every question (one index per set of documents)."""
    indexes: dict[tuple[Path, ...], Index] = {}
    questions = []
    for dataset in datasets:
        if dataset.documents not in indexes:
            indexes[dataset.documents] = prepare_index(dataset, folder / f"index-{len(indexes)}")
        index = indexes[dataset.documents]
        answerer = _answerer(index)
        for item in dataset.items:
            passages = tuple(index.search(item.question, k=K))
            analysis = analyse(item.question, item.question, answerer.frequencies, answerer.unnamed)
            candidates = answerer.candidates(passages, headings=analysis.kind.value != "any")
            if not candidates:
                continue
            scored = answerer.score(analysis, candidates, passages, answerer.model)
            spans = support_spans_of(item, lambda source: index.get_document(source).text)
            labels = tuple(
                int(item.answerable and c.source == item.source and any(c.start < e and s < c.end for s, e in spans))
                for c in scored
            )
            vectors = tuple(tuple(vector(dict(c.features))) for c in scored)
            questions.append(Question(dataset.name, item, index, passages, vectors, labels))
        print(f"  {dataset.name}: {len(dataset.items)} questions", file=sys.stderr, flush=True)
    return questions


def _answerer(index: Index) -> ExtractiveAnswerer:
    answerer = get_answerer(index, "extractive")
    assert isinstance(answerer, ExtractiveAnswerer) and answerer.model is not None, "the fit needs the cross-encoder"
    return answerer


def fit_weights(questions: Sequence[Question], features: Sequence[str] = FEATURES) -> tuple[tuple[float, ...], float]:
    """Weights (in the features' own units) and intercept of a logistic regression over every candidate."""
    import numpy
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    columns = [FEATURES.index(name) for name in features]
    x = numpy.array([v for q in questions for v in q.vectors])[:, columns]
    y = numpy.array([label for q in questions for label in q.labels])
    scaler = StandardScaler().fit(x)
    scale = numpy.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    regression = LogisticRegression(C=1.0, max_iter=1000).fit((x - scaler.mean_) / scale, y)
    weights = regression.coef_[0] / scale  # undo the standardisation, so the file reads in raw units
    intercept = float(regression.intercept_[0] - numpy.sum(regression.coef_[0] * scaler.mean_ / scale))
    return tuple(float(w) for w in weights), intercept


def fit_choice(questions: Sequence[Question], features: Sequence[str] = FEATURES) -> tuple[tuple[float, ...], float]:
    """Weights of a choice model (conditional logit): over each question's candidates, the softmax of
    their scores should put its mass on the ones that hold the support. It learns to pick among
    candidates, not to judge one alone; how sure to be is left to the calibration."""
    import numpy
    from scipy.optimize import minimize
    from scipy.special import logsumexp, softmax

    columns = [FEATURES.index(name) for name in features]
    groups = [(numpy.array(q.vectors)[:, columns], numpy.array(q.labels, dtype=bool)) for q in questions]
    groups = [(x, y) for x, y in groups if y.any() and not y.all()]
    stacked = numpy.vstack([x for x, _ in groups])
    mean, scale = stacked.mean(axis=0), numpy.where(stacked.std(axis=0) > 0, stacked.std(axis=0), 1.0)
    groups = [((x - mean) / scale, y) for x, y in groups]
    penalty = 1.0  # L2, as the logistic regression's C=1

    def loss(w: numpy.ndarray) -> tuple[float, numpy.ndarray]:
        value, gradient = 0.5 * penalty * w @ w, penalty * w
        for x, y in groups:
            scores = x @ w
            value += logsumexp(scores) - logsumexp(scores[y])
            gradient = gradient + softmax(scores) @ x - softmax(scores[y]) @ x[y]
        return float(value), gradient

    result = minimize(loss, numpy.zeros(len(columns)), jac=True, method="L-BFGS-B")
    weights = result.x / scale
    return tuple(float(w) for w in weights), float(-(weights @ mean))


@dataclass(frozen=True)
class Outcome:
    """What the answerer did with one question under some weights: the best sentence's score and
    features (no score when a rule declined), and whether the answer it gives is right."""

    item: Item
    logit: float | None
    right: bool
    evidence: dict[str, float]


def outcomes(questions: Sequence[Question], model: FittedModel, rules: Rules | None = None) -> list[Outcome]:
    """For each question, the answerer's outcome under ``model``'s weights (with no bar and no calibration)."""
    result = []
    raw = replace(model, calibration=(1.0, 0.0), calibrated_on={}, bar=0.0)  # confidence = sigmoid(logit)
    for question in questions:
        answerer = _answerer(question.index)
        answerer.model, answerer.rules = raw, rules or Rules()
        draft = answerer.answer(question.item.question, question.item.question, question.passages)
        if draft.abstained or draft.confidence is None:
            result.append(Outcome(question.item, None, False, {}))
            continue
        p = min(max(draft.confidence, 1e-9), 1 - 1e-9)
        right = question.item.answerable and answer_matches(draft.text, question.item.answers)
        result.append(Outcome(question.item, math.log(p / (1 - p)), right, dict(draft.evidence)))
    return result


def calibrate(results: Sequence[Outcome], on: Sequence[str] = ()) -> tuple[tuple[float, float], dict[str, float]]:
    """Platt scaling, on the best sentence's score and optionally some of its features: the
    (slope, offset) and the features' weights such that the sigmoid is P(the answer is right)."""
    import numpy
    from sklearn.linear_model import LogisticRegression

    answered = [o for o in results if o.logit is not None]
    x = numpy.array([[o.logit, *(o.evidence.get(name, 0.0) for name in on)] for o in answered])
    y = numpy.array([int(o.right) for o in answered])
    platt = LogisticRegression(C=1e4, max_iter=5000).fit(x, y)
    coefficients = [float(c) for c in platt.coef_[0]]
    return (coefficients[0], float(platt.intercept_[0])), dict(zip(on, coefficients[1:]))


def confidence(model: FittedModel, outcome: Outcome) -> float | None:
    return None if outcome.logit is None else model.confidence(outcome.logit, outcome.evidence)


def answers(model: FittedModel, outcome: Outcome, bar: float | None = None) -> bool:
    value = confidence(model, outcome)
    return value is not None and value >= (model.bar if bar is None else bar)


def utility(results: Sequence[Outcome], model: FittedModel, bar: float) -> float:
    total = 0.0
    for outcome in results:
        if answers(model, outcome, bar):
            total += 1.0 if outcome.right else -WRONG
        else:
            total += -WRONG if outcome.item.answerable else 1.0
    return total


def choose_bar(results: Sequence[Outcome], model: FittedModel) -> float:
    """The bar with the best utility; among ties, the middle of the best plateau."""
    grid = [round(0.02 * step, 2) for step in range(1, 50)]
    scores = [utility(results, model, bar) for bar in grid]
    best = max(scores)
    plateau = [bar for bar, score in zip(grid, scores) if score == best]
    return plateau[len(plateau) // 2]


def tally(results: Sequence[Outcome], model: FittedModel) -> dict[str, float]:
    """Right and wrong answers and refusals at the model's bar, and the utility."""
    counts = {"right answers": 0.0, "right refusals": 0.0, "wrong answers": 0.0, "false refusals": 0.0}
    for outcome in results:
        if answers(model, outcome):
            counts["right answers" if outcome.right else "wrong answers"] += 1
        else:
            counts["false refusals" if outcome.item.answerable else "right refusals"] += 1
    return {**counts, "utility": utility(results, model, model.bar)}


def measure_rules(questions: Sequence[Question], model: FittedModel) -> dict[str, dict[str, float]]:
    """Each hand-written rule switched off in turn: what the answers come to over the questions."""
    effects = {}
    for rule in ("all on", *(f.name for f in fields(Rules) if f.name not in HAND_WEIGHTED_ONLY)):
        rules = Rules() if rule == "all on" else replace(Rules(), **{rule: False})
        effects[rule if rule == "all on" else f"{rule} off"] = tally(outcomes(questions, model, rules), model)
    return effects


def fitted_model(
    questions: Sequence[Question],
    features: Sequence[str],
    names: Sequence[str],
    calibrated_on: Sequence[str] = (),
    choice: bool = False,
) -> tuple[FittedModel, list[Outcome]]:
    """Weights (a per-candidate logistic regression, or with ``choice`` a choice model), calibration
    and bar fitted on ``questions``, and the training outcomes under them."""
    weights, intercept = (fit_choice if choice else fit_weights)(questions, features)
    model = FittedModel(tuple(features), weights, intercept, (1.0, 0.0), 0.0, tuple(names))
    results = outcomes(questions, model)
    calibration, extra = calibrate(results, calibrated_on)
    model = replace(model, calibration=calibration, calibrated_on=extra)
    return replace(model, bar=choose_bar(results, model)), results


def cross_validate(
    questions: Sequence[Question], features: Sequence[str], calibrated_on: Sequence[str] = (), choice: bool = False
) -> dict[str, float]:
    """Leave one training set out at a time: fit on the others, score the one left out; summed over sets."""
    totals: dict[str, float] = {}
    for held_out in dict.fromkeys(q.dataset for q in questions):
        train = [q for q in questions if q.dataset != held_out]
        test = [q for q in questions if q.dataset == held_out]
        model, _ = fitted_model(train, features, (), calibrated_on, choice)
        for key, value in tally(outcomes(test, model), model).items():
            totals[key] = totals.get(key, 0.0) + value
    return totals


# What ``--compare`` tries (leave-one-set-out), to show what each kind of evidence is worth:
# (features of the candidate score, features of the best sentence the confidence also reads, choice model?).
ABSOLUTE = ("ce", "meaning", "words", "kind", "rank", "other_time", "unknown")
VARIANTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "all features": (FEATURES, (), False),
    "without the cross-encoder": (tuple(f for f in FEATURES if not f.startswith("ce")), (), False),
    "without relative features": (tuple(f for f in FEATURES if not f.endswith("_lead")), (), False),
    "confidence also reads ce": (FEATURES, ("ce",), False),
    "choice model, confidence on the score": (FEATURES, (), True),
    "choice model, confidence on absolute evidence": (FEATURES, ABSOLUTE, True),
    "choice model without the cross-encoder": (
        tuple(f for f in FEATURES if not f.startswith("ce")),
        ABSOLUTE[1:],
        True,
    ),
}
# The shipped model: its features, what its confidence reads besides the score, and whether it is a
# choice model. Left one set out (2026-12-07, 382 questions), the choice models beat the per-candidate
# regression (utility 287.5-293.5 against 275.5; right answers 266-270 against 254). Among them, the
# one without the cross-encoder's features scored 293.5 and this one 292: one question moves 1 to 1.5
# points, so that is a tie, and this one gives the fewest wrong answers (41 against 45) and keeps
# the cross-encoder, a model that no question here was written for.
SHIPPED = VARIANTS["choice model, confidence on absolute evidence"]


def fit(names: Sequence[str], out: Path, compare: bool = False) -> FittedModel:
    datasets = [load_dataset(name) for name in names]
    with TemporaryDirectory(prefix="pressroom-fit-") as folder:
        questions = collect(datasets, Path(folder))
        comparison = {}
        for variant, (features, on, choice) in VARIANTS.items() if compare else ():
            comparison[variant] = scores = cross_validate(questions, features, on, choice)
            print(f"  {variant:46} " + ", ".join(f"{k} {v:g}" for k, v in scores.items()), file=sys.stderr, flush=True)
        features, on, choice = SHIPPED
        model, results = fitted_model(questions, features, names, on, choice)
        notes = {
            "fitted": date.today().isoformat(),
            "questions": len(results),
            "candidates": sum(len(q.labels) for q in questions),
            "positives": sum(sum(q.labels) for q in questions),
            **tally(results, model),
            "variant": next(name for name, variant in VARIANTS.items() if variant == SHIPPED),
            "how": "python -m evals.fit (a choice model or a logistic regression, Platt scaling, bar by utility)",
        }
        if comparison:
            notes["leave one set out"] = comparison
        model = replace(model, notes={**notes, "rules": measure_rules(questions, model)})
    save_model(model, out)
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.fit", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset", action="append", metavar="NAME", help=f"training sets (default: {', '.join(TRAINING)})"
    )
    parser.add_argument(
        "--compare", action="store_true", help="also compare the VARIANTS, leaving one training set out at a time"
    )
    parser.add_argument(
        "--out", type=Path, default=weights_path(), help="where to write the weights (default: the shipped file)"
    )
    args = parser.parse_args(argv)
    names = args.dataset or list(TRAINING)
    if any("sealed" in name or name == "press" for name in names):
        parser.error("sealed and multi-release sets are for scoring only: fit on development, default and fresh sets")
    model = fit(names, args.out, args.compare)
    shown = {k: v for k, v in model.notes.items() if not isinstance(v, dict) and k != "how"}
    print(f"wrote {args.out}: bar {model.bar:.2f}, " + ", ".join(f"{k} {v}" for k, v in shown.items()))
    for rule, effect in model.notes.get("rules", {}).items():  # type: ignore[union-attr]
        print(f"  {rule:22} " + ", ".join(f"{k} {v:g}" for k, v in effect.items()))
    for name, weight in zip(model.features, model.weights):
        print(f"  {name:12} {weight:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
