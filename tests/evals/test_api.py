"""The public API of ``evals``: what it exports, and that importing the CLI stays light."""

import subprocess
import sys

import evals


def test_the_public_api_is_pinned() -> None:
    assert evals.__all__ == [
        "METRICS", "Dataset", "DatasetError", "Item", "LangChainBaseline", "QuestionResult", "Report", "Scores",
        "add_eval_parser", "load_dataset", "prepare_index", "run",
    ]  # fmt: skip
    for name in set(evals.__all__) - {"METRICS"}:
        assert getattr(evals, name).__module__.startswith("evals."), name
    assert evals.METRICS[0].key == "hit_at_1"


def test_importing_the_cli_loads_neither_the_index_nor_the_models() -> None:
    heavy = ("knowledge.index", "chromadb", "torch", "langchain_core")
    code = f"import sys, evals.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
