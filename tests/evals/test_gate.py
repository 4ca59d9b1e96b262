"""The CI gates: the release and licences datasets, answered with the real bundled model, stay above
their thresholds."""

from functools import partial
from pathlib import Path

import pytest

from assistant import ask
from evals import load_dataset, prepare_index, run
from evals.suite import write_reports
from evals.thresholds import GATES, broken_bounds
from knowledge.embedding import Embedder


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GATES))
def test_scores_stay_above_the_gate(name: str, tmp_path: Path, real_embedder: Embedder) -> None:
    dataset = load_dataset(name)
    index = prepare_index(dataset, tmp_path / "index", embedder=real_embedder)
    report = run(dataset, ask=partial(ask, index=index), k=5, documents=index.get_document)
    write_reports(tmp_path, dataset, [report])
    broken = broken_bounds(report.scores, GATES[name])
    failed = ", ".join(f"{r.id} ({'; '.join(r.problems)})" for r in report.failures)
    assert not broken, "\n".join([*broken, f"failed questions: {failed}", f"details: {tmp_path / 'report.html'}"])
