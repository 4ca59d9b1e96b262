"""Pressroom's evaluation suite: score answers against known facts, offline and deterministically.

>>> import evals
>>> from pathlib import Path
>>> from functools import partial
>>> from assistant import ask
>>> dataset = evals.load_dataset("release")                       # or "licenses", or a path
>>> index = evals.prepare_index(dataset, Path("/tmp/eval"))        # doctest: +SKIP
>>> report = evals.run(dataset, ask=partial(ask, index=index), documents=index.get_document)  # doctest: +SKIP
>>> report.scores.accuracy, [r.id for r in report.failures]        # doctest: +SKIP
(0.958, ['rel-011', 'rel-022'])

From the command line: ``pressroom eval [--dataset NAME|PATH] [-k N] [--answerer NAME] [--baseline]``.
Datasets are described in ``evals/data/README.md``; metric formulas are in ``evals.metrics``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evals.baseline import LangChainBaseline
    from evals.cli import add_eval_parser
    from evals.dataset import Dataset, DatasetError, Item, load_dataset
    from evals.report import METRICS, Report, Scores
    from evals.runner import prepare_index, run
    from evals.scoring import QuestionResult

# Loaded on first use, so that ``pressroom --help`` (which adds the ``eval`` command) stays instant:
# name -> the module it lives in.
_HOMES = {
    "METRICS": "evals.report",
    "Dataset": "evals.dataset",
    "DatasetError": "evals.dataset",
    "Item": "evals.dataset",
    "LangChainBaseline": "evals.baseline",
    "QuestionResult": "evals.scoring",
    "Report": "evals.report",
    "Scores": "evals.report",
    "add_eval_parser": "evals.cli",
    "load_dataset": "evals.dataset",
    "prepare_index": "evals.runner",
    "run": "evals.runner",
}
# Written out (not ``sorted(_HOMES)``) so that linters and readers see what the face exports.
__all__ = [
    "METRICS",
    "Dataset",
    "DatasetError",
    "Item",
    "LangChainBaseline",
    "QuestionResult",
    "Report",
    "Scores",
    "add_eval_parser",
    "load_dataset",
    "prepare_index",
    "run",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'evals' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
