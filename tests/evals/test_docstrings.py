"""The usage examples in the evals docstrings stay true (those marked SKIP need a model or an index)."""

import doctest
import importlib

import pytest

MODULES = [
    "evals",
    "evals.baseline",
    "evals.dataset",
    "evals.matching",
    "evals.metrics.answers",
    "evals.metrics.citations",
    "evals.metrics.latency",
    "evals.metrics.retrieval",
    "evals.report",
    "evals.text_report",
    "evals.thresholds",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} shows no runnable example"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
