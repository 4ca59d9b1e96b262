"""Crash recovery: what a writer killed mid-write leaves behind is repaired by the next process.

A write is several steps (chunks into Chroma, stale chunks out, the document's record, the
lexical index), and a process can die between any two: SIGKILL, a power cut, the OOM killer.
So every write runs under the index's lock (``Writer.writing``) inside ``pending``: while it runs
the file ``PRESSROOM_HOME/.write.pending`` exists; a clean finish removes it. The next process to
take the lock, a writer or a reader that finds the lock free (``check``), finds the file and
calls ``repair`` before anything else:

- an interrupted ``pressroom import`` is rolled back from its backup (``knowledge.archive_loading``);
- a document whose stored chunks are not exactly those of its stored text is stored again (the
  text is kept, so only the missing chunks are embedded); this also finishes a re-ingest killed
  between writing new chunks and replacing the document's record;
- chunks of no document (written before their document's record) are deleted;
- the lexical index is made to hold exactly the chunk ids Chroma holds.

Failures that are the user's (a document that is not indexed, an unreadable file) happen before
anything is written and do not leave the file; a failing store (``StoreError``) or a bug do.

The writer's lock calls this module, so it names what it uses of the writer (``Repairable``)
instead of importing it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from knowledge.archive_loading import Restorable, recover
from knowledge.chunking import CHUNKER_VERSION, chunk_document
from knowledge.errors import BusyError, PressroomError, StoreError
from knowledge.lexical import LexicalIndex
from knowledge.lexical_sync import sync_lexical
from knowledge.store import ChromaStore
from knowledge.storing import DocumentCache

PENDING = ".write.pending"


class Repairable(Restorable, Protocol):
    """What recovery uses of the index's writer (``knowledge.writer.Writer``)."""

    documents: DocumentCache

    @property
    def store(self) -> ChromaStore: ...

    @property
    def lexical(self) -> LexicalIndex: ...

    def writing(self, wait: float = ...) -> AbstractContextManager[None]: ...

    def holds_lock(self) -> bool: ...


@contextlib.contextmanager
def pending(writer: Repairable) -> Iterator[None]:
    """Mark a write as under way for its duration; first repair what an earlier one left. The caller holds the lock."""
    marker = writer.settings.home / PENDING
    if marker.exists():
        repair(writer)
    marker.touch()
    try:
        yield
    except PressroomError as error:
        if not isinstance(error, StoreError):  # refused before writing: nothing to repair
            marker.unlink(missing_ok=True)
        raise
    marker.unlink(missing_ok=True)


def check(writer: Repairable) -> None:
    """For readers: repair now if a writer died, unless a live writer holds the lock (it will finish)."""
    if not (writer.settings.home / PENDING).exists() or writer.holds_lock():
        return
    with contextlib.suppress(BusyError), writer.writing(wait=0):
        pass  # taking the lock repairs (``pending``)


def repair(writer: Repairable) -> None:
    """Bring Chroma and the lexical index back to a state a clean writer would have left."""
    recover(writer)
    store = writer.store
    expected: set[str] = set()
    for record in store.document_records():
        document = store.get_document(record.source)
        if document is None:
            continue
        ids = {chunk.id for chunk in chunk_document(document)}
        if record.chunker != CHUNKER_VERSION or record.chunks != len(ids) or store.chunk_ids(record.source) != ids:
            writer.store_document(document, None)
        expected |= ids
    store.delete_chunks(store.chunk_ids() - expected)
    writer.documents.clear()
    sync_lexical(store, writer.lexical)  # the chunks Chroma holds, and the documents' versions
    writer.changed()  # tell other processes that the store changed
