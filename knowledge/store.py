"""The vector store: Chroma, local on disk or a shared server, holding documents and chunk vectors.

Two collections live side by side: ``pressroom-documents`` keeps each document's full text (the
text that offsets point into) and ``pressroom-chunks-<model>`` keeps chunk vectors of one
embedding model only, so vectors of two models never mix.

Every write ends by giving the chunk collection a new random ``revision`` (in its metadata), so
that a process can tell with one cheap call whether anyone, on any machine sharing the server,
has written since it last looked (``revision()``), and derived data such as the lexical index can
be brought up to date. A chunk collection without a revision is still being made: readers open
the store with ``create=False``, which refuses it (``NotCreated``), and wait for its maker.

A local store is read through Chroma's in-process client, which keeps what it first read of a
collection's vector index for as long as it lives: it would never find what other processes
added since, and after it had read an empty collection it could not search it again once filled
("Nothing found on disk"). So each ``ChromaStore`` has a Chroma system of its own, and replaces it
when the revision shows that another process wrote (``revision()``, before every search).

>>> store = ChromaStore(Settings(home=Path("/tmp/pressroom-doc")), "hashing-256")   # doctest: +SKIP
>>> before = store.revision(); store.bump_revision() != before                      # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from knowledge import redact
from knowledge.config import Settings
from knowledge.errors import ConfigError, StoreError
from knowledge.store_records import (
    DOCUMENTS,
    DocumentRecord,
    NotCreated,
    chunk_from,
    chunk_metadata,
    collection_name,
    document_from,
    document_record,
)
from knowledge.types import Chunk, Document

REVISION = "pressroom:revision"
_R = TypeVar("_R")


def _one_call_at_a_time(method: Callable[..., _R]) -> Callable[..., _R]:
    """A ``ChromaStore`` method that does not overlap another's on a local store (see ``ChromaStore._reopen``)."""

    @functools.wraps(method)
    def call(self: ChromaStore, *args: Any, **kwargs: Any) -> _R:
        with self._calls:
            return method(self, *args, **kwargs)

    return call


