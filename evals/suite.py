"""One evaluation as ``pressroom eval`` runs it: a run folder, a fresh index, the runs, the three reports.

Everything a run writes goes into ``PRESSROOM_HOME/evals/<timestamp>-<dataset>/``: the index of
the dataset's documents (``index/``), ``report.json``, ``report.md`` and ``report.html``.

>>> evaluation = evaluate(load_dataset("release"), baseline=True)   # doctest: +SKIP
>>> evaluation.folder / "report.html"                               # doctest: +SKIP
PosixPath('/home/me/.local/share/pressroom/evals/20250101-120000-release/report.html')
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from evals.dataset import Dataset
from evals.html_report import html_page
from evals.report import Report
from evals.runner import prepare_index, run
from evals.text_report import markdown
from knowledge import default_home

Progress = Callable[[str, int, int], None]  # (system, questions done, total)


@dataclass(frozen=True)
class Evaluation:
    """The reports of one dataset (Pressroom first, then the baseline if asked) and where they were written."""

    dataset: Dataset
    folder: Path
    reports: tuple[Report, ...]


def run_folder(dataset_name: str, home: Path | None = None) -> Path:
    """A new, empty folder ``<home>/evals/<YYYYmmdd-HHMMSS>-<dataset>`` (``-2``, ``-3``... if taken)."""
    slug = re.sub(r"[^\w.-]+", "-", dataset_name).strip("-.") or "dataset"
    base = (home or default_home()) / "evals" / f"{datetime.now():%Y%m%d-%H%M%S}-{slug}"
    folder, number = base, 2
    while folder.exists():
        folder, number = base.with_name(f"{base.name}-{number}"), number + 1
    folder.mkdir(parents=True)
    return folder


def evaluate(
    dataset: Dataset,
    k: int = 5,
    answerer: str = "extractive",
    baseline: bool = False,
    home: Path | None = None,
    progress: Progress | None = None,
    rerank: bool = True,
    without_rerank: bool = False,
) -> Evaluation:
    """Score Pressroom (and the LangChain baseline) on ``dataset`` and write the reports.

    A named dataset is answered from a fresh index of its own documents, built in the run
    folder; a dataset given by path is answered from the index under ``PRESSROOM_HOME``.
    ``rerank=False`` scores Pressroom without its cross-encoder; ``without_rerank`` adds that
    run beside the reranked one (system ``pressroom-no-rerank``).
    """
    from assistant import ask

    folder = run_folder(dataset.name, home)
    index = prepare_index(dataset, folder / "index")
    name = "pressroom" if answerer == "extractive" else f"pressroom-{answerer}"
    plain = f"{name}-no-rerank"
    runs = [(name if rerank else plain, rerank)] + ([(plain, False)] if without_rerank and rerank else [])
    reports = [
        run(
            dataset,
            ask=partial(ask, index=index, answerer=answerer, rerank=reranked),
            k=k,
            documents=index.get_document,
            system=system,
            progress=partial(progress, system) if progress else None,
        )
        for system, reranked in runs
    ]
    if baseline:
        from evals.baseline import LangChainBaseline

        documents = [index.get_document(info.source) for info in index.sources()]
        # The model itself, not the index's wrapper: its cache of query vectors, filled by the run
        # above, would make the recipe's latency look ten times better than its own embedding is.
        with LangChainBaseline(documents, getattr(index.embedder, "inner", index.embedder)) as recipe:
            reports.append(
                run(
                    dataset,
                    ask=recipe,
                    k=k,
                    documents=index.get_document,
                    system=recipe.name,
                    progress=partial(progress, recipe.name) if progress else None,
                )
            )
    write_reports(folder, dataset, reports)
    return Evaluation(dataset, folder, tuple(reports))


def write_reports(folder: Path, dataset: Dataset, reports: Sequence[Report]) -> None:
    """Write ``report.json``, ``report.md`` and ``report.html`` for the reports of one dataset."""
    data = {
        "dataset": dataset.name,
        "path": str(dataset.path),
        "documents": [str(path) for path in dataset.documents],
        "systems": [report.as_dict() for report in reports],
    }
    (folder / "report.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (folder / "report.md").write_text(markdown(reports), encoding="utf-8")
    (folder / "report.html").write_text(html_page(reports), encoding="utf-8")
