"""Sentence-aware chunking with exact offsets.

A chunk is a run of whole sentences of one section, at most ``max_chars`` long, that repeats the
last ``overlap`` sentences of the chunk before it. A heading starts a new chunk and becomes its
``heading``; a run of several headings in a row (a web page's navigation) is kept as a chunk of
its own instead of being glued to the text after it.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace

from knowledge.errors import ConfigError
from knowledge.text import Unit, units
from knowledge.types import Chunk, Document

# Change when chunk boundaries or their vectors change, so that unchanged files are chunked and embedded again.
CHUNKER_VERSION = "7"
MAX_CHARS = 700


def chunk_id(source: str, start: int, end: int, embedded: str) -> str:
    """Ids come from content (everything that is embedded), so the same text yields the same ids."""
    digest = hashlib.sha256(f"{CHUNKER_VERSION}\x00{source}\x00{start}\x00{end}\x00{embedded}".encode()).hexdigest()
    return digest[:32]


def document_name(source: str, title: str) -> str:
    """The title, plus the file's name when the title does not already say it ("bsd" for a copyright line)."""
    words = re.sub(r"[-_.]+", " ", source)
    return title if words.lower() in title.lower() else f"{title} ({words})"


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded and indexed: the chunk with its document's name and its section heading."""
    return "\n".join(_prefix(chunk) + (chunk.text,))


def embedding_parts(chunk: Chunk, sentences: Sequence[str]) -> tuple[str, ...]:
    """``embedding_text(chunk)`` in the pieces a model may encode apart: name, heading, each sentence."""
    return _prefix(chunk) + tuple(sentences)


def _prefix(chunk: Chunk) -> tuple[str, ...]:
    name = document_name(chunk.source, chunk.title)
    return (name,) if not chunk.heading or chunk.text.startswith(chunk.heading[:40]) else (name, chunk.heading)


def sentences_of(document: Document, chunks: Sequence[Chunk]) -> list[list[Unit]]:
    """The units (sentences and headings) inside each chunk, as ``chunk_document`` cut them."""
    found = units(document.text, limit=MAX_CHARS)
    starts = [unit.start for unit in found]
    result = []
    for chunk in chunks:
        inside = []
        for unit in found[bisect.bisect_left(starts, chunk.start) :]:
            if unit.end > chunk.end:
                break
            inside.append(unit)
        result.append(inside)
    return result


def _heading_text(document: Document, unit: Unit) -> str:
    return re.sub(r"\s+", " ", document.text[unit.start : unit.end].lstrip("# ")).strip()


def chunk_document(document: Document, max_chars: int = MAX_CHARS, overlap: int = 1) -> list[Chunk]:
    """Cut ``document`` into chunks; every ``chunk.text == document.text[chunk.start:chunk.end]``.

    >>> doc = Document("d", "T", "Intro\\nOne. Two. Three.", "d.txt")
    >>> [c.text for c in chunk_document(doc, max_chars=12)]
    ['Intro\\nOne.', 'One. Two.', 'Two. Three.']
    """
    if max_chars < 10 or overlap < 0:
        raise ConfigError(f"max_chars must be >= 10 and overlap >= 0, got {max_chars} and {overlap}.")
    chunks: list[Chunk] = []
    heading = ""
    current: list[Unit] = []

    def flush(group: list[Unit]) -> None:
        if not group:
            return
        start, end = group[0].start, group[-1].end
        chunk = Chunk(
            "", document.source, document.title, heading, document.text[start:end], start, end, document.page_at(start)
        )
        chunks.append(replace(chunk, id=chunk_id(document.source, start, end, embedding_text(chunk))))

    def flush_headings(group: list[Unit]) -> None:
        """Keep a run of headings only if it says something (not a lone "About" or a repeated title)."""
        words = sum(len(document.text[u.start : u.end].split()) for u in group)
        if words >= 4:
            flush(group)

    pending_headings: list[Unit] = []
    for unit in units(document.text, limit=max_chars):
        if unit.heading:
            pending_headings.append(unit)
            continue
        if pending_headings:
            flush(current)
            heading_before = heading
            if len(pending_headings) > 1:  # navigation or a table of contents: a chunk of its own
                heading = heading_before
                flush_headings(pending_headings[:-1])
            heading = _heading_text(document, pending_headings[-1])
            current = [pending_headings[-1]]
            pending_headings = []
        elif current and unit.end - current[0].start > max_chars and any(not u.heading for u in current):
            flush(current)
            sentences = [u for u in current if not u.heading]
            current = sentences[-overlap:] if overlap else []
            if current and unit.end - current[0].start > max_chars:
                current = []
        current.append(unit)
    flush(current)
    if pending_headings:
        flush_headings(pending_headings)
    return chunks
