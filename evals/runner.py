"""Running a dataset: ask every question, time it, score it, and sum the results up in a ``Report``.

>>> from functools import partial
>>> from assistant import ask
>>> dataset = load_dataset("release")
>>> index = prepare_index(dataset, Path("/tmp/eval-index"))              # doctest: +SKIP
>>> report = run(dataset, ask=partial(ask, index=index), documents=index.get_document)   # doctest: +SKIP
>>> report.scores.accuracy                                                # doctest: +SKIP
0.958
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.dataset import Dataset, DatasetError, check_support, load_dataset
from evals.report import Report, Scores
from evals.scoring import QuestionResult, failed_question, score_question
from knowledge import (
    Document,
    Embedder,
    Index,
    PressroomError,
    QuestionError,
    Settings,
    check_k,
    default_index,
)

# Anything called like ``assistant.ask(question, k=k)`` that returns an ``Answer``-shaped object.
AskFunction = Callable[..., Any]
DocumentLookup = Callable[[str], Document]
Progress = Callable[[int, int], None]  # (questions done, total)


def run(
    dataset: Dataset | str | Path,
    ask: AskFunction | None = None,
    k: int = 5,
    documents: DocumentLookup | None = None,
    system: str = "pressroom",
    progress: Progress | None = None,
) -> Report:
    """Ask every question of ``dataset`` (a ``Dataset``, a name or a path) and score the answers.

    ``ask`` defaults to ``assistant.ask`` on the index under ``PRESSROOM_HOME``, and
    ``documents`` (the stored texts that quotes and supports are checked against) to
    ``knowledge.get_document``; pass both for another index (see ``prepare_index``). The first
    question is asked once untimed before the run, so that model loading is not counted as
    latency. A question on which ``ask`` raises a ``PressroomError`` is scored as an error.

    >>> report = run("release", ask=my_ask, k=5)      # doctest: +SKIP
    >>> report.scores.hit_at_k                         # doctest: +SKIP
    1.0
    """
    dataset = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
    k = check_k(k)
    if ask is None:
        from assistant import ask
    if documents is None:
        from knowledge import get_document as documents
    texts = _TextCache(documents)
    check_support(dataset, documents)
    try:  # warm-up: loads models and fills caches, so that latency measures answering only
        ask(dataset.items[0].question, k=k)
    except QuestionError:
        pass  # a problem of that one question, scored as an error below; any other error stops the run here
    started = datetime.now(UTC).replace(microsecond=0).isoformat()
    began = time.perf_counter()
    results: list[QuestionResult] = []
    for number, item in enumerate(dataset.items, 1):
        clock = time.perf_counter()
        try:
            answer = ask(item.question, k=k)
        except PressroomError as error:
            results.append(failed_question(item, str(error), time.perf_counter() - clock))
        else:
            results.append(score_question(item, answer, time.perf_counter() - clock, texts.get))
        if progress:
            progress(number, len(dataset.items))
    scores = Scores.from_results(results, k)
    return Report(dataset.name, system, k, scores, tuple(results), time.perf_counter() - began, started)


class _TextCache:
    """Document texts by source, fetched once; None for a source that cannot be found."""

    def __init__(self, documents: DocumentLookup) -> None:
        self._documents, self._texts = documents, {}  # type: ignore[var-annotated]

    def get(self, source: str) -> str | None:
        if source not in self._texts:
            try:
                self._texts[source] = self._documents(source).text
            except PressroomError:
                self._texts[source] = None
        return self._texts[source]


def prepare_index(dataset: Dataset, folder: Path, embedder: Embedder | None = None) -> Index:
    """A fresh index in ``folder`` holding exactly the dataset's documents.

    A dataset given by path names no documents: it is answered from the current index under
    ``PRESSROOM_HOME``, which is returned as it is. The fresh index is always local, even when
    ``PRESSROOM_CHROMA_URL`` is set, because preparing it empties it first.

    >>> index = prepare_index(load_dataset("licenses"), Path("/tmp/licences-index"))   # doctest: +SKIP
    >>> len(index.sources())                                                         # doctest: +SKIP
    10
    """
    if not dataset.documents:
        return default_index()
    index = Index(Settings(home=folder, model=Settings.from_env().model), embedder=embedder)
    index.reset()  # empty, so that the bundled release is not added to a corpus that lacks it
    report = index.ingest(dataset.documents)
    if report.errors:
        raise DatasetError(f"The documents of the {dataset.name} dataset could not all be indexed: {report.errors[0]}")
    return index
