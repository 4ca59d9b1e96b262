"""Pressroom's knowledge layer: from document files to passages with exact offsets.

>>> from knowledge import retrieve
>>> passages = retrieve("When was the plan launched?", k=3)   # doctest: +SKIP
>>> passages[0].text[:40]                                      # doctest: +SKIP
'Mali Launches a National Action Plan to '

Nothing heavy is imported here: Chroma and sentence-transformers load on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from knowledge.config import Settings
from knowledge.errors import (
    BusyError,
    ConfigError,
    IndexEmptyError,
    IngestError,
    NotFoundError,
    PressroomError,
    QuestionError,
    StoreError,
)
from knowledge.index import Index, Progress, default_index
from knowledge.types import Chunk, Document, IngestReport, Passage, SourceInfo


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
    "BusyError",
    "Chunk",
    "ConfigError",
    "Document",
    "Index",
    "IndexEmptyError",
    "IngestError",
    "IngestReport",
    "NotFoundError",
    "Passage",
    "PressroomError",
    "QuestionError",
    "Settings",
    "SourceInfo",
    "StoreError",
    "default_index",
    "get_document",
    "ingest",
    "remove",
    "reset",
    "retrieve",
    "sources",
]
