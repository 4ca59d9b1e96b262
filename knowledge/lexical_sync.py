"""Keeping the lexical index in step with Chroma, which is the record of truth.

The lexical index (``knowledge.lexical``) is derived from the chunks Chroma holds. After a crash,
or when another process sharing a Chroma server has written, the two disagree; these functions
make the lexical index hold what the store holds again: ``sync_lexical`` by a scan of every
chunk id, ``refresh_lexical`` by reading only the documents that changed.
"""

from __future__ import annotations

from knowledge.chunking import embedding_text
from knowledge.lexical import LexicalIndex
from knowledge.store import ChromaStore, DocumentRecord

REFRESH_LIMIT = 64  # more changed documents than this: rebuild the lexical index by chunk ids


def sync_lexical(store: ChromaStore, lexical: LexicalIndex, records: dict[str, DocumentRecord] | None = None) -> None:
    """Make the lexical index hold exactly the chunks Chroma holds (a scan of every chunk id)."""
    if records is None:
        records = {record.source: record for record in store.document_records()}
    stored, indexed = store.chunk_ids(), lexical.ids()
    lexical.remove(indexed - stored)
    lexical.add((c.id, c.source, embedding_text(c)) for c in store.iter_chunks(stored - indexed))
    held, counts = lexical.versions(), lexical.source_counts()
    versions: dict[str, str | None] = {source: None for source in held if source not in records}
    versions.update({s: r.version if counts.get(s, 0) == r.chunks else None for s, r in records.items()})
    lexical.set_versions(versions)


def refresh_lexical(store: ChromaStore, lexical: LexicalIndex, revision: str) -> None:
    """Bring the lexical index up to date with documents that changed since it last matched the store.

    Documents are compared by version (one call for all of them); only the chunks of those
    that changed are read. Writers give the store a new revision after they finish, so a
    change that happens while this runs is caught by the next check.
    """
    records = {record.source: record for record in store.document_records()}
    held = lexical.versions()
    gone = [source for source in held if source not in records]
    stale = [source for source, record in records.items() if held.get(source) != record.version]
    if len(gone) + len(stale) > REFRESH_LIMIT:
        sync_lexical(store, lexical, records)
    else:
        versions: dict[str, str | None] = {}
        for source in gone:
            lexical.remove(lexical.ids(source))
            versions[source] = None
        for source in stale:
            stored, indexed = store.chunk_ids(source), lexical.ids(source)
            lexical.remove(indexed - stored)
            lexical.add((c.id, c.source, embedding_text(c)) for c in store.iter_chunks(stored - indexed))
            versions[source] = records[source].version if len(stored) == records[source].chunks else None
        lexical.set_versions(versions)
        if lexical.count() != store.chunk_count():  # chunks of no document: a writer stopped half-way
            sync_lexical(store, lexical, records)
    lexical.set_revision(revision)
