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

from assistant.analysis import analyse
from assistant.chain import get_answerer
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
                int(item.answerable and c.source == item.source and any(c.start < e and s < c.end for s, e in spans)) for c in scored
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


def outcomes(questions: Sequence[Question], model: FittedModel, rules: Rules | None = None) -> list[tuple[Item, float | None, bool]]:
    """For each question, the best sentence's logit (None when a rule refused) and whether the answer is right."""
    result = []
    raw = replace(model, calibration=(1.0, 0.0), bar=0.0)  # confidence = sigmoid(logit): the logit can be read back
    for question in questions:
        answerer = _answerer(question.index)
        answerer.model, answerer.rules = raw, rules or Rules()
        draft = answerer.answer(question.item.question, question.item.question, question.passages)
        if draft.abstained or draft.confidence is None:
            result.append((question.item, None, False))
            continue
        p = min(max(draft.confidence, 1e-9), 1 - 1e-9)
        right = question.item.answerable and answer_matches(draft.text, question.item.answers)
        result.append((question.item, math.log(p / (1 - p)), right))
    return result


def calibrate(results: Sequence[tuple[Item, float | None, bool]]) -> tuple[float, float]:
    """Platt scaling: (slope, offset) such that sigmoid(slope * logit + offset) = P(the answer is right)."""
    import numpy
    from sklearn.linear_model import LogisticRegression

    answered = [(logit, right) for _, logit, right in results if logit is not None]
    x = numpy.array([[logit] for logit, _ in answered])
    y = numpy.array([int(right) for _, right in answered])
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(x, y)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def utility(results: Sequence[tuple[Item, float | None, bool]], model: FittedModel, bar: float) -> float:
    total = 0.0
    for item, logit, right in results:
        answers = logit is not None and model.confidence(logit) >= bar
        if answers:
            total += 1.0 if right else -WRONG
        else:
            total += -WRONG if item.answerable else 1.0
    return total


def choose_bar(results: Sequence[tuple[Item, float | None, bool]], model: FittedModel) -> float:
    """The bar with the best utility; among ties, the middle of the best plateau."""
    grid = [round(0.02 * step, 2) for step in range(1, 50)]
    scores = [utility(results, model, bar) for bar in grid]
    best = max(scores)
    plateau = [bar for bar, score in zip(grid, scores) if score == best]
    return plateau[len(plateau) // 2]


def measure_rules(questions: Sequence[Question], model: FittedModel) -> dict[str, dict[str, float]]:
    """Each hand-written rule switched off in turn: right answers, right refusals and utility over the questions."""
    effects = {}
    for rule in ("all on", *(f.name for f in fields(Rules))):
        rules = Rules() if rule == "all on" else replace(Rules(), **{rule: False})
        results = outcomes(questions, model, rules)
        effects[rule if rule == "all on" else f"{rule} off"] = {
            "right answers": sum(1 for _, logit, ok in results if ok and logit is not None and model.confidence(logit) >= model.bar),
            "utility": utility(results, model, model.bar),
        }
    return effects


def fitted_model(questions: Sequence[Question], features: Sequence[str], names: Sequence[str]) -> tuple[FittedModel, list]:
    """Weights, calibration and bar fitted on ``questions``, and the training outcomes under them."""
    weights, intercept = fit_weights(questions, features)
    model = FittedModel(tuple(features), weights, intercept, (1.0, 0.0), 0.0, tuple(names))
    results = outcomes(questions, model)
    model = replace(model, calibration=calibrate(results))
    return replace(model, bar=choose_bar(results, model)), results


def cross_validate(questions: Sequence[Question], features: Sequence[str]) -> dict[str, float]:
    """Leave one training set out at a time: fit on the others, score the one left out; summed over sets."""
    totals = {"right answers": 0.0, "right refusals": 0.0, "wrong answers": 0.0, "false refusals": 0.0, "utility": 0.0}
    for held_out in dict.fromkeys(q.dataset for q in questions):
        train = [q for q in questions if q.dataset != held_out]
        test = [q for q in questions if q.dataset == held_out]
        model, _ = fitted_model(train, features, ())
        for item, logit, right in outcomes(test, model):
            answers = logit is not None and model.confidence(logit) >= model.bar
            key = ("right answers" if right else "wrong answers") if answers else ("false refusals" if item.answerable else "right refusals")
            totals[key] += 1
        totals["utility"] += utility(outcomes(test, model), model, model.bar)
    return totals


# Feature sets compared by ``--compare`` (leave-one-set-out), to show what each kind of evidence is worth.
VARIANTS = {
    "all features": FEATURES,
    "without the cross-encoder": tuple(f for f in FEATURES if not f.startswith("ce")),
    "without relative features": tuple(f for f in FEATURES if not f.endswith("_lead")),
    "cross-encoder, kind, rank only": ("ce", "ce_lead", "ce_passage", "kind", "rank", "unknown"),
}


def fit(names: Sequence[str], out: Path, compare: bool = False) -> FittedModel:
    datasets = [load_dataset(name) for name in names]
    with TemporaryDirectory(prefix="pressroom-fit-") as folder:
        questions = collect(datasets, Path(folder))
        if compare:
            for variant, features in VARIANTS.items():
                scores = cross_validate(questions, features)
                print(f"  {variant:32} " + ", ".join(f"{k} {v:g}" for k, v in scores.items()), file=sys.stderr, flush=True)
        model, results = fitted_model(questions, FEATURES, names)
        bar = model.bar
        right = sum(1 for _, logit, ok in results if ok and logit is not None and model.confidence(logit) >= bar)
        declined = sum(1 for item, logit, _ in results if not item.answerable and (logit is None or model.confidence(logit) < bar))
        notes = {
            "fitted": date.today().isoformat(),
            "questions": len(results),
            "candidates": sum(len(q.labels) for q in questions),
            "positives": sum(sum(q.labels) for q in questions),
            "right answers": right,
            "right refusals": declined,
            "utility": utility(results, model, bar),
            "how": "python -m evals.fit (logistic regression, Platt scaling, bar by utility; see evals/fit.py)",
        }
        model = replace(model, bar=bar, notes=notes)
        model = replace(model, notes={**notes, "rules": measure_rules(questions, model)})
    save_model(model, out)
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.fit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", action="append", metavar="NAME", help=f"training sets (default: {', '.join(TRAINING)})")
    parser.add_argument("--compare", action="store_true", help="first compare feature sets, leaving one training set out at a time")
    parser.add_argument("--out", type=Path, default=weights_path(), help="where to write the weights (default: the shipped file)")
    args = parser.parse_args(argv)
    names = args.dataset or list(TRAINING)
    if any("sealed" in name or name == "press" for name in names):
        parser.error("sealed and multi-release sets are for scoring only: fit on development, default and fresh sets")
    model = fit(names, args.out, args.compare)
    print(f"wrote {args.out}: bar {model.bar:.2f}, " + ", ".join(f"{k} {v}" for k, v in model.notes.items() if k not in ("how", "rules")))
    for rule, effect in model.notes.get("rules", {}).items():  # type: ignore[union-attr]
        print(f"  {rule:22} right answers {effect['right answers']}, utility {effect['utility']}")
    for name, weight in zip(model.features, model.weights):
        print(f"  {name:12} {weight:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
