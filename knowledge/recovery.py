"""Crash recovery: what a writer killed mid-write leaves behind is repaired by the next process.

A write is several steps (chunks into Chroma, stale chunks out, the document's record, the
lexical index), and a process can die between any two: SIGKILL, a power cut, the OOM killer.
So every write runs under the index's lock (``Index._writing``) inside ``pending``: while it runs
the file ``PRESSROOM_HOME/.write.pending`` exists; a clean finish removes it. The next process to
take the lock, a writer or a reader that finds the lock free (``check``), finds the file and
calls ``repair`` before anything else:

- an interrupted ``pressroom import`` is rolled back from its backup (``knowledge.archive``);
- a document whose stored chunks are not exactly those of its stored text is stored again (the
  text is kept, so only the missing chunks are embedded); this also finishes a re-ingest killed
  between writing new chunks and replacing the document's record;
- chunks of no document (written before their document's record) are deleted;
- the lexical index is made to hold exactly the chunk ids Chroma holds.

Failures that are the user's (a document that is not indexed, an unreadable file) happen before
anything is written and do not leave the file; a failing store (``StoreError``) or a bug do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from knowledge.chunking import CHUNKER_VERSION, chunk_document, embedding_text
from knowledge.errors import BusyError, PressroomError, StoreError

if TYPE_CHECKING:
    from knowledge.index import Index

PENDING = ".write.pending"


@contextlib.contextmanager
def pending(index: Index) -> Iterator[None]:
    """Mark a write as under way for its duration; first repair what an earlier one left. The caller holds the lock."""
    marker = index.settings.home / PENDING
    if marker.exists():
        repair(index)
    marker.touch()
    try:
        yield
    except PressroomError as error:
        if not isinstance(error, StoreError):  # refused before writing: nothing to repair
            marker.unlink(missing_ok=True)
        raise
    marker.unlink(missing_ok=True)


def check(index: Index) -> None:
    """For readers: repair now if a writer died, unless a live writer holds the lock (it will finish)."""
    if not (index.settings.home / PENDING).exists() or getattr(index._held, "depth", 0):
        return
    with contextlib.suppress(BusyError), index._writing(wait=0):
        pass  # taking the lock repairs (``pending``)


def repair(index: Index) -> None:
    """Bring Chroma and the lexical index back to a state a clean writer would have left."""
    from knowledge.archive import recover

    recover(index)
    store = index.store
    expected: set[str] = set()
    for record in store.document_records():
        document = store.get_document(record.source)
        if document is None:
            continue
        ids = {chunk.id for chunk in chunk_document(document)}
        if record.chunker != CHUNKER_VERSION or record.chunks != len(ids) or store.chunk_ids(record.source) != ids:
            index._store_document(document, None)
        expected |= ids
    store.delete_chunks(store.chunk_ids() - expected)
    lexical = index.lexical
    stored, indexed = store.chunk_ids(), lexical.ids()
    lexical.remove(indexed - stored)
    lexical.add((chunk.id, chunk.source, embedding_text(chunk)) for chunk in store.iter_chunks(stored - indexed))
    index._documents.clear()
    index._sync_lexical(lexical)  # whatever else the lexical index keeps in step with the store
    changed = getattr(index, "_changed", None)
    if changed is not None:
        changed()  # tell other processes that the store changed