class ChromaStore:
    """Documents and chunk vectors in Chroma; every call that reaches Chroma lives here."""

    def __init__(self, settings: Settings, model: str, create: bool = True) -> None:
        """Open (``create``: and make, if need be) the collections; ``NotCreated`` when ``create`` is False
        and they are not ready.

        Making them is a write: ``knowledge.writer`` does it under the index's write lock, once.
        """
        self.settings, self.model = settings, model
        # A local client's calls take turns, so that a replaced client is stopped with no call under way;
        # a server's clients need not (each call is a request of its own).
        self._calls: Any = contextlib.nullcontext() if settings.chroma_url else threading.RLock()
        self._system: Any = None  # the local client's own Chroma system
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            self._chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
            if settings.chroma_url:
                self._client = self._connect(chromadb, settings.chroma_url, self._chroma_settings)
            else:
                settings.home.mkdir(parents=True, exist_ok=True)
                self._client = self._local_client()
            self._open_collections(create)
        except (ConfigError, StoreError, NotCreated):
            raise
        # Chroma's errors on opening are not documented (SQLite's, ValueError, RuntimeError...): whatever it
        # raises becomes one sentence that names the store.
        except Exception as error:  # noqa: BLE001
            where = redact.url(settings.chroma_url) if settings.chroma_url else settings.home / "chroma"
            detail = redact.urls_in(redact.scrub(str(error), settings.chroma_url))
            raise StoreError(
                f"Cannot open the Chroma store at {where} ({detail}); check it, or run `pressroom reset`."
            ) from None
        stored_model = (self._chunks.metadata or {}).get("model")
        if stored_model not in (None, model):
            raise ConfigError(
                f"The collection {self._chunks.name} holds vectors of {stored_model!r}, not {model!r}; "
                "choose another model name."
            )
        self.max_batch = max(1, min(self._client.get_max_batch_size(), 4000))
        self._seen = str((self._chunks.metadata or {}).get(REVISION, ""))  # the last revision this store read or wrote

    @property
    def chunk_collection(self) -> Any:
        """The Chroma collection of chunks itself: for benchmarks that time a bare Chroma query
        beneath Pressroom's search (``bench.warm``'s floor). Pressroom's own code uses the methods below."""
        return self._chunks

    @property
    def remote(self) -> bool:
        """True when the store is a Chroma server that other machines may write to."""
        return bool(self.settings.chroma_url)

    def _open_collections(self, create: bool = True) -> None:
        if not create:
            from chromadb.errors import NotFoundError

            try:
                chunks = self._client.get_collection(collection_name(self.model), embedding_function=None)
                self._documents = self._client.get_collection(DOCUMENTS, embedding_function=None)
            except NotFoundError:
                raise NotCreated(collection_name(self.model)) from None
            if not (chunks.metadata or {}).get(REVISION):  # made, but its maker has not finished
                raise NotCreated(chunks.name)
            self._chunks = chunks
            return
        self._documents = self._client.get_or_create_collection(DOCUMENTS, embedding_function=None)
        self._chunks = self._client.get_or_create_collection(
            collection_name(self.model),
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "model": self.model},
        )

    # ---- revision: has anyone written since? ---------------------------------------------

    @_one_call_at_a_time
    def revision(self) -> str:
        """The chunk collection's current revision: one round trip, and it follows a reset made elsewhere.

        On a local store, a revision this store has not seen means that another process wrote: the
        client is replaced first, so that the next query reads the vector index as it is now.
        """
        if not self.remote:
            from chromadb.errors import NotFoundError

            try:
                revision = str((self._client.get_collection(self._chunks.name).metadata or {}).get(REVISION, ""))
            except NotFoundError:  # deleted by a reset elsewhere (and not yet made again)
                revision = ""
            if revision != self._seen:
                self._reopen()
                self._seen = revision
            return revision
        try:
            current = self._client.get_collection(self._chunks.name)
        # Deleted by a reset elsewhere (and not yet re-created). Chroma's HTTP client raises a bare Exception
        # for an error it does not know (a server of another version), so opening the collections again is
        # the test: it raises the real error when the server is gone.
        except Exception:  # noqa: BLE001
            self._open_collections()
            current = self._chunks
        if current.id != self._chunks.id:  # re-created by a reset elsewhere: use the new collections
            self._open_collections()
            current = self._chunks
        return str((current.metadata or {}).get(REVISION, ""))

    @_one_call_at_a_time
    def bump_revision(self) -> str:
        """Mark the store as changed; call it after every write. Returns the new revision."""
        revision = uuid.uuid4().hex
        metadata = {key: value for key, value in (self._chunks.metadata or {}).items() if not key.startswith("hnsw:")}
        metadata.update({"model": self.model, REVISION: revision})
        self._chunks.modify(metadata=metadata)
        self._seen = revision
        return revision

    def _local_client(self) -> Any:
        """A client of the local store with a Chroma system of its own (Chroma shares one per folder in a process)."""
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        path = str(self.settings.home / "chroma")
        shared = getattr(SharedSystemClient, "_identifier_to_system", {})  # not public: without it, systems are shared
        shared.pop(path, None)  # leaves other stores' systems running, and lets this client make its own
        client = chromadb.PersistentClient(path=path, settings=self._chroma_settings)
        self._system = shared.pop(path, None)
        return client

    def _reopen(self) -> None:
        """Replace the local client by a new one and stop the old one's system (its memory goes with it).

        Chroma's in-process client keeps what it first read of each vector index: only a new
        system reads what other processes wrote since. The caller holds ``_calls``, so no call is
        using the old client.
        """
        old = self._system
        self._client = self._local_client()
        self._open_collections()
        if old is not None:
            old.stop()

    @staticmethod
    def _connect(chromadb: Any, url: str, chroma_settings: Any) -> Any:
        from urllib.parse import urlparse

        parsed = urlparse(url)
        try:
            client = chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
            return client
        # httpx's errors, ValueError for a bad address, a bare Exception from Chroma's client: all mean the
        # server cannot be used, said in one sentence.
        except Exception:  # noqa: BLE001
            raise StoreError(
                f"Cannot reach the Chroma server at {redact.url(url)}; "
                "start it (chroma run) or unset PRESSROOM_CHROMA_URL."
            ) from None

    # ---- documents ----------------------------------------------------------------------

    @_one_call_at_a_time
    def document_records(self) -> list[DocumentRecord]:
        result = self._documents.get(include=["metadatas"])
        return sorted(
            (document_record(source, meta) for source, meta in zip(result["ids"], result["metadatas"] or [])),
            key=lambda record: record.source,
        )

    @_one_call_at_a_time
    def get_document(self, source: str) -> Document | None:
        """The stored document ``source``, or None; an id no document can have (not text, not UTF-8) is simply
        not found."""
        if not isinstance(source, str) or re.search("[\ud800-\udfff]", source):
            return None
        result = self._documents.get(ids=[source], include=["metadatas", "documents"])
        if not result["ids"]:
            return None
        return document_from(source, result["documents"][0] or "", result["metadatas"][0] or {})

    def put_document(self, document: Document, chunker: str, chunks: int) -> str:
        """Store (or replace) a document's text and facts; returns its ``DocumentRecord.version``."""
        return self.put_documents([(document, chunker, chunks)])[0]

    @_one_call_at_a_time
    def put_documents(self, items: Sequence[tuple[Document, str, int]]) -> list[str]:
        """``put_document`` for many ``(document, chunker, chunks)`` at once, in as few calls as Chroma allows."""
        versions = []
        for offset in range(0, len(items), self.max_batch):
            batch = items[offset : offset + self.max_batch]
            metas = [
                {
                    "title": document.title,
                    "path": document.path,
                    "sha256": document.sha256,
                    "added": document.added,
                    "pages": json.dumps(list(document.page_starts)),
                    "chunker": chunker,
                    "chunks": chunks,
                }
                for document, chunker, chunks in batch
            ]
            # Chroma wants a vector for every record; documents are looked up by id only.
            self._documents.upsert(
                ids=[document.source for document, _, _ in batch],
                embeddings=[[1.0]] * len(batch),
                documents=[document.text for document, _, _ in batch],
                metadatas=metas,  # type: ignore[arg-type]
            )
            versions += [document_record(document.source, meta).version for (document, _, _), meta in zip(batch, metas)]
        return versions

    @_one_call_at_a_time
    def delete_document(self, source: str) -> None:
        self._documents.delete(ids=[source])

    # ---- chunks -------------------------------------------------------------------------

    @_one_call_at_a_time
    def chunk_count(self) -> int:
        return self._chunks.count()

    @_one_call_at_a_time
    def chunk_ids(self, source: str | None = None) -> set[str]:
        where = {"source": source} if source is not None else None
        ids: set[str] = set()
        offset = 0
        while True:
            page = self._chunks.get(where=where, include=[], limit=self.max_batch, offset=offset)
            ids.update(page["ids"])
            if len(page["ids"]) < self.max_batch:
                return ids
            offset += self.max_batch

    @_one_call_at_a_time
    def add_chunks(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]] | Any) -> None:
        """Store chunks with their vectors (a list of lists, or a 2-D numpy array passed as it is)."""
        for offset in range(0, len(chunks), self.max_batch):
            batch = chunks[offset : offset + self.max_batch]
            part = vectors[offset : offset + self.max_batch]
            self._chunks.upsert(
                ids=[chunk.id for chunk in batch],
                embeddings=part if hasattr(part, "shape") else [list(vector) for vector in part],
                documents=[chunk.text for chunk in batch],
                metadatas=[chunk_metadata(chunk) for chunk in batch],
            )

    @_one_call_at_a_time
    def delete_chunks(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for offset in range(0, len(ids), self.max_batch):
            self._chunks.delete(ids=ids[offset : offset + self.max_batch])

    @_one_call_at_a_time
    def get_chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        result = self._chunks.get(ids=list(ids), include=["documents", "metadatas"])
        return {
            chunk_id: chunk_from(chunk_id, text or "", meta or {})
            for chunk_id, text, meta in zip(result["ids"], result["documents"], result["metadatas"])
        }

    @_one_call_at_a_time
    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors of the chunks ``ids`` that exist (``pressroom export`` archives them)."""
        found: dict[str, list[float]] = {}
        wanted = list(ids)
        for offset in range(0, len(wanted), self.max_batch):
            page = self._chunks.get(ids=wanted[offset : offset + self.max_batch], include=["embeddings"])
            found.update(
                (chunk_id, [float(x) for x in vector]) for chunk_id, vector in zip(page["ids"], page["embeddings"])
            )
        return found

    @_one_call_at_a_time
    def query(self, vector: Sequence[float], n: int, sources: Sequence[str] | None = None) -> list[tuple[Chunk, float]]:
        """The ``n`` nearest chunks with their cosine similarity, best first (one round trip); only of ``sources``
        if given."""
        where = None if sources is None else {"source": {"$in": list(sources)}}
        result = self._chunks.query(
            query_embeddings=[list(vector)], n_results=n, where=where, include=["documents", "metadatas", "distances"]
        )
        return [
            (chunk_from(chunk_id, text or "", meta or {}), 1.0 - float(distance))
            for chunk_id, text, meta, distance in zip(
                result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0]
            )
        ]

    def iter_chunks(self, ids: Iterable[str] | None = None) -> Iterable[Chunk]:
        """Every stored chunk (or those with ``ids``), a page at a time, to rebuild derived indexes."""
        if ids is not None:
            wanted = list(ids)
            for offset in range(0, len(wanted), self.max_batch):
                yield from self.get_chunks(wanted[offset : offset + self.max_batch]).values()
            return
        offset = 0
        while True:
            with self._calls:
                page = self._chunks.get(include=["documents", "metadatas"], limit=self.max_batch, offset=offset)
            for chunk_id, text, meta in zip(page["ids"], page["documents"], page["metadatas"]):
                yield chunk_from(chunk_id, text or "", meta or {})
            if len(page["ids"]) < self.max_batch:
                return
            offset += self.max_batch

    @_one_call_at_a_time
    def reset(self) -> None:
        """Delete every document and every chunk of every model."""
        for collection in self._client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            if name == DOCUMENTS or name.startswith("pressroom-chunks-"):
                self._client.delete_collection(name)
        self._open_collections()
