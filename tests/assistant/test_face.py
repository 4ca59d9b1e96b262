"""The assistant's face: what other packages build on, importable from ``assistant`` itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import assistant


def test_public_api_is_pinned() -> None:
    """The face other packages build on: a change here is a change to the contract (docs/ARCHITECTURE.md)."""
    assert sorted(assistant.__all__) == sorted(
        [
            "ANSWERERS",
            "FEATURES",
            "Answer",
            "Answerer",
            "Citation",
            "ConfigError",
            "Draft",
            "ExtractiveAnswerer",
            "FittedModel",
            "Pipeline",
            "PressroomError",
            "Question",
            "QuestionError",
            "Quote",
            "Rules",
            "SentenceCheck",
            "analyse",
            "ask",
            "ask_stream",
            "build_chain",
            "check_inputs",
            "get_answerer",
            "save_model",
            "vector",
            "weights_path",
        ]
    )


def test_every_exported_name_is_there() -> None:
    for name in assistant.__all__:
        assert getattr(assistant, name) is not None, name


def test_importing_the_assistant_loads_no_heavy_library() -> None:
    code = (
        "import sys, assistant\n"
        "print(sorted(m for m in ('torch', 'chromadb', 'langchain_core', 'sentence_transformers') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    )
    assert result.stdout.strip() == "[]"
