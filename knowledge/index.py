"""The index: ingest files, keep Chroma and the lexical index in step, and retrieve passages.

Writes take a lock file under ``PRESSROOM_HOME``, so two processes never ingest into the same
index at once. Making the index is a write too: the first process to open a fresh home (or a new
model's collection) creates the store and indexes the bundled release under that lock, and every
other process waits for it before it reads anything (``Index.store``). Chroma is the record of
truth; the lexical index is derived from it and is repaired from it whenever the two disagree
(after a crash, or when another process sharing a Chroma server has written).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from knowledge import locking, recovery
from knowledge.chunking import CHUNKER_VERSION, chunk_document, embedding_parts, embedding_text, sentences_of
from knowledge.config import NO_RERANKER, Settings
from knowledge.crossencoder import Reranker, get_reranker
from knowledge.embedding import Embedder, PassageText, get_embedder
from knowledge.errors import BusyError, ConfigError, IndexEmptyError, IngestError, NotFoundError, QuestionError
from knowledge.lexical import LexicalIndex
from knowledge.naming import DocumentNames
from knowledge.rerank import POOL
from knowledge.rerank import rerank as rerank_passages
from knowledge.sentence_vectors import Span, pack_sentences, unpack_sentences
from knowledge.sources import Target, discover
from knowledge.store import ChromaStore, DocumentRecord, NotCreated, collection_name
from knowledge.text import terms
from knowledge.types import Chunk, Document, IngestReport, Passage, SourceInfo

BUNDLED = "iom-mali-trafficking-2023.txt"
INITIALIZED = ".initialized"  # written once the first use is done (or by reset and import)
MAX_QUESTION_CHARS = 2000
MAX_K = 50
RRF_K = 60
MODEL_BATCH = 8  # texts per call of the model (see OneThreadEmbedder)
PASSAGE_GROUP = 64  # passages per call of the model thread when the model encodes their sentences apart
REFRESH_LIMIT = 64  # more changed documents than this: rebuild the lexical index by chunk ids
Progress = Callable[[str, int, int], None]  # (stage, done, total)
_T = TypeVar("_T")


def bundled_path() -> Path:
    """The press release that ships with Pressroom and is indexed on first use."""
    return Path(str(resources.files("knowledge") / "data" / BUNDLED))


def check_question(question: object) -> str:
    """The question, stripped, or a ``QuestionError`` that says how to fix it."""
    if question is not None and not isinstance(question, str):
        raise QuestionError(
            f"The question must be text, not {type(question).__name__}: type a question about your documents."
        )
    if not question or not question.strip():
        raise QuestionError("The question is empty: type a question about your documents.")
    # Lone surrogates (JSON's "\ud800", or argv bytes that are not UTF-8) crash the model's tokenizer.
    question = re.sub("[\ud800-\udfff]", "\ufffd", question.strip())
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is {len(question):,} characters long; shorten it to {MAX_QUESTION_CHARS:,} characters or fewer."
        )
    return question


def check_k(k: object) -> int:
    """The number of passages as an ``int``, or a ``ConfigError``; written as it arrives from code, a command
    line or JSON (``8``, ``"8"``, ``8.0``).

    >>> check_k("8")
    8
    """
    value: object = k
    if isinstance(k, str) and re.fullmatch(r"\s*[+-]?(\d{1,9}(\.\d{0,9})?|\.\d{1,9})\s*", k):
        value = float(k) if "." in k else int(k)  # "2.5" is refused as 2.5, as JSON's 2.5 is
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_K:
        raise ConfigError(f"k must be a whole number from 1 to {MAX_K}, got {brief(value)}.")
    return value


def brief(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short: a message about a value stays one short line.

    >>> brief("x" * 100, limit=10)
    "'xxxxxx..."
    """
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


