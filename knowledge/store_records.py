"""How documents and chunks are written in Chroma: collection names, and the metadata of each record.

``knowledge.store`` makes every call to Chroma; this module only turns Pressroom's values into the
metadata Chroma keeps and back (``DocumentRecord``: what the store knows of a document without
loading its text).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from knowledge.types import Chunk, Document

DOCUMENTS = "pressroom-documents"


@dataclass(frozen=True)
class DocumentRecord:
    """What the store knows of a document without loading its text."""

    source: str
    title: str
    path: str
    sha256: str
    added: str
    chunker: str
    chunks: int

    @property
    def version(self) -> str:
        """Changes whenever the document is stored again with other content (or by another chunker)."""
        return f"{self.sha256}|{self.chunker}|{self.chunks}|{self.added}"


class NotCreated(LookupError):
    """The store's collections for this model do not exist yet, or no write has finished in them."""


def collection_name(model: str) -> str:
    """The chunk collection of ``model``: each model's vectors live apart."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", model).strip("-._")[:40] or "model"
    return f"pressroom-chunks-{slug}"


def document_record(source: str, meta: dict[str, Any] | None) -> DocumentRecord:
    """The record of the document ``source`` from its metadata in the documents collection."""
    meta = meta or {}
    return DocumentRecord(
        source=source,
        title=str(meta.get("title", source)),
        path=str(meta.get("path", "")),
        sha256=str(meta.get("sha256", "")),
        added=str(meta.get("added", "")),
        chunker=str(meta.get("chunker", "")),
        chunks=int(meta.get("chunks", 0)),
    )


def document_from(source: str, text: str, meta: dict[str, Any]) -> Document:
    """The stored document ``source`` from its text and metadata."""
    return Document(
        source=source,
        title=str(meta.get("title", source)),
        text=text,
        path=str(meta.get("path", "")),
        sha256=str(meta.get("sha256", "")),
        page_starts=tuple(json.loads(str(meta.get("pages", "[]")))),
        added=str(meta.get("added", "")),
    )


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """What Chroma keeps of a chunk beside its text and vector (``chunk_from`` reads it back)."""
    meta: dict[str, Any] = {
        "source": chunk.source,
        "title": chunk.title,
        "heading": chunk.heading,
        "start": chunk.start,
        "end": chunk.end,
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    if chunk.sentence_vectors:
        meta["sentences"] = chunk.sentence_vectors
    return meta


def chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    """The chunk ``chunk_id`` from its text and metadata."""
    page = meta.get("page")
    return Chunk(
        id=chunk_id,
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        heading=str(meta.get("heading", "")),
        text=text,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        page=int(page) if page is not None else None,
        sentence_vectors=str(meta.get("sentences", "")),
    )
