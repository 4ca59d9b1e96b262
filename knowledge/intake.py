"""One ingest run: what each file or web page becomes in the index.

- unchanged: the same bytes as its own document (a page: the same text), so nothing is done;
- the same text as another document (under another name or path): not stored again, and the
  report says ``same text as <source>``; the existing document keeps its name;
- moved: the same text as a document whose file is gone (renamed or moved on this machine): that
  document now points at the new path, and nothing is embedded again;
- new or changed: read, chunked, embedded (only the chunks not already stored) and stored, several
  documents per batch.

A file that cannot be read is skipped, with its reason, and leaves the index as it was.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from knowledge.chunking import CHUNKER_VERSION
from knowledge.errors import IngestError
from knowledge.sources import (
    READERS,
    Target,
    fetch,
    is_address,
    read,
    read_bytes,
    read_page,
    sha256_bytes,
    shown,
    skip,
    source_id,
)
from knowledge.store import DocumentRecord
from knowledge.storing import DocumentStorer, PreparedDocument
from knowledge.types import Document, IngestReport, Note, Progress

EMBED_BATCH = 256  # chunks of several documents are embedded together, sorted by length


class Intake:
    """Ingest ``targets`` through ``storer``, recording what happened in ``report``; the caller holds the write lock.

    >>> Intake(writer.storer(), report, None).run([Path("notes/a.txt"), "https://example.org/news"])  # doctest: +SKIP
    """

    def __init__(
        self, storer: DocumentStorer, report: IngestReport, progress: Progress | None, private_addresses: bool = True
    ) -> None:
        self.storer, self.store, self.report, self.progress = storer, storer.store, report, progress
        self.private_addresses = private_addresses
        self.listed = self.store.document_records()
        self.by_path = {record.path: record for record in self.listed}
        self.by_sha: dict[str, DocumentRecord] = {}
        for record in self.listed:
            self.by_sha.setdefault(record.sha256, record)
        self.taken = {record.source: record.path for record in self.listed}
        # When the store holds exactly the chunks its documents list (the usual case), an unchanged
        # file is known by its hash alone, and a new document has no chunks to replace.
        self.consistent = sum(record.chunks for record in self.listed) == self.store.chunk_count()
        self.pending: list[PreparedDocument] = []
        self.waiting = 0

    def run(self, targets: Sequence[Target]) -> list[DocumentRecord]:
        """Ingest every target; returns the documents the store listed before, with the paths of moved ones updated."""
        for number, target in enumerate(targets, 1):
            if self.progress:
                self.progress("read", number, len(targets))
            self.report.files += 1
            try:
                self._take(target)
            except IngestError as error:
                self.report.skip(skip(target, error))
            except OSError as error:
                message = f"{shown(target)}: cannot be read ({error.strerror or error}); check the file and try again."
                self.report.skip(skip(target, IngestError(message)))
            if self.waiting >= EMBED_BATCH:
                self._flush()
        self._flush()
        return self.listed

    def _take(self, target: Target) -> None:
        if isinstance(target, str) and is_address(target):
            page = fetch(target, allow_private=self.private_addresses)
            location, data = page.address, page.data
        else:
            page, path = None, Path(target)
            location, data = str(path), read_bytes(path, text_only=path.suffix.lower() not in READERS)
        existing = self.by_path.get(location)
        sha = sha256_bytes(data)
        if existing is not None and self._unchanged(existing, sha):
            self._count_unchanged(existing)
            return
        holder = self.by_sha.get(sha)
        if holder is not None and holder.path != location:
            if existing is not None:  # its own document held an older text: the file now holds holder's
                self._drop(existing)
            if not self._moved(holder):
                self._same_text(location, holder)
                return
            self.report.notes.append(
                Note(
                    location,
                    f"same text as {holder.source}, whose file {holder.path} is gone: the document now points here.",
                )
            )
            self.listed = [replace(record, path=location) if record is holder else record for record in self.listed]
            self.by_path.pop(holder.path, None)
            existing = holder
        extracted = read_page(page) if page is not None else read(Path(location), data)
        if (
            page is not None
            and existing is not None
            and self._same_as_stored(existing, extracted.text, extracted.title)
        ):
            self._count_unchanged(existing)  # the page's bytes changed (dates, tokens), its text did not
            return
        source = existing.source if existing is not None else self._free_source_id(target, location)
        self.taken[source] = location
        document = Document(source, extracted.title, extracted.text, location, sha, extracted.page_starts, _now())
        item = self.storer.prepare(document, stored=existing is not None or not self.consistent)
        self.pending.append(item)
        self.waiting += len(item.texts)
        record = DocumentRecord(
            source, document.title, location, sha, document.added, CHUNKER_VERSION, len(item.chunks)
        )
        self.by_path[location] = self.by_sha[sha] = record
        self.report.added += 1
        self.report.sources.append(source)
        self.report.notes.extend(Note(location, note) for note in extracted.notes)

    def _unchanged(self, existing: DocumentRecord, sha: str) -> bool:
        if existing.sha256 != sha or existing.chunker != CHUNKER_VERSION or not existing.chunks:
            return False
        return self.consistent or existing.chunks == len(self.store.chunk_ids(existing.source))

    def _count_unchanged(self, existing: DocumentRecord) -> None:
        self.report.unchanged += 1
        self.report.sources.append(existing.source)

    def _same_as_stored(self, existing: DocumentRecord, text: str, title: str) -> bool:
        if existing.chunker != CHUNKER_VERSION or existing.title != title:
            return False
        stored = self.store.get_document(existing.source)
        return stored is not None and stored.text == text

    def _moved(self, holder: DocumentRecord) -> bool:
        """Whether ``holder``'s file is gone from this machine (never said of a shared server's documents)."""
        local = not self.store.remote and bool(holder.path) and not is_address(holder.path)
        return local and not os.path.lexists(holder.path)

    def _drop(self, existing: DocumentRecord) -> None:
        """Remove the document of a file that now holds another document's text."""
        self.storer.remove_source(existing.source)
        self.listed = [record for record in self.listed if record is not existing]
        self.by_path.pop(existing.path, None)
        self.taken.pop(existing.source, None)
        self.report.removed += 1

    def _same_text(self, location: str, holder: DocumentRecord) -> None:
        """``location`` holds the text of ``holder``: one text, one document."""
        self.report.duplicates += 1
        self.report.sources.append(holder.source)
        self.report.notes.append(
            Note(location, f"same text as {holder.source}; it stays one document, under that name.")
        )

    def _free_source_id(self, target: Target, location: str) -> str:
        base = candidate = source_id(target)
        number = 2
        while candidate in self.taken and self.taken[candidate] != location:
            candidate, number = f"{base}-{number}", number + 1
        return candidate

    def _flush(self) -> None:
        self.report.embedded += self.storer.embed_and_store(self.pending, self.progress)
        self.pending, self.waiting = [], 0


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