@dataclass
class _Pending:
    """A document chunked and ready to store, waiting for its new chunks' vectors."""

    document: Document
    chunks: list[Chunk]
    old_ids: set[str]
    new: list[Chunk]
    texts: list[str]  # what is embedded and indexed of each new chunk (``embedding_text``)
    passages: list[PassageText]  # the same, with the sentences apart
    spans: list[list[Span]]  # the offsets of the sentences in each new chunk


class Index:
    """One Pressroom index: a Chroma store plus its lexical index, under ``settings.home``.

    >>> index = Index(Settings(home=Path("/tmp/pressroom-doc")), embedder=get_embedder("hashing"))
    >>> index.search("When was the plan launched?", k=1)[0].source
    'iom-mali-trafficking-2023'
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None, reranker: Reranker | None = None) -> None:
        self.settings = settings
        self.embedder: Embedder = OneThreadEmbedder(embedder or get_embedder(settings.model))
        self._reranker = reranker
        self._held = threading.local()  # makes the write lock re-entrant within one thread
        self._caught_up = False
        self._documents: dict[str, Document] = {}  # read cache; cleared by this process's writes
        self._sentences: dict[str, str] = {}  # packed sentence vectors of recently retrieved chunks, by chunk id
        self._revision = ""  # the store's revision when last looked at (by current_lexical)
        self._names: tuple[str, DocumentNames] | None = None  # the documents' names, and the revision they are of
        self._store: ChromaStore | None = None
        self._lexical: LexicalIndex | None = None
        self._opening = threading.RLock()

    @property
    def reranker(self) -> Reranker | None:
        """The cross-encoder that reorders retrieved passages (``settings.reranker``); None when turned off."""
        if self._reranker is None and self.settings.reranker != NO_RERANKER:
            self._reranker = get_reranker(self.settings.reranker)
        return self._reranker

    @property
    def store(self) -> ChromaStore:
        """The Chroma store; the first use of a fresh home happens when it is opened (``_open``)."""
        return self._store if self._store is not None else self._open()

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
                        self._sync_lexical(lexical)
                    self._lexical = lexical
        return lexical

    @lexical.deleter
    def lexical(self) -> None:
        """Forget the lexical index (the next use opens it again, as a new process would)."""
        self._lexical = None

    def current_lexical(self) -> LexicalIndex:
        """The lexical index, first brought up to date if anyone (on any machine) wrote to the store since.

        Costs one cheap call to Chroma (the collection's revision) when nothing changed.
        """
        lexical = self.lexical
        revision = self._revision = self.store.revision()
        if revision != lexical.revision():
            try:
                with self._writing(wait=0):
                    self._refresh_lexical(lexical, revision)
            except BusyError:
                pass  # a writer of this index is busy and keeps the lexical index in step; look again next time
        return lexical

    # ---- locking and first use ----------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self, wait: float = 120.0) -> Iterator[None]:
        """Hold the index's write lock; wait up to ``wait`` seconds for another writer to finish (``knowledge.locking``)."""
        if getattr(self._held, "depth", 0):
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

    def _open(self, first_use: bool = True) -> ChromaStore:
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
        with self._writing():  # which may repair what a killed writer left, and open the store for that
            with self._opening:
                if self._store is None:
                    self._store = ChromaStore(self.settings, self.embedder.name)
                store = self._store
            if first_use:
                self._first_use()  # done once: a second thread here finds it done
        return store

    def _first_use(self) -> None:
        """The bundled release in an empty store, and every stored document embedded for this model; the caller holds the lock."""
        marker = self.settings.home / INITIALIZED
        if not marker.exists():
            if not self.store.document_records():
                self._ingest_paths([bundled_path()], IngestReport(), None)
                self._changed()
            marker.write_text("The bundled release was indexed on first use.\n")
        self._catch_up()
        self._caught_up = True
        if not self.store.revision():  # made, but nothing to write: readers may open it now
            self._changed()

    def ensure_default(self) -> None:
        """Make the index ready: the bundled release on first use, and every stored document
        chunked and embedded for this model (after a change of model or of chunker)."""
        recovery.check(self)  # a writer died mid-write: repair before reading
        self._open()  # on a fresh home, the first use (see ``_open``)
        if not self._caught_up:
            self._catch_up()
            self._caught_up = True

    def _catch_up(self) -> None:
        """Re-embed stored documents whose chunks this model's collection lacks (their text is kept)."""
        records = self.store.document_records()
        current = all(record.chunker == CHUNKER_VERSION for record in records)
        if current and sum(record.chunks for record in records) == self.store.chunk_count():
            return
        with self._writing():
            for record in records:
                if record.chunker != CHUNKER_VERSION or len(self.store.chunk_ids(record.source)) != record.chunks:
                    document = self.store.get_document(record.source)
                    if document is not None:
                        self._store_document(document, None)
            self._changed()

    def _sync_lexical(self, lexical: LexicalIndex, records: dict[str, DocumentRecord] | None = None) -> None:
        """Make the lexical index hold exactly the chunks Chroma holds (a scan of every chunk id)."""
        if records is None:
            records = {record.source: record for record in self.store.document_records()}
        stored, indexed = self.store.chunk_ids(), lexical.ids()
        lexical.remove(indexed - stored)
        lexical.add((c.id, c.source, embedding_text(c)) for c in self.store.iter_chunks(stored - indexed))
        held, counts = lexical.versions(), lexical.source_counts()
        versions: dict[str, str | None] = {source: None for source in held if source not in records}
        versions.update({s: r.version if counts.get(s, 0) == r.chunks else None for s, r in records.items()})
        lexical.set_versions(versions)

    def _refresh_lexical(self, lexical: LexicalIndex, revision: str) -> None:
        """Bring the lexical index up to date with documents that changed since it last matched the store.

        Documents are compared by version (one call for all of them); only the chunks of those
        that changed are read. Writers give the store a new revision after they finish, so a
        change that happens while this runs is caught by the next check.
        """
        records = {record.source: record for record in self.store.document_records()}
        held = lexical.versions()
        gone = [source for source in held if source not in records]
        stale = [source for source, record in records.items() if held.get(source) != record.version]
        if len(gone) + len(stale) > REFRESH_LIMIT:
            self._sync_lexical(lexical, records)
        else:
            versions: dict[str, str | None] = {}
            for source in gone:
                lexical.remove(lexical.ids(source))
                versions[source] = None
            for source in stale:
                stored, indexed = self.store.chunk_ids(source), lexical.ids(source)
                lexical.remove(indexed - stored)
                lexical.add((c.id, c.source, embedding_text(c)) for c in self.store.iter_chunks(stored - indexed))
                versions[source] = records[source].version if len(stored) == records[source].chunks else None
            lexical.set_versions(versions)
            if lexical.count() != self.store.chunk_count():  # chunks of no document: a writer stopped half-way
                self._sync_lexical(lexical, records)
        lexical.set_revision(revision)

    def _changed(self) -> None:
        """After a write: give the store a new revision, so that other processes refresh what they derive from it."""
        revision = self._revision = self.store.bump_revision()
        if not self.store.remote:  # every writer of a local store holds this index's lock and updates the lexical index
            self.lexical.set_revision(revision)

    # ---- writing ------------------------------------------------------------------------

    def ingest(
        self, paths: Iterable[str | Path], progress: Progress | None = None, private_addresses: bool = True
    ) -> IngestReport:
        """Index files, folders and web pages (``https://...``); unchanged ones cost nothing, changed
        ones replace their chunks, and a text already indexed under another name is not stored twice.

        What cannot be read is reported in ``skipped`` (with its reason) and ``errors`` (one
        sentence each) and leaves the index as it was; the rest is indexed. Documents ingested
        earlier from a folder that no longer holds them are removed. ``private_addresses=False``
        refuses web addresses on this machine or the local network (for a chat served to others).
        """
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
        with self._writing():
            listed = self._ingest_paths(targets, report, progress, private_addresses)
            report.removed += self._remove_vanished(paths, listed)
            if report.added or report.removed:
                self._changed()
        return report

    def _ingest_paths(
        self, targets: Sequence[Target], report: IngestReport, progress: Progress | None, private_addresses: bool = True
    ) -> list[DocumentRecord]:
        """Ingest ``targets`` (``knowledge.intake``); returns the documents the store listed before (one call, used again by the caller)."""
        from knowledge.intake import Intake

        return Intake(self, report, progress, private_addresses).run(targets)

    def _store_document(self, document: Document, progress: Progress | None) -> int:
        """Write one document's chunks, embedding only those not already stored; returns how many were embedded."""
        return self._embed_and_store([self._prepare(document)], progress)

    def _prepare(self, document: Document, stored: bool = True) -> _Pending:
        """Chunk a document and find which chunks need embedding (``stored=False``: it has none in the store)."""
        self._documents.pop(document.source, None)
        chunks = chunk_document(document)
        if not chunks:
            raise IngestError(f"{document.path}: has no sentences to index; check the file's content.", "empty")
        old_ids = self.store.chunk_ids(document.source) if stored else set()
        new = [chunk for chunk in chunks if chunk.id not in old_ids]
        texts = [embedding_text(chunk) for chunk in new]
        units = sentences_of(document, new)
        passages = [
            PassageText(text, embedding_parts(chunk, [document.text[u.start : u.end] for u in inside]))
            for text, chunk, inside in zip(texts, new, units)
        ]
        return _Pending(
            document, chunks, old_ids, new, texts, passages, [[(u.start, u.end) for u in inside] for inside in units]
        )

    def _embed_and_store(self, pending: Sequence[_Pending], progress: Progress | None) -> int:
        """Embed the new chunks of several documents in one pass, then write them together; returns how many were embedded."""
        vectors = self._embed(pending, progress)
        self._write(pending, vectors)
        return len(vectors)

    def _embed(self, pending: Sequence[_Pending], progress: Progress | None) -> list[list[float]]:
        """Vectors of the new chunks of ``pending``, in order; their sentences' vectors go into the chunks."""
        passages = [passage for item in pending for passage in item.passages]
        done = 0

        def tick(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress("embed", done, len(passages))

        vectors, parts = self.embedder.embed_passages(passages, progress=tick)
        if parts:  # the model gave the sentences' vectors too: kept with each chunk for the answerer
            for item in pending:
                item.new[:] = [
                    replace(chunk, sentence_vectors=_packed(spans, passage.parts[-len(spans) :], parts))
                    if spans
                    else chunk
                    for chunk, passage, spans in zip(item.new, item.passages, item.spans)
                ]
        return vectors

    def _write(self, pending: Sequence[_Pending], vectors: Sequence[Sequence[float]]) -> None:
        """Documents' new chunks, stale chunks and records, in Chroma and in the lexical index.

        All documents go in one call per step (a local Chroma commits each call to disk, which
        costs more than embedding a small document): new chunks first, then stale ones out, then
        the records, so that a writer stopped half-way leaves what ``knowledge.recovery`` repairs.
        """
        if not pending:
            return
        new = [chunk for item in pending for chunk in item.new]
        stale = set().union(*(item.old_ids - {chunk.id for chunk in item.chunks} for item in pending))
        self.store.add_chunks(new, vectors)
        self.store.delete_chunks(stale)
        versions = self.store.put_documents([(item.document, CHUNKER_VERSION, len(item.chunks)) for item in pending])
        self.lexical.remove(stale)
        self.lexical.add(
            (chunk.id, chunk.source, text) for item in pending for chunk, text in zip(item.new, item.texts)
        )
        self.lexical.set_versions({item.document.source: version for item, version in zip(pending, versions)})

    def _remove_vanished(self, paths: Sequence[str | Path], records: Sequence[DocumentRecord]) -> int:
        """Remove the documents of ``records`` that came from one of the folders ``paths`` and are gone."""
        # os.path.isdir, not Path.is_dir: a name too long for the file system is simply not a folder.
        folders = tuple(
            os.path.join(os.path.realpath(Path(p).expanduser()), "")
            for p in paths
            if os.path.isdir(Path(p).expanduser())
        )
        removed = 0
        for record in records if folders else ():
            if record.path.startswith(folders) and _gone(record.path):
                self._remove_source(record.source)
                removed += 1
        return removed

    def _remove_source(self, source: str) -> int:
        self._documents.pop(source, None)
        ids = self.store.chunk_ids(source)
        self.store.delete_chunks(ids)
        self.lexical.remove(ids)
        self.lexical.set_versions({source: None})
        self.store.delete_document(source)
        return len(ids)

    def remove(self, source: str) -> int:
        """Remove one document and its chunks; returns how many chunks went."""
        self.ensure_default()
        with self._writing():
            if self.store.get_document(source) is None:
                raise NotFoundError(f"No document {source!r} is indexed; see `pressroom sources` for the ids.")
            removed = self._remove_source(source)
            self._changed()
            return removed

    def reset(self) -> None:
        """Empty the index (documents, vectors and lexical entries). The bundled release is not re-added."""
        with self._writing():
            self._documents.clear()
            self._open(first_use=False).reset()  # on a fresh home: made here, and left empty
            self.lexical.clear()
            self._changed()
            (self.settings.home / INITIALIZED).write_text("Emptied by reset.\n")

    # ---- reading ------------------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        self.ensure_default()
        return [
            SourceInfo(record.source, record.title, record.chunks, record.path, record.added)
            for record in self.store.document_records()
        ]

    def get_document(self, source: str, fresh: bool = False) -> Document:
        """The stored document; ``fresh`` skips the cache (another process may have replaced it)."""
        if not fresh and source in self._documents:
            return self._documents[source]
        self.ensure_default()
        document = self.store.get_document(source)
        if document is None:
            raise NotFoundError(f"No document {source!r} is indexed; see `pressroom sources` for the ids.")
        if len(self._documents) > 256:
            self._documents.clear()
        self._documents[source] = document
        return document

    def document_of(self, passage: Passage) -> Document:
        """The document a passage was cut from, as stored when the passage was retrieved."""
        document = self.get_document(passage.source)
        if document.text[passage.start : passage.end] != passage.text:
            document = self.get_document(passage.source, fresh=True)
        return document

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)

    def sentence_vectors(self, passage: Passage) -> dict[Span, list[float]]:
        """The stored vectors of the sentences in ``passage``, by (start, end); empty when none were stored."""
        packed = self._sentences.get(passage.id)
        if packed is None:
            chunk = self.store.get_chunks([passage.id]).get(passage.id)
            packed = self._sentences[passage.id] = chunk.sentence_vectors if chunk else ""
        return _unpacked(packed)

    def search(self, question: str, k: int = 5, rerank: bool = True) -> list[Passage]:
        """The ``k`` best passages: dense and BM25 rankings fused by reciprocal rank, then the best
        ``POOL`` of them reordered by the cross-encoder (unless ``rerank`` is false or no reranker is set)."""
        return self.search_with_names(question, k, rerank)[0]

    def search_with_names(self, question: str, k: int = 5, rerank: bool = True) -> tuple[list[Passage], list[str]]:
        """``search``, and the documents the question names (``named_sources``, matched once): when
        they have passages, the search kept to them."""
        question, k = check_question(question), check_k(k)
        reranker = self.reranker if rerank else None
        self.ensure_default()
        depth = max(4 * k, 20)
        lexical_index = self.current_lexical()  # first: it also follows a reset made by another process
        # "Under GPLv3, ...": the passages of the documents the question names, when they have any.
        named = self.named_sources(question)
        dense = self.store.query(self.embed_query(question), depth, named) if named else []
        lexical = lexical_index.search(question, depth, named) if named else []
        if not dense:
            dense = self.store.query(self.embed_query(question), depth)
            if not dense and self.store.chunk_count() == 0:
                raise IndexEmptyError("No documents are indexed: run `pressroom ingest PATH` to add some.")
        if not lexical:
            lexical = lexical_index.search(question, depth)
        fused: dict[str, float] = {}
        for ranking in ([chunk.id for chunk, _ in dense], [chunk_id for chunk_id, _ in lexical]):
            for rank, chunk_id in enumerate(ranking):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        ranked = sorted(fused, key=fused.__getitem__, reverse=True)[: max(2 * k, POOL) if reranker else 2 * k]
        known = {chunk.id: chunk for chunk, _ in dense}
        known.update(self.store.get_chunks([chunk_id for chunk_id in ranked if chunk_id not in known]))
        if len(self._sentences) > 4096:  # a bound on memory for long-running servers
            self._sentences.clear()
        self._sentences.update((chunk.id, chunk.sentence_vectors) for chunk in known.values() if chunk.sentence_vectors)
        passages: list[Passage] = []
        seen: set[tuple[str, str]] = set()
        for chunk_id in ranked:
            chunk = known.get(chunk_id)
            # The same words twice (a repeated heading, a boilerplate paragraph) would waste a place.
            if chunk is None or (chunk.source, chunk.text) in seen:
                continue
            seen.add((chunk.source, chunk.text))
            passages.append(_passage(chunk, fused[chunk_id]))
        if reranker is not None:
            return on_model_thread(rerank_passages, question, passages, reranker, k), named
        return passages[:k], named

    def named_sources(self, question: str) -> list[str]:
        """The indexed documents that ``question`` names by file name or title initials (``knowledge.naming``)."""
        return self._document_names().named_in(question)

    def without_names(self, question: str) -> str:
        """``question`` with the names of the documents it names blanked out (``DocumentNames.without_names``)."""
        return self._document_names().without_names(question)

    def _document_names(self) -> DocumentNames:
        """The names of the indexed documents, read again when the store has changed since."""
        if self._names is None or self._names[0] != self._revision:
            records = self.store.document_records()
            self._names = (self._revision, DocumentNames(((r.source, r.title) for r in records), self._used_elsewhere))
        return self._names[1]

    def _used_elsewhere(self, words: frozenset[str], source: str) -> bool:
        """Whether another document's text holds one of ``words`` (then a name of ``source`` is a topic too).

        Only plain words are looked up: a coined one that mixes letters and digits ("cc0") is a name.
        """
        plain = [word for word in words if word.isalpha()]
        return any(self.lexical.used_outside(term, source) for word in plain for term in terms(word))


class OneThreadEmbedder(Embedder):
    """An index's embedder as the rest of Pressroom sees it: the same model, run on one thread, queries cached.

    torch (with OpenMP) keeps a team of worker threads for every thread that calls it; calls
    from ever new threads (LangChain's runnables, a web server's pool) leave teams that compete
    for the cores, and a query embedding then takes several times longer. Here every call runs
    on one long-lived thread, batch by batch, so queries still get a turn during a long ingest.
    The last 512 query vectors are kept: retrieval and the answerer embed the same question.
    """

    def __init__(self, inner: Embedder) -> None:
        while isinstance(inner, OneThreadEmbedder):
            inner = inner.inner
        self.inner = inner
        for name in dir(Embedder):  # name, batch_size, prefixes...: the settings every embedder has
            if not name.startswith("_") and not callable(getattr(Embedder, name)):
                setattr(self, name, getattr(inner, name))
        # Small batches: on a laptop CPU they embed faster than large ones (texts of one length
        # sorted together; 46 texts/s at 8 against 33 at 64 on this project's 2 cores), and a
        # question waits for at most one of them while a long ingest runs.
        self.batch_size = min(self.batch_size, MODEL_BATCH)

    def __getattr__(self, name: str) -> object:  # dimension, similarity_floor, the model...
        return getattr(self.inner, name)

    def warm_up(self) -> None:
        on_model_thread(self.inner.warm_up)

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors of ``texts``, embedded ``batch_size`` at a time, shortest with shortest (less padding)."""
        order = sorted(range(len(texts)), key=lambda number: len(texts[number]))
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self.batch_size):
            part = order[start : start + self.batch_size]
            for number, vector in zip(part, on_model_thread(self.inner.embed_batch, [texts[n] for n in part])):
                vectors[number] = vector
        return vectors

    def embed_passages(
        self, passages: Sequence[PassageText], progress: Callable[[int], None] | None = None
    ) -> tuple[list[list[float]], dict[str, list[float]]]:
        """The inner model's passage vectors, a few passages per call of the model thread."""
        if type(self.inner).embed_passages is Embedder.embed_passages:  # texts whole: longest with longest
            order = sorted(range(len(passages)), key=lambda number: len(passages[number].text), reverse=True)
            vectors: list[list[float]] = [[] for _ in passages]
            for number, vector in zip(order, self.embed_documents([passages[n].text for n in order], progress)):
                vectors[number] = vector
            return vectors, {}
        vectors, parts = [], {}
        for start in range(0, len(passages), PASSAGE_GROUP):
            group = passages[start : start + PASSAGE_GROUP]
            got, found = on_model_thread(self.inner.embed_passages, group)
            vectors.extend(got)
            parts.update(found)
            if progress:
                progress(len(group))
        return vectors, parts

    def embed_query(self, text: str) -> list[float]:
        return _cached_query_vector(self.inner, text)

    def similarities(self, a: Sequence[float], vectors: Sequence[Sequence[float]]) -> list[float]:
        return self.inner.similarities(a, vectors)


_model_thread: ThreadPoolExecutor | None = None
_model_thread_lock = threading.Lock()


def on_model_thread(function: Callable[..., _T], *args: object) -> _T:
    """``function(*args)`` on the one thread that runs the embedding models."""
    global _model_thread
    if threading.current_thread().name.startswith("pressroom-model"):
        return function(*args)
    with _model_thread_lock:
        if _model_thread is None:
            # torch's OpenMP threads spin while they wait for work unless told otherwise; on a
            # laptop's two busy cores they take the CPU the working thread needs (a warm ask():
            # 394 ms p50 spinning, 56 ms passive, on this project's 2-core machine under load).
            # Read when torch loads, which is after the first call here in every Pressroom path.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            _model_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pressroom-model")
    return _model_thread.submit(function, *args).result()


def _packed(spans: Sequence[Span], sentences: Sequence[str], vectors: dict[str, list[float]]) -> str:
    """The vectors of a chunk's sentences (``spans``, texts ``sentences``), packed for its metadata."""
    return pack_sentences({span: vectors[text] for span, text in zip(spans, sentences) if text in vectors})


@lru_cache(maxsize=1024)
def _unpacked(packed: str) -> dict[Span, list[float]]:
    return unpack_sentences(packed) if packed else {}


@lru_cache(maxsize=512)
def _cached_query_vector(embedder: Embedder, text: str) -> list[float]:
    return on_model_thread(embedder.embed_query, text)


def _passage(chunk: Chunk, score: float) -> Passage:
    return Passage(
        id=chunk.id,
        source=chunk.source,
        title=chunk.title,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        score=round(score, 6),
        heading=chunk.heading,
        page=chunk.page,
    )


def _gone(path: str) -> bool:
    """Whether the file at ``path`` no longer exists (a file in a folder that cannot be read is not gone)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


_indexes: dict[Settings, Index] = {}


def default_index(settings: Settings | None = None) -> Index:
    """The process-wide index for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    if settings not in _indexes:
        _indexes[settings] = Index(settings)
    return _indexes[settings]
