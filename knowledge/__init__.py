"""Pressroom's knowledge layer: from document files to passages with exact offsets.

>>> from knowledge import retrieve
>>> passages = retrieve("When was the plan launched?", k=3)   # doctest: +SKIP
>>> passages[0].text[:40]                                      # doctest: +SKIP
'Mali Launches a National Action Plan to '

Nothing heavy is imported here: Chroma and sentence-transformers load on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.config import Settings
from knowledge.errors import (
    BusyError,
    ConfigError,
    IndexEmptyError,
    IngestError,
    ModelError,
    NotFoundError,
    PressroomError,
    QuestionError,
    StoreError,
)
from knowledge.index import Index, default_index, forget_default_indexes
from knowledge.types import Chunk, Document, IngestReport, Passage, Progress, SourceInfo

if TYPE_CHECKING:
    from knowledge.archive import export_archive, import_archive
    from knowledge.archive_reading import read_archive
    from knowledge.checks import brief, check_k, check_question
    from knowledge.chunking import CHUNKER_VERSION, chunk_document, embedding_text, sentences_of
    from knowledge.config import default_home
    from knowledge.crossencoder import OnnxCrossEncoder, Reranker, bundled_folder
    from knowledge.embedding import Embedder, get_embedder
    from knowledge.language import detect_language, language_at, language_name
    from knowledge.model_thread import forget_query_vectors, on_model_thread
    from knowledge.redact import text as redact_text
    from knowledge.redact import url as redact_url
    from knowledge.rerank import POOL, passage_score, scored_text
    from knowledge.sentence_vectors import pack_sentences
    from knowledge.sources import discover, is_address, sha256_bytes
    from knowledge.text import STOPWORDS, Unit, flowed, fold, sentence_spans, stem, terms, units
    from knowledge.writer import bundled_path

# The parts the other packages build on, loaded on first use so that importing ``knowledge`` stays
# light: name -> (module, name there).
_LAZY: dict[str, tuple[str, str]] = {
    **{name: ("knowledge.archive", name) for name in ("export_archive", "import_archive")},
    "read_archive": ("knowledge.archive_reading", "read_archive"),
    **{
        name: ("knowledge.chunking", name)
        for name in ("CHUNKER_VERSION", "chunk_document", "embedding_text", "sentences_of")
    },
    "default_home": ("knowledge.config", "default_home"),
    **{name: ("knowledge.crossencoder", name) for name in ("OnnxCrossEncoder", "Reranker", "bundled_folder")},
    **{name: ("knowledge.embedding", name) for name in ("Embedder", "get_embedder")},
    **{name: ("knowledge.checks", name) for name in ("brief", "check_k", "check_question")},
    **{name: ("knowledge.language", name) for name in ("detect_language", "language_at", "language_name")},
    **{name: ("knowledge.model_thread", name) for name in ("forget_query_vectors", "on_model_thread")},
    "redact_text": ("knowledge.redact", "text"),
    "redact_url": ("knowledge.redact", "url"),
    **{name: ("knowledge.rerank", name) for name in ("POOL", "passage_score", "scored_text")},
    "pack_sentences": ("knowledge.sentence_vectors", "pack_sentences"),
    **{name: ("knowledge.sources", name) for name in ("discover", "is_address", "sha256_bytes")},
    **{
        name: ("knowledge.text", name)
        for name in ("STOPWORDS", "Unit", "flowed", "fold", "sentence_spans", "stem", "terms", "units")
    },
    "bundled_path": ("knowledge.writer", "bundled_path"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    return getattr(importlib.import_module(module), attribute)


def ingest(paths: Iterable[str | Path] | str | Path, progress: Progress | None = None) -> IngestReport:
    """Index files, folders and web pages into the index under ``PRESSROOM_HOME``.

    Any text file is read, whatever its name, and Markdown, HTML, PDF and Word (.docx) files;
    ``https://...`` addresses are fetched. What cannot be read is in the report's ``skipped``.

    >>> ingest(["reports/", "https://example.org/news/plan"]).as_dict()   # doctest: +SKIP
    {'files': 4, 'added': 3, 'unchanged': 0, 'removed': 0, 'embedded': 41, 'errors': [], 'duplicates': 1,
     'skipped': [], 'notes': [{'path': '/home/me/reports/copy.txt', 'note': 'same text as memo; ...'}]}
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return default_index().ingest(paths, progress=progress)


def retrieve(question: str, k: int = 5, rerank: bool = True) -> list[Passage]:
    """The ``k`` passages that best match ``question``, best first (dense + BM25 fused, then
    reordered by the cross-encoder unless ``rerank`` is false).

    >>> [p.source for p in retrieve("Who chaired the launch?", k=2)]   # doctest: +SKIP
    ['iom-mali-trafficking-2023', 'iom-mali-trafficking-2023']
    """
    return default_index().search(question, k=k, rerank=rerank)


def get_document(source: str) -> Document:
    """The stored document ``source``: its ``text`` is what every passage's offsets point into."""
    return default_index().get_document(source)


def sources() -> list[SourceInfo]:
    """Every indexed document."""
    return default_index().sources()


def remove(source: str) -> int:
    """Remove a document from the index; returns the number of chunks removed."""
    return default_index().remove(source)


def reset() -> None:
    """Empty the index under ``PRESSROOM_HOME``."""
    default_index().reset()


__all__ = [
    "CHUNKER_VERSION",
    "POOL",
    "STOPWORDS",
    "BusyError",
    "Chunk",
    "ConfigError",
    "Document",
    "Embedder",
    "Index",
    "IndexEmptyError",
    "IngestError",
    "IngestReport",
    "ModelError",
    "NotFoundError",
    "OnnxCrossEncoder",
    "Passage",
    "PressroomError",
    "Progress",
    "QuestionError",
    "Reranker",
    "Settings",
    "SourceInfo",
    "StoreError",
    "Unit",
    "brief",
    "bundled_folder",
    "bundled_path",
    "check_k",
    "check_question",
    "chunk_document",
    "default_home",
    "default_index",
    "detect_language",
    "discover",
    "embedding_text",
    "export_archive",
    "flowed",
    "fold",
    "forget_default_indexes",
    "forget_query_vectors",
    "get_document",
    "get_embedder",
    "import_archive",
    "ingest",
    "is_address",
    "language_at",
    "language_name",
    "on_model_thread",
    "pack_sentences",
    "passage_score",
    "read_archive",
    "redact_text",
    "redact_url",
    "remove",
    "reset",
    "retrieve",
    "scored_text",
    "sentence_spans",
    "sentences_of",
    "sha256_bytes",
    "sources",
    "stem",
    "terms",
    "units",
]
