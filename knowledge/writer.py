"""The index's writer: the write lock, the first use, ingest, removal and reset.

Writes take a lock file under ``PRESSROOM_HOME`` (``Writer.writing``), so two processes never
write into the same index at once, and each write runs inside ``recovery.pending``, so that what
a writer killed mid-write leaves is repaired by the next one. Making the index is a write too:
the first process to open a fresh home (or a new model's collection) creates the store and
indexes the bundled release under that lock, and every other process waits for it before it
reads anything (``Writer.store``). Chroma is the record of truth; the lexical index is derived
from it and is repaired from it whenever the two disagree (``knowledge.lexical_sync``).

The searcher and the catalogue read through the writer (``store``, ``lexical``,
``current_lexical()``, ``revision``, ``documents``, ``ensure_default()``); recovery and the
archive write through it (``writing()``, ``holds_lock()``, ``open_store()``,
``store_document()``, ``changed()``, ``reset()``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path

from knowledge import locking, recovery  # modules, not their functions: tests replace recovery.pending
from knowledge.chunking import CHUNKER_VERSION
from knowledge.config import Settings
from knowledge.embedding import Embedder
from knowledge.errors import BusyError, IngestError, NotFoundError
from knowledge.intake import Intake
from knowledge.lexical import LexicalIndex
from knowledge.lexical_sync import refresh_lexical, sync_lexical
from knowledge.sources import Target, discover
from knowledge.store import ChromaStore, DocumentRecord, NotCreated, collection_name
from knowledge.storing import DocumentCache, DocumentStorer
from knowledge.types import Document, IngestReport, Progress

BUNDLED = "iom-mali-trafficking-2023.txt"
INITIALIZED = ".initialized"  # written once the first use is done (or by reset and import)
LOCK_WAIT = 120.0  # seconds a writer waits for another to finish, then gives up with a BusyError


def bundled_path() -> Path:
    """The press release that ships with Pressroom and is indexed on first use."""
    return Path(str(resources.files("knowledge") / "data" / BUNDLED))


class Writer:
    """Every change to one index (a Chroma store plus its lexical index, under ``settings.home``)."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder  # an import swaps in, for its duration, one that reuses archived vectors
        self.documents = DocumentCache()  # the catalogue's read cache; this writer forgets what it replaces
        self._held = threading.local()  # makes the write lock re-entrant within one thread
        self._caught_up = False
        self._revision = ""  # the store's revision when last looked at (by current_lexical)
        self._store: ChromaStore | None = None
        self._lexical: LexicalIndex | None = None
        self._opening = threading.RLock()

    # ---- the store and the lexical index, opened on first use -----------------------------

    @property
    def store(self) -> ChromaStore:
        """The Chroma store; the first use of a fresh home happens when it is opened (``open_store``)."""
        return self._store if self._store is not None else self.open_store()

    @property
    def lexical(self) -> LexicalIndex:
        """The lexical index, made to hold what the store holds when it is opened."""
        lexical = self._lexical
        if lexical is None:
            store = self.store  # first: opening the store may be the first use, which makes the lexical index too
            with self._opening:
                lexical = self._lexical
                if lexical is None:
                    self.settings.home.mkdir(parents=True, exist_ok=True)
                    lexical = LexicalIndex(self.settings.home / f"lexical-{collection_name(self.embedder.name)}.sqlite")
                    if lexical.count() != store.chunk_count():
                        sync_lexical(store, lexical)
                    self._lexical = lexical
        return lexical

    @lexical.deleter
    def lexical(self) -> None:
        """Forget the lexical index (the next use opens it again, as a new process would)."""
        self._lexical = None

    @property
    def revision(self) -> str:
        """The store's revision when this writer last looked at it or wrote to it."""
        return self._revision

    def current_lexical(self) -> LexicalIndex:
        """The lexical index, first brought up to date if anyone (on any machine) wrote to the store since.

        Costs one cheap call to Chroma (the collection's revision) when nothing changed.
        """
        lexical = self.lexical
        revision = self._revision = self.store.revision()
        if revision != lexical.revision():
            try:
                with self.writing(wait=0):
                    refresh_lexical(self.store, lexical, revision)
            except BusyError:
                pass  # a writer of this index is busy and keeps the lexical index in step; look again next time
        return lexical

    # ---- locking and first use ----------------------------------------------------------

    @contextlib.contextmanager
    def writing(self, wait: float = LOCK_WAIT) -> Iterator[None]:
        """Hold the index's write lock; wait up to ``wait`` seconds for another writer to finish
        (``knowledge.locking``). Taking it first repairs what a writer killed mid-write left."""
        if self.holds_lock():
            self._held.depth += 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        self.settings.home.mkdir(parents=True, exist_ok=True)
        with locking.exclusive(self.settings.home / ".write.lock", wait, str(self.settings.home)):
            self._held.depth = 1
            try:
                with recovery.pending(self):  # first repairs what a writer killed mid-write left
                    yield
            finally:
                self._held.depth = 0

    def holds_lock(self) -> bool:
        """Whether this thread holds the write lock (``writing``)."""
        return bool(getattr(self._held, "depth", 0))

    def open_store(self, first_use: bool = True) -> ChromaStore:
        """Open the store, ready to read: on a fresh home (or for a new model) it is first made.

        Making it is a write like any other: under the write lock, once. The process that takes the
        lock creates the collections, indexes the bundled release and embeds the stored documents
        for this model (``_first_use``, unless ``first_use`` is False: reset and import replace
        everything anyway); the others wait for the lock meanwhile (saying so after a second), then
        find the store ready. A reader never sees a store being made: Chroma's local client keeps
        what it first read of a collection, and one read while the collection was empty fails every
        later search of that process ("Nothing found on disk").
        """
        with self._opening:
            if self._store is None and (self.settings.home / INITIALIZED).exists():
                with contextlib.suppress(NotCreated):
                    self._store = ChromaStore(self.settings, self.embedder.name, create=False)
            if self._store is not None:
                return self._store
        # Not under ``_opening``: a thread of this process that holds the write lock may need to open the store.
        with self.writing():  # which may repair what a killed writer left, and open the store for that
            with self._opening:
                if self._store is None:
                    self._store = ChromaStore(self.settings, self.embedder.name)
                store = self._store
            if first_use:
                self._first_use()  # done once: a second thread here finds it done
        return store

    def _first_use(self) -> None:
        """The bundled release in an empty store, and every stored document embedded for this model; the
        caller holds the lock."""
        marker = self.settings.home / INITIALIZED
        if not marker.exists():
            if not self.store.document_records():
                self._ingest_targets([bundled_path()], IngestReport(), None)
                self.changed()
            marker.write_text("The bundled release was indexed on first use.\n")
        self._catch_up()
        self._caught_up = True
        if not self.store.revision():  # made, but nothing to write: readers may open it now
            self.changed()

    def ensure_default(self) -> None:
        """Make the index ready: the bundled release on first use, and every stored document
        chunked and embedded for this model (after a change of model or of chunker)."""
        recovery.check(self)  # a writer died mid-write: repair before reading
        self.open_store()  # on a fresh home, the first use (see ``open_store``)
        if not self._caught_up:
            self._catch_up()
            self._caught_up = True

    def _catch_up(self) -> None:
        """Re-embed stored documents whose chunks this model's collection lacks (their text is kept)."""
        records = self.store.document_records()
        current = all(record.chunker == CHUNKER_VERSION for record in records)
        if current and sum(record.chunks for record in records) == self.store.chunk_count():
            return
        with self.writing():
            for record in records:
                if record.chunker != CHUNKER_VERSION or len(self.store.chunk_ids(record.source)) != record.chunks:
                    document = self.store.get_document(record.source)
                    if document is not None:
                        self.store_document(document, None)
            self.changed()

    def changed(self) -> None:
        """After a write: give the store a new revision, so that other processes refresh what they derive from it."""
        revision = self._revision = self.store.bump_revision()
        if not self.store.remote:  # every writer of a local store holds this index's lock and updates the lexical index
            self.lexical.set_revision(revision)

    # ---- writing ------------------------------------------------------------------------

    def ingest(
        self, paths: Iterable[str | Path], progress: Progress | None = None, private_addresses: bool = True
    ) -> IngestReport:
        """Index files, folders and web pages; see ``Index.ingest``."""
        paths = list(paths)
        if not paths:
            raise IngestError("No path given: name the files, folders or web addresses to ingest.")
        self.ensure_default()
        report = IngestReport()
        try:
            targets, skipped = discover(paths)
        except OSError as error:  # a path the system refuses outright, e.g. a name too long for it
            where = os.fsdecode(error.filename) if error.filename is not None else "A path"
            raise IngestError(
                f"{where}: cannot be read ({error.strerror or error}); check the path and try again."
            ) from None
        for entry in skipped:
            report.skip(entry)
        with self.writing():
            listed = self._ingest_targets(targets, report, progress, private_addresses)
            report.removed += self._remove_vanished(paths, listed)
            if report.added or report.removed:
                self.changed()
        return report

    def _ingest_targets(
        self, targets: Sequence[Target], report: IngestReport, progress: Progress | None, private_addresses: bool = True
    ) -> list[DocumentRecord]:
        """Ingest ``targets`` (``knowledge.intake``); returns the documents the store listed before (one call, used
        again by the caller)."""
        return Intake(self.storer(), report, progress, private_addresses).run(targets)

    def storer(self) -> DocumentStorer:
        """What writes documents into this index's store and lexical index; use it holding the write lock."""
        return DocumentStorer(self.store, lambda: self.lexical, self.embedder, self.documents)

    def store_document(self, document: Document, progress: Progress | None = None) -> int:
        """Write one document's chunks, embedding only those not already stored; returns how many were embedded.
        The caller holds the write lock."""
        return self.storer().store_document(document, progress)

    def _remove_vanished(self, paths: Sequence[str | Path], records: Sequence[DocumentRecord]) -> int:
        """Remove the documents of ``records`` that came from one of the folders ``paths`` and are gone."""
        # os.path.isdir, not Path.is_dir: a name too long for the file system is simply not a folder.
        folders = tuple(
            os.path.join(os.path.realpath(Path(p).expanduser()), "")
            for p in paths
            if os.path.isdir(Path(p).expanduser())
        )
        gone = [record for record in records if folders and record.path.startswith(folders) and _gone(record.path)]
        if gone:
            storer = self.storer()
            for record in gone:
                storer.remove_source(record.source)
        return len(gone)

    def remove(self, source: str) -> int:
        """Remove one document and its chunks; returns how many chunks went."""
        self.ensure_default()
        with self.writing():
            if self.store.get_document(source) is None:
                raise NotFoundError(f"No document {source!r} is indexed; see `pressroom sources` for the ids.")
            removed = self.storer().remove_source(source)
            self.changed()
            return removed

    def reset(self) -> None:
        """Empty the index (documents, vectors and lexical entries). The bundled release is not re-added."""
        with self.writing():
            self.documents.clear()
            self.open_store(first_use=False).reset()  # on a fresh home: made here, and left empty
            self.lexical.clear()
            self.changed()
            (self.settings.home / INITIALIZED).write_text("Emptied by reset.\n")


def _gone(path: str) -> bool:
    """Whether the file at ``path`` no longer exists (a file in a folder that cannot be read is not gone)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False
